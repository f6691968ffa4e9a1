package mm.pageowner.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import mm.core.api.MemoryModel.BootResult;
import mm.core.api.Mm;
import mm.core.api.NodeInfo;
import mm.core.api.PageInfo;
import mm.core.api.PageState;
import mm.core.api.ZoneInfo;
import mm.core.api.ZoneType;
import mm.machine.api.Machine;
import mm.pageowner.api.EarlyCount;
import mm.pageowner.api.PageOwnerRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every page_ext variant on a one-node and a two-node machine, with deferred init on and off where the variant
 * allows it: the boot prints the kernel's lines, page_owner tracks every allocated page afterwards, and the early
 * counts are what the boot allocated before page_owner started.
 */
class VariantMatrixTest {
    static long presentSections(Rig rig) {
        long n = 0;
        for (long nr = 0; nr < rig.model.memmap().maxPfn() >>> Mm.PFN_SECTION_SHIFT; nr++)
            if (rig.model.memmap().valid(nr << Mm.PFN_SECTION_SHIFT)) n++;
        return n;
    }

    @ParameterizedTest(name = "{0}: page-ext {1}, deferred-init {2}")
    @CsvSource({
        "tiny, late, per-node", "tiny, late, off", "tiny, early, off", "tiny, on-touch, per-node", "tiny, on-touch, off",
        "tiny-2node, late, per-node", "tiny-2node, late, off", "tiny-2node, late, two-pass", "tiny-2node, early, off",
        "tiny-2node, on-touch, per-node", "tiny-2node, on-touch, off", "tiny-2node, on-touch, multithreaded"})
    void eachVariantBootsTracksAndCounts(String machine, String variant, String deferred) throws Exception {
        Rig rig = new Rig();
        Machine m = rig.shipped(machine);
        BootResult r = rig.boot(m, variant, deferred);
        List<String> log = Rig.lines(r);
        long bytes = presentSections(rig) * 72 * Mm.PAGES_PER_SECTION;
        assertTrue(log.contains("allocated " + bytes + " bytes of page_ext"), String.join("\n", log));

        // one line per populated zone of every node, in node and zone order, as page_owner printed them
        List<String> expected = new ArrayList<>();
        for (NodeInfo n : rig.model.nodes()) for (ZoneType z : ZoneType.VALUES) {
            ZoneInfo zi = rig.model.zone(n.nid(), z);
            if (!zi.populated()) continue;
            long c = rig.owner.earlyCounts().stream().filter(e -> e.nid() == n.nid() && e.zone() == z)
                    .mapToLong(EarlyCount::pages).sum();
            expected.add(String.format(Locale.ROOT, "Node %d, zone %8s: page owner found early allocated %d pages",
                    n.nid(), z.kernelName(), c));
        }
        assertEquals(expected, log.stream().filter(l -> l.contains("page owner found early allocated")).toList());
        assertEquals(machine.equals("tiny") ? 2 : 3, expected.size());

        // what the scan found: nothing for on-touch (page_owner starts with the buddy); for early the tables and the
        // early window; for late also the mid window (plus pages resting on per-cpu lists, not PageBuddy)
        long total = rig.owner.earlyCounts().stream().mapToLong(EarlyCount::pages).sum();
        long tablePages = presentSections(rig) * 576;
        long early = m.workload().earlyPages(), mid = m.workload().midPages();
        switch (variant) {
            case "on-touch" -> assertEquals(0, total);
            case "early" -> assertTrue(total >= tablePages + early - 2 && total <= tablePages + early, "early: " + total);
            default -> assertTrue(total >= tablePages + early + mid - 2 && total <= tablePages + early + mid + 300,
                    "late: " + total);
        }

        // after the boot, every allocated block has a record of its allocation. A free page may keep a record marked
        // allocated only if it is an early one: init_pages_in_zone marked it while it sat on a per-cpu list, and
        // free_pcppages_bulk later merged it into the buddy without a page_owner reset (the kernel does the same;
        // read_page_owner never prints it, as it skips free blocks whole)
        long heads = 0, earlyRecords = 0, staleOnFree = 0;
        for (NodeInfo n : rig.model.nodes()) {
            for (long pfn = n.startPfn(); pfn < n.startPfn() + n.spannedPages(); pfn++) {
                if (!rig.model.memmap().valid(pfn)) continue;
                PageInfo p = rig.model.page(pfn);
                PageOwnerRecord rec = rig.owner.record(pfn);
                if (p.pageState() == PageState.ALLOCATED_HEAD) {
                    heads++;
                    assertNotNull(rec, "allocated pfn " + pfn + " has a record");
                    assertTrue(rec.allocated(), "pfn " + pfn + ": " + rec);
                    assertNotNull(rec.stack());
                    if (rec.early()) earlyRecords++;
                } else if (p.pageState() == PageState.FREE_BUDDY || p.pageState() == PageState.FREE_INSIDE_BUDDY_BLOCK) {
                    if (rec != null && rec.allocated()) {
                        assertTrue(rec.early() && rec.order() == 0, "free pfn " + pfn + " " + rec);
                        staleOnFree++;
                    }
                } else if (p.pageState() == PageState.RESERVED) {
                    assertTrue(rec == null, "reserved pfn " + pfn + " " + rec);
                }
            }
        }
        assertTrue(heads > 0);
        if (variant.equals("on-touch")) assertEquals(0, staleOnFree);
        assertTrue(staleOnFree <= 300, staleOnFree + " free pages with an early record (more than per-cpu lists hold)");
        // read_page_owner skips free buddy blocks whole; a page resting on a per-cpu list is not PageBuddy, so its
        // stale early record is printed, as the kernel prints it
        rig.owner.forEachPrintable(rec -> {
            PageState st = rig.model.page(rec.pfn()).pageState();
            if (st == PageState.FREE_PCP) assertTrue(rec.early() && rec.order() == 0, "pcp pfn " + rec);
            else assertFalse(st.free(), "dump prints free pfn (" + st + ") " + rec);
        });
        assertTrue(earlyRecords <= total, earlyRecords + " early records of " + total + " found");
        if (variant.equals("on-touch")) assertEquals(0, earlyRecords);
        assertEquals(List.of(), rig.model.check());
    }
}
