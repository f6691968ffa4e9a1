package mm.pageext.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import mm.core.api.MemoryModel.BootResult;
import mm.core.api.Mm;
import mm.core.api.PageInfo;
import mm.core.api.PageState;
import mm.core.api.Task;
import mm.core.api.ZoneType;
import mm.core.hook.BootPhase;
import mm.machine.api.Machine;
import mm.pageext.api.PageExt;
import mm.pageext.api.PageExtInit;
import mm.pageext.api.PageExtTable;
import org.junit.jupiter.api.Test;

/** page_ext's storage: entry layout, one table per present section from its node's buddy, lookups, bytes. */
class PageExtStorageTest {
    /** Sections holding memory of a booted machine (what page_ext must cover). */
    static Set<Long> presentSections(ExtRig rig) {
        Set<Long> out = new TreeSet<>();
        for (var n : rig.model.nodes()) {
            for (long pfn = n.startPfn(); pfn < n.startPfn() + n.spannedPages(); pfn += Mm.PAGES_PER_SECTION) {
                if (rig.model.memmap().valid(pfn)) out.add(Mm.sectionOf(pfn));
            }
        }
        return out;
    }

    @Test
    void withoutANeedingClientNothingIsAllocatedAndNothingIsPrinted() throws Exception {
        ExtRig rig = new ExtRig();
        ExtRig.Client c = new ExtRig.Client("idle", 64, true, 0);
        c.need = false;
        rig.core.addClient(c);
        BootResult r = rig.boot(rig.machine("tiny"), "late", "per-node");
        assertTrue(ExtRig.lines(r).stream().noneMatch(l -> l.contains("page_ext")), "no page_ext line");
        assertEquals(0, rig.core.entrySize());
        assertEquals(0, rig.core.allocatedBytes());
        assertTrue(rig.core.sections().isEmpty());
        assertNull(rig.core.lookup(0x1000));
        assertTrue(c.offsets.isEmpty(), "a client that is not needed is not initialised");
        assertEquals(List.of(), rig.model.check());
    }

    @Test
    void theEntryIsTheFlagsWordThenEachNeedingClientInRankOrder() throws Exception {
        ExtRig rig = new ExtRig();
        ExtRig.Client owner = new ExtRig.Client("owner", 64, true, 0);
        ExtRig.Client table = new ExtRig.Client("table_check", 8, false, 10);
        ExtRig.Client idle = new ExtRig.Client("idle", 100, false, 5);
        idle.need = false;
        rig.core.addClient(table);
        rig.core.addClient(idle);
        rig.core.addClient(owner);
        rig.boot(rig.machine("tiny"), "late", "per-node");
        assertEquals(8 + 64 + 8, rig.core.entrySize());
        assertEquals(List.of(8), owner.offsets);
        assertEquals(List.of(72), table.offsets);
        assertTrue(idle.offsets.isEmpty());
        assertEquals(List.of(new PageExt.Client("owner", 8, 64, true), new PageExt.Client("idle", -1, 100, false),
                new PageExt.Client("table_check", 72, 8, true)), rig.core.clients());
    }

    @Test
    void noFlagsWordWhenNoNeedingClientAsksForIt() throws Exception {
        ExtRig rig = new ExtRig();
        ExtRig.Client a = new ExtRig.Client("a", 16, false, 0);
        rig.core.addClient(a);
        rig.boot(rig.machine("tiny"), "late", "per-node");
        assertEquals(16, rig.core.entrySize());
        assertEquals(List.of(0), a.offsets);
    }

    @Test
    void oneTableOfEntrySizeTimesPagesPerSectionForEveryPresentSectionFromItsNodesBuddy() throws Exception {
        ExtRig rig = new ExtRig();
        rig.core.addClient(new ExtRig.Client("owner", 64, true, 0));
        BootResult r = rig.boot(rig.machine("tiny-2node"), "late", "per-node");
        Set<Long> present = presentSections(rig);
        assertEquals(4, present.size(), "tiny-2node: 512 MiB in 4 sections");
        long perSection = 72L * Mm.PAGES_PER_SECTION;
        assertTrue(ExtRig.lines(r).contains("allocated " + perSection * present.size() + " bytes of page_ext"),
                String.join("\n", ExtRig.lines(r)));
        assertEquals(perSection * present.size(), rig.core.allocatedBytes());
        List<PageExt.Section> secs = rig.core.sections();
        assertEquals(present, new TreeSet<>(secs.stream().map(PageExt.Section::sectionNr).toList()));
        for (PageExt.Section s : secs) {
            int nodeOfSection = mm.core.api.PageFlags.nid(rig.model.memmap().flags(s.sectionNr() << Mm.PFN_SECTION_SHIFT));
            assertEquals(nodeOfSection, s.nid());
            assertEquals("buddy", s.source());
            assertEquals(s.nid(), s.tableNid(), "the table of section " + s.sectionNr() + " is on its own node");
            // alloc_pages_exact_nid: 576 pages kept of an order-10 block, the other 448 given back
            long head = s.where();
            assertEquals(0, head & (Mm.MAX_ORDER_NR_PAGES - 1));
            PageInfo kept = rig.model.page(head + 575), back = rig.model.page(head + 576);
            assertEquals(PageState.ALLOCATED_HEAD, kept.pageState(), kept.state());
            assertEquals("allocated (head, order 0)", kept.state());
            assertTrue(back.pageState().free() || back.pageState().allocated(), back.state());
        }
        // every pfn of a present section has an entry; the table costs exactly entrySize bytes per page
        for (long nr : present) {
            PageExtTable t = rig.core.lookup(nr << Mm.PFN_SECTION_SHIFT);
            assertNotNull(t);
            assertEquals(72L * Mm.PAGES_PER_SECTION, t.bytes());
            assertEquals(72, t.bytes() / Mm.PAGES_PER_SECTION, "bytes of Java heap per page");
            assertTrue(t.present((nr << Mm.PFN_SECTION_SHIFT) + Mm.PAGES_PER_SECTION - 1));
        }
        assertNull(rig.core.lookup(present.stream().max(Long::compare).get() + 1 << Mm.PFN_SECTION_SHIFT));
        assertEquals(List.of(), rig.model.check());
    }

    @Test
    void theLateVariantInitialisesClientsAfterPageAllocInitLateAsTheInitTask() throws Exception {
        ExtRig rig = new ExtRig();
        ExtRig.Client c = new ExtRig.Client("owner", 64, true, 0);
        rig.core.addClient(c);
        boolean[] readyBefore = {true};
        rig.model.addPhaseListener(ExtRig.at(BootPhase.PAGE_ALLOC_INIT_LATE, ctx -> readyBefore[0] = rig.core.ready()));
        rig.boot(rig.machine("tiny-2node"), "late", "per-node");
        assertFalse(readyBefore[0], "not initialised before PAGE_EXT_LATE");
        assertEquals(1, c.contexts.size());
        var ctx = c.contexts.get(0);
        assertEquals(BootPhase.PAGE_EXT_LATE, ctx.phase());
        assertEquals("late", ctx.variant());
        assertEquals(Task.INIT, ctx.task());
        assertEquals("page_alloc_init_late", ctx.callers().get(0));
        assertTrue(rig.core.ready());
        assertEquals("late", rig.core.variant());
        assertEquals(List.of(), rig.model.check());
    }

    @Test
    void aNewBootStartsFromEmptyStorage() throws Exception {
        ExtRig rig = new ExtRig();
        ExtRig.Client c = new ExtRig.Client("owner", 64, true, 0);
        rig.core.addClient(c);
        Machine two = rig.machine("tiny-2node");
        rig.boot(two, "late", "per-node");
        long first = rig.core.allocatedBytes();
        rig.boot(rig.machine("tiny"), "late", "off");
        assertEquals(2, c.resets);
        assertEquals(2L * 72 * Mm.PAGES_PER_SECTION, rig.core.allocatedBytes(), "tiny: 256 MiB, 2 sections");
        assertTrue(first > rig.core.allocatedBytes());
        assertEquals(List.of(), rig.model.check());
    }

    @Test
    void aSelectedVariantWhoseBundleStoppedLeavesPageExtOffWithAMessage() throws Exception {
        ExtRig rig = new ExtRig();
        rig.core.addClient(new ExtRig.Client("owner", 64, true, 0));
        rig.variants.select(PageExtInit.SUBSYSTEM, PageExtInit.ON_TOUCH);
        rig.variants.unregister(rig.variants.activeService(PageExtInit.SUBSYSTEM, PageExtInit.class));
        BootResult r = rig.model.boot(rig.machine("tiny"));
        assertTrue(ExtRig.lines(r).contains("page_ext: no page-ext variant is active (selected: on-touch; see mm:variant"
                + " page-ext): page_ext stays off on this boot"), String.join("\n", ExtRig.lines(r)));
        assertEquals(0, rig.core.allocatedBytes());
        assertNull(rig.core.variant());
        assertEquals(List.of(), rig.model.check());
    }

    @Test
    void aSectionThatComesOnlineAfterTheBootGetsATableFromItsNodeAsTheMemoryNotifierGivesIt() throws Exception {
        ExtRig rig = new ExtRig();
        rig.core.addClient(new ExtRig.Client("owner", 64, true, 0));
        rig.boot(rig.machine("tiny-2node"), "late", "per-node");
        long before = rig.core.allocatedBytes();
        long nr = 40;   // 5 GiB: no memory there at boot
        long start = nr << Mm.PFN_SECTION_SHIFT;
        assertNull(rig.core.lookup(start));
        rig.core.onPagesInitialised(1, ZoneType.NORMAL, start, start + Mm.PAGES_PER_SECTION);
        assertNotNull(rig.core.lookup(start + 5));
        assertEquals(before + 72L * Mm.PAGES_PER_SECTION, rig.core.allocatedBytes());
        PageExt.Section s = rig.core.sections().stream().filter(x -> x.sectionNr() == nr).findFirst().orElseThrow();
        assertEquals(1, s.tableNid());
        // ZONE_DEVICE memory never gets page_ext
        long dev = 48L << Mm.PFN_SECTION_SHIFT;
        rig.core.onPagesInitialised(1, ZoneType.DEVICE, dev, dev + Mm.PAGES_PER_SECTION);
        assertNull(rig.core.lookup(dev));
        assertEquals(List.of(), rig.model.check());
    }

    @Test
    void theReportShowsVariantEntryLayoutAndBytesPerNode() throws Exception {
        ExtRig rig = new ExtRig();
        rig.core.addClient(new ExtRig.Client("page_owner", 64, true, 0));
        rig.boot(rig.machine("tiny-2node"), "late", "per-node");
        var r = PageExtCommands.report(rig.core, true);
        String t = r.text();
        assertTrue(t.startsWith("page_ext: variant late, initialised, entry 72 bytes per page, 4 sections, 9437184 bytes"
                + " (9.0 MiB) = 72 bytes per present page\n"), t);
        assertTrue(t.contains("  flags            offset   0  size   8\n  page_owner       offset   8  size  64\n"), t);
        assertTrue(t.contains("Node 0: 2 sections, 4718592 bytes, tables from {buddy=2}\n"), t);
        assertTrue(t.contains("Node 1: 2 sections, 4718592 bytes, tables from {buddy=2}\n"), t);
        assertEquals(9437184L, r.data().get("bytes"));
        assertEquals(72, r.data().get("entry_size"));
        assertEquals(4, ((List<?>) r.data().get("tables")).size());
        Map<?, ?> first = (Map<?, ?>) ((List<?>) r.data().get("tables")).get(0);
        assertEquals("buddy", first.get("source"));
        assertEquals(List.of(), rig.model.check());
    }
}
