package mm.pageowner.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import mm.core.api.CallStack;
import mm.core.api.Gfp;
import mm.core.api.Memmap;
import mm.core.api.Mm;
import mm.core.api.PageFlags;
import mm.pageext.api.PageExt;
import mm.pageext.api.PageExtTable;
import mm.pageowner.api.PageOwnerRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * page_owner's records cost heap per written page, not per page of the machine, and the walks that pass over
 * unwritten or uniform storage as a whole (the early scan, the dump) find what a page-by-page walk finds.
 */
class StorageCostTest {
    @ParameterizedTest
    @CsvSource({"late, per-node", "on-touch, per-node", "late, off"})
    void recordsCostHeapOnlyWhereWrittenAndTheDumpMatchesAPageByPageWalk(String pageExt, String deferred)
            throws Exception {
        Rig rig = new Rig();
        rig.boot(rig.shipped("tiny-2node"), pageExt, deferred);
        assertTrue(rig.owner.enabled());
        // a workload: blocks of every order, some freed, some split
        Random rnd = new Random(13);
        List<long[]> live = new ArrayList<>();
        CallStack s = CallStack.of("get_page_from_freelist+0x1/0x2", "storage_cost_test");
        for (int i = 0; i < 400; i++) {
            int order = rnd.nextInt(4);
            long pfn = rig.model.alloc(order, Gfp.GFP_KERNEL, -1, s);
            if (pfn < 0) continue;
            if (order > 0 && rnd.nextInt(5) == 0) {
                rig.model.split(pfn, order);
                for (long p = pfn; p < pfn + (1L << order); p++) live.add(new long[] {p, 0});
            } else {
                live.add(new long[] {pfn, order});
            }
            if (rnd.nextInt(3) == 0) {
                long[] x = live.remove(rnd.nextInt(live.size()));
                rig.model.free(x[0], (int) x[1]);
            }
        }

        // heap: the kernel's 72 bytes per page of every table, held only for chunks of written pages
        PageExt ext = rig.ext;
        long tables = 0, heap = 0, withRecord = 0, present = 0;
        Memmap mm = rig.model.memmap();
        for (PageExt.Section sec : ext.sections()) {
            long start = sec.sectionNr() << Mm.PFN_SECTION_SHIFT;
            PageExtTable t = null;
            for (long pfn = start; pfn < start + Mm.PAGES_PER_SECTION && t == null; pfn++) t = ext.lookup(pfn);
            if (t == null) continue;
            tables += t.bytes();
            heap += t.heapBytes();
            for (long pfn = start; pfn < start + Mm.PAGES_PER_SECTION; pfn++) {
                if (!mm.valid(pfn)) continue;
                present++;
                if (rig.owner.record(pfn) != null) withRecord++;
            }
        }
        assertEquals(ext.allocatedBytes(), tables);
        long perChunk = 16L + 72L * PageExtTable.CHUNK_PAGES;
        assertTrue(heap <= (withRecord + ext.sections().size() * 8L) * perChunk,
                "at most a chunk per page with a record: " + heap + " bytes for " + withRecord + " records");
        assertTrue(heap < tables / 4, "a fraction of the dense tables: " + heap + " of " + tables);
        assertTrue(withRecord < present);

        // the dump walk against read_page_owner page by page
        List<Long> walked = new ArrayList<>();
        rig.owner.forEachPrintable(r -> walked.add(r.pfn()));
        assertEquals(pageByPage(rig), walked);
        assertTrue(walked.size() > 100);
        assertEquals(List.of(), rig.model.check());
    }

    /** read_page_owner without shortcuts: every pfn, buddy blocks skipped by their order. */
    static List<Long> pageByPage(Rig rig) {
        Memmap mm = rig.model.memmap();
        List<Long> out = new ArrayList<>();
        for (long pfn = 0; pfn < mm.maxPfn(); pfn++) {
            if (!mm.valid(pfn)) continue;
            if (rig.ext.lookup(pfn) == null || !mm.initialised(pfn)) continue;
            long f = mm.flags(pfn);
            if ((f & PageFlags.TYPE_BUDDY) != 0) {
                long order = mm.privateField(pfn);
                if (order <= Mm.MAX_PAGE_ORDER) pfn += (1L << order) - 1;
                continue;
            }
            PageOwnerRecord r = rig.owner.record(pfn);
            if (r == null || !r.allocated() || r.order() < 0 || r.order() > Mm.MAX_PAGE_ORDER
                    || (pfn & ((1L << r.order()) - 1)) != 0 || r.handle() == 0) continue;
            out.add(pfn);
        }
        return out;
    }
}
