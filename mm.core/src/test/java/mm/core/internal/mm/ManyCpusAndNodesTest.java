package mm.core.internal.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import mm.core.api.CallStack;
import mm.core.api.Gfp;
import mm.core.internal.deferred.DeferredInits;
import mm.machine.api.Machine;
import mm.machine.internal.MachineServiceImpl;
import mm.variant.internal.StandaloneVariants;
import org.junit.jupiter.api.Test;

/**
 * Machines with thousands of CPUs and the most nodes the kernel allows (NR_CPUS 8192, MAX_NUMNODES 1024) boot and
 * pass mm:check: nothing in the checker grows deeper with CPUs x zones, and a CPU's pagesets exist only once it
 * allocates or frees in a zone.
 */
class ManyCpusAndNodesTest {
    static MemoryModelImpl model() {
        StandaloneVariants variants = new StandaloneVariants();
        DeferredInits.register(variants::register);
        return new MemoryModelImpl(variants);
    }

    @Test
    void with1536CpusItBootsAndChecksAndOnlyUsedCpusHavePagesets() throws Exception {
        // 8 GiB on two nodes: the percpu first chunk (1 MiB a CPU) fits
        String text = MachineServiceImpl.builtinText("default").orElseThrow().replace("node 0 cpus 2", "node 0 cpus 768")
                .replace("node 1 cpus 2", "node 1 cpus 768");
        Machine machine = new MachineServiceImpl().parse("default-1536", text);
        assertEquals(1536, machine.nodes().stream().mapToInt(n -> n.cpus()).sum());
        MemoryModelImpl m = model();
        m.boot(machine);
        Kernel k = m.kernel();
        assertEquals(1536, k.cpus.count());
        assertEquals(List.of(), m.check());

        // allocations from a few threads (each on its own emulated CPU), then the check with pages on their pcp lists
        List<Long> pages = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread th = new Thread(() -> {
                for (int i = 0; i < 100; i++) {
                    long pfn = m.alloc(0, Gfp.GFP_KERNEL, 0, CallStack.of("many_cpus_test"));
                    if (i % 2 == 0) m.free(pfn, 0); else synchronized (pages) { pages.add(pfn); }
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) th.join();
        assertEquals(List.of(), m.check());
        int withPagesets = 0;
        for (Zone z : k.zones()) {
            int[] n = {0};
            z.forEachPcp((cpu, p) -> n[0]++);
            withPagesets = Math.max(withPagesets, n[0]);
        }
        // the boot's user space ran on the CPUs in turn (a node's zones get the pagesets of that node's CPUs) and
        // the test threads on theirs: no zone has a pageset for every CPU
        assertTrue(withPagesets >= 1 && withPagesets < 1536, "pagesets of a zone: " + withPagesets + " of 1536 CPUs");
        // /proc/zoneinfo still lists a pageset for every possible CPU
        String zoneinfo = m.zoneinfo().text();
        assertTrue(zoneinfo.contains("    cpu: 1535\n"), "zoneinfo lists CPU 1535");
        for (long pfn : pages) m.free(pfn, 0);
        assertEquals(List.of(), m.check());
    }

    /**
     * Issue 14: setup_per_cpu_areas on a small machine with many CPUs: the embedding allocator fails, the page first
     * chunk takes over ("falling back to page size"); when even that cannot be had, the kernel panics and the previous
     * boot stays.
     */
    @Test
    void percpuFallsBackToPagesAndPanicsWhenEvenThoseAreMissing() throws Exception {
        MemoryModelImpl m = model();
        MachineServiceImpl machines = new MachineServiceImpl();
        String tiny = MachineServiceImpl.builtinText("tiny").orElseThrow();
        m.boot(machines.parse("tiny-512", tiny.replace("node 0 cpus 1", "node 0 cpus 512")));
        assertTrue(m.dmesg().stream().anyMatch(l -> l.endsWith("setup_percpu: auto allocator failed (-12), falling back"
                + " to page size")), String.join("\n", m.dmesg()));
        assertEquals(List.of(), m.check());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> m.boot(machines.parse("tiny-1536", tiny.replace("node 0 cpus 1", "node 0 cpus 1536"))));
        assertEquals("Kernel panic - not syncing: cannot initialize percpu area (err=-12)", e.getMessage());
        assertEquals(512, m.kernel().cpus.count(), "the previous boot stays");
        assertEquals(List.of(), m.check());
    }

    @Test
    void theFourSocket512CpuMachineBootsAndChecks() throws Exception {
        MemoryModelImpl m = model();
        m.boot(new MachineServiceImpl().builtin("xeon-4s-512").orElseThrow());
        assertEquals(512, m.kernel().cpus.count());
        assertTrue(m.dmesg().stream().anyMatch(l -> l.contains("nr_cpu_ids:512 nr_node_ids:4")));
        assertEquals(List.of(), m.check());
    }

    @Test
    void aMachineWith1024NodesBootsAndChecks() throws Exception {
        // 1024 nodes of 32 MiB each (the first one also holds the low 1 MiB), one CPU each
        StringBuilder sb = new StringBuilder("machine nodes-1024\n");
        for (int n = 0; n < 1024; n++) sb.append("node ").append(n).append(" cpus 1\n");
        sb.append("e820 0x0-0x9fbff usable node 0\n");
        sb.append("e820 0x9fc00-0x9ffff reserved\n");
        sb.append("e820 0xf0000-0xfffff reserved\n");
        long base = 1L << 32;
        sb.append("e820 0x100000-0x7ffffff usable node 0\n");
        for (int n = 1; n < 1024; n++) {
            long s = base + (long) (n - 1) * (32L << 20);
            sb.append(String.format("e820 %#x+32M usable node %d%n", s, n));
        }
        sb.append("reserve kernel 0x1000000-0x3810fff\n");
        Machine machine = new MachineServiceImpl().parse("nodes-1024", sb.toString());
        assertEquals(1024, machine.nodes().size());
        MemoryModelImpl m = model();
        m.boot(machine);
        assertEquals(1024, m.kernel().nodes.size());
        assertEquals(List.of(), m.check());
        long pfn = m.alloc(0, Gfp.GFP_KERNEL, 1023, CallStack.of("many_nodes_test"));
        assertTrue(pfn >= 0);
        assertEquals(1023, m.zoneOf(pfn).nid());
        m.free(pfn, 0);
        assertEquals(List.of(), m.check());
    }
}
