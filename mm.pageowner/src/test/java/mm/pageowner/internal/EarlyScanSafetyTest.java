package mm.pageowner.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import mm.core.api.MemoryModel.BootResult;
import mm.core.api.Mm;
import mm.core.api.UninitialisedPageException;
import mm.core.hook.BootPhase;
import mm.machine.api.Machine;
import mm.pageext.api.PageExt;
import mm.pageext.api.PageExtInitContext;
import mm.pageext.api.PageExtTable;
import mm.pageowner.api.EarlyCount;
import org.junit.jupiter.api.Test;

/**
 * page_owner's init scan reads struct pages only where they are initialised. Forcing the scan to the early point
 * while struct pages are deferred (the 2017 bug: v4.19 ran page_ext_init before deferred init, with tables for every
 * section because early_pfn_to_nid needs no struct page) is caught by the memmap's poison check.
 */
class EarlyScanSafetyTest {
    /** v4.19's page_ext: a table for every valid section, made without reading a struct page. */
    static final class EverySectionPageExt implements PageExt {
        final PageExtTable[] tables;

        EverySectionPageExt(Rig rig) {
            tables = new PageExtTable[(int) (rig.model.memmap().maxPfn() >>> Mm.PFN_SECTION_SHIFT)];
            for (int nr = 0; nr < tables.length; nr++)
                if (rig.model.memmap().valid((long) nr << Mm.PFN_SECTION_SHIFT)) tables[nr] = new PageExtTable(nr, 72, true);
        }

        @Override public boolean ready() { return true; }
        @Override public int entrySize() { return 72; }
        @Override public PageExtTable lookup(long pfn) {
            long nr = pfn >>> Mm.PFN_SECTION_SHIFT;
            return nr < tables.length ? tables[(int) nr] : null;
        }
        @Override public PageExtTable table(long pfn) { return lookup(pfn); }
        @Override public long allocatedBytes() { return 0; }
        @Override public String variant() { return "v4.19"; }
        @Override public List<Client> clients() { return List.of(); }
        @Override public List<Section> sections() { return List.of(); }
    }

    @Test
    void theScanAtTheEarlyPointWithDeferredStructPagesIsCaught() throws Exception {
        Rig rig = new Rig();
        Machine m = rig.shipped("tiny-2node");
        boolean[] deferred = {false};
        rig.model.addPhaseListener((p, ctx) -> {
            if (p != BootPhase.PAGE_EXT_EARLY) return;
            deferred[0] = ctx.deferredStructPages();
            rig.owner.init(new EverySectionPageExt(rig), 8, new PageExtInitContext(ctx, p, "forced-early",
                    ctx.model().currentTask(), List.of("start_kernel")));
        });
        UninitialisedPageException e = assertThrows(UninitialisedPageException.class,
                () -> rig.boot(m, "on-touch", "per-node"));
        assertTrue(deferred[0], "struct pages were deferred at the early point");
        assertTrue(e.getMessage().contains("page_is_poisoned: page->flags read an uninitialised struct page"), e.getMessage());
        // it stopped at the first deferred pfn: node 1 (256 MiB from pfn 0x10000) got its first section initialised
        // by free_area_init, the second one, from 0x18000, was deferred (node 0 fits its last zone in one section)
        assertEquals(0x18000, e.pfn(), e.getMessage());
    }

    @Test
    void theSameForcedScanIsHarmlessWithoutDeferredInit() throws Exception {
        Rig rig = new Rig();
        List<Long> counts = new ArrayList<>();
        rig.model.addPhaseListener((p, ctx) -> {
            if (p != BootPhase.PAGE_EXT_EARLY) return;
            assertFalse(ctx.deferredStructPages());
            rig.owner.init(new EverySectionPageExt(rig), 8, new PageExtInitContext(ctx, p, "forced-early",
                    ctx.model().currentTask(), List.of("start_kernel")));
            rig.owner.earlyCounts().forEach(c -> counts.add(c.pages()));
        });
        rig.boot(rig.shipped("tiny-2node"), "on-touch", "off");
        assertEquals(3, counts.size());
        assertEquals(List.of(), rig.model.check());
    }

    @Test
    void pageExtInitItselfReadsTheFirstStructPageOfEverySection() throws Exception {
        // the 2016 crash: page_ext_init before deferred init, pfn_to_nid on a deferred section's first page
        Rig rig = new Rig();
        rig.model.addPhaseListener((p, ctx) -> {
            if (p == BootPhase.PAGE_EXT_EARLY) rig.ext.storageForTests().initFromBuddy(ctx, p, List.of("start_kernel"));
        });
        assertThrows(UninitialisedPageException.class, () -> rig.boot(rig.shipped("tiny-2node"), "on-touch", "per-node"));
    }

    @Test
    void theEarlyVariantRefusesABootWithDeferredPagesAndInitialisesLateInstead() throws Exception {
        Rig rig = new Rig();
        BootResult r = rig.boot(rig.shipped("tiny-2node"), "early", "per-node");
        List<String> log = Rig.lines(r);
        int refused = log.indexOf("page_ext: early init refused on this boot: struct pages were deferred; page_ext_init"
                + " runs after page_alloc_init_late (page_ext early init (early_page_ext) requires deferred struct page"
                + " init off: add 'config mm.variant deferred-init=off' to the profile)");
        assertTrue(refused >= 0, String.join("\n", log));
        int deferredDone = -1, allocated = -1;
        for (int i = 0; i < log.size(); i++) {
            if (log.get(i).matches("node \\d deferred pages initialised in \\d+ms")) deferredDone = i;
            if (log.get(i).startsWith("allocated ") && log.get(i).endsWith(" bytes of page_ext")) allocated = i;
        }
        assertTrue(refused < deferredDone && deferredDone < allocated, "page_ext_init ran after deferred init");
        List<Long> fallback = rig.owner.earlyCounts().stream().map(EarlyCount::pages).toList();
        rig.boot(rig.shipped("tiny-2node"), "late", "per-node");
        assertEquals(rig.owner.earlyCounts().stream().map(EarlyCount::pages).toList(), fallback,
                "the same as the late variant");
        assertEquals(List.of(), rig.model.check());
    }

    @Test
    void onTouchScansWithDeferredStructPagesAndNeverReadsThem() throws Exception {
        // the scan runs when the buddy starts, long before deferred init: no exception means no uninitialised read
        Rig rig = new Rig();
        long[] uninitialised = {0};
        rig.model.addPhaseListener((p, ctx) -> {
            if (p != BootPhase.MEMBLOCK_FREE_ALL) return;
            for (long pfn = 0; pfn < ctx.model().memmap().maxPfn(); pfn++)
                if (ctx.model().memmap().valid(pfn) && !ctx.model().memmap().initialised(pfn)) uninitialised[0]++;
        });
        rig.boot(rig.shipped("tiny-2node"), "on-touch", "per-node");
        assertTrue(uninitialised[0] > 29_000, "deferred struct pages at the scan: " + uninitialised[0]);
        assertEquals(List.of(0L, 0L, 0L), rig.owner.earlyCounts().stream().map(EarlyCount::pages).toList());
        assertEquals(List.of(), rig.model.check());
    }
}
