package mm.pageowner.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import mm.machine.api.Machine;
import mm.pageowner.api.EarlyCount;
import mm.shell.api.Report;
import org.junit.jupiter.api.Test;

/** The seed 000 table: every count is the one the corresponding boot printed. */
class CompareTest {
    @Test
    void theTableShowsEachBootsCountsBytesAndCosts() throws Exception {
        Rig rig = new Rig();
        Machine m = rig.shipped("tiny-2node");
        List<Compare.Result> rs = Compare.run(m, Compare.SEED000, rig.model, rig.ext, rig.owner,
                (pe, di) -> rig.selectForTests(pe, di));
        assertEquals(4, rs.size());
        // each column equals a separate boot of the same variants
        for (Compare.Result r : rs) {
            rig.boot(m.withOptions(m.options().withPageOwner(true)), r.column().pageExt(), r.column().deferred());
            assertEquals(rig.owner.earlyCounts(), r.counts(), r.column().toString());
            assertEquals(rig.ext.allocatedBytes(), r.pageExtBytes());
            assertEquals(r.column().pageExt(), r.variant());
            assertTrue(r.wallMs() > 0 && r.modelledMs() > 0);
        }
        long late = Compare.total(rs.get(0)), lateOff = Compare.total(rs.get(1)), early = Compare.total(rs.get(2)),
                onTouch = Compare.total(rs.get(3));
        // the seed's comparison, without deferred init: the late placement finds the mid window's allocations too
        assertTrue(lateOff - early >= m.workload().midPages(), lateOff + " vs " + early);
        assertTrue(late > early);
        assertEquals(0, onTouch);
        // deferred init costs a boot-CPU memmap init when it is off; on-touch keeps it on
        assertTrue(rs.get(2).memmapMs() > rs.get(3).memmapMs());
        assertTrue(rs.get(0).deferredMs() > 0 && rs.get(2).deferredMs() == 0);
        assertEquals(List.of("memblock"), List.copyOf(rs.get(3).sources().keySet()));
        assertEquals(List.of("buddy"), List.copyOf(rs.get(0).sources().keySet()));

        Report rep = Compare.report(m, rs);
        String t = rep.text();
        assertTrue(t.startsWith("seed 000: page owner's early-allocated pages per zone, machine tiny-2node (2 nodes, 511 MiB),"
                + " page_owner=on\n"), t);
        assertTrue(t.contains("\npage_ext init                           late            late           early        on-touch\n"), t);
        assertTrue(t.contains("\ndeferred struct page init           per-node             off             off        per-node\n"), t);
        for (EarlyCount e : rs.get(2).counts()) {
            String label = String.format("Node %d, zone %8s", e.nid(), e.zone().kernelName());
            String row = t.lines().filter(l -> l.startsWith(label)).findFirst().orElseThrow();
            assertEquals(List.of(label.replaceAll("\\s+", " ").split(" ").length), List.of(4));
            assertTrue(row.contains(" " + e.pages() + " "), row);
        }
        assertTrue(t.contains("\npage_ext tables from                   buddy           buddy           buddy        memblock\n"), t);
        assertEquals(4, ((List<?>) rep.data().get("boots")).size());
        assertEquals(List.of(), rig.model.check());
    }
}
