package mm.pageowner.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import mm.core.api.Mm;
import mm.machine.api.Machine;
import mm.pageext.api.PageExt;
import mm.pageowner.api.EarlyCount;
import org.junit.jupiter.api.Test;

/**
 * Boot allocations on the node the kernel uses (docs/boot-workload.md): start_kernel's own on the boot CPU's node,
 * per-node structures on their node, the idle threads and per-cpu kthreads on their CPU's node, init's under the
 * boot interleave policy. On real 2-node boots more than half of what page_owner's scan finds early that is not
 * page_ext's own tables lies on node 0.
 */
class NodePlacementTest {
    /** Early-allocated pages per node, page_ext's own tables left out. */
    static long[] earlyWithoutTables(Rig rig, int nodes) {
        long[] n = new long[nodes];
        for (EarlyCount c : rig.owner.earlyCounts()) n[c.nid()] += c.pages();
        for (PageExt.Section s : rig.ext.sections()) {
            if (s.source().equals("buddy")) n[s.tableNid()] -= s.bytes() / Mm.PAGE_SIZE;
        }
        return n;
    }

    static String twoNode(int cpusPerNode, long gibPerNode) {
        long n0 = gibPerNode << 30;
        long n1 = Math.max(n0, 4L << 30);
        return "machine two\nnode 0 cpus " + cpusPerNode + "\nnode 1 cpus " + cpusPerNode + "\ndistance 10 21\ndistance 21 10\n"
                + "e820 0x0-0x9fbff usable node 0\ne820 0x9fc00-0x9ffff reserved\ne820 0xf0000-0xfffff reserved\n"
                + String.format("e820 0x100000-%#x usable node 0%n", n0 - 1)
                + String.format("e820 %#x-%#x usable node 1%n", n1, n1 + (gibPerNode << 30) - 1)
                + "reserve kernel 0x1000000-0x3810fff\ncmdline page_owner=on\n";
    }

    static void assertNodeZeroHasMoreThanHalf(Rig rig, Machine m) {
        rig.boot(m, "late", "per-node");
        long[] n = earlyWithoutTables(rig, 2);
        System.out.printf("%s: early-allocated pages without page_ext tables: node 0 %d, node 1 %d (%.0f %% on node 0)%n",
                m.name(), n[0], n[1], 100.0 * n[0] / (n[0] + n[1]));
        assertTrue(n[0] > 0 && n[1] > 0, "both nodes allocate (per-node structures, their CPUs' threads): "
                + n[0] + " / " + n[1]);
        assertTrue(n[0] * 2 > n[0] + n[1], "node 0 " + n[0] + ", node 1 " + n[1]);
        assertEquals(List.of(), rig.model.check());
    }

    @Test
    void tiny2node() throws Exception {
        Rig rig = new Rig();
        assertNodeZeroHasMoreThanHalf(rig, rig.shipped("tiny-2node"));
    }

    @Test
    void twoEqualNodesWithFourCpusEach() throws Exception {
        Rig rig = new Rig();
        assertNodeZeroHasMoreThanHalf(rig, rig.machines.parse("two", twoNode(4, 2)));
    }

    @Test
    void aLargerSecondNodeDoesNotPullTheBootsOwnAllocations() throws Exception {
        Rig rig = new Rig();
        // node 1 above 4 GiB with four times node 0's memory: by managed memory it would take most of the pages
        String text = twoNode(2, 1).replace(String.format("e820 %#x-%#x usable node 1%n", 4L << 30, (4L << 30) + (1L << 30) - 1),
                String.format("e820 %#x-%#x usable node 1%n", 4L << 30, (8L << 30) - 1));
        assertNodeZeroHasMoreThanHalf(rig, rig.machines.parse("two", text));
    }
}
