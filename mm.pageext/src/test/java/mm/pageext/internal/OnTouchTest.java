package mm.pageext.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import mm.core.api.Memmap;
import mm.core.api.MemoryModel;
import mm.core.api.Mm;
import mm.core.api.NodeInfo;
import mm.core.api.PageState;
import mm.core.api.Task;
import mm.core.hook.BootPhase;
import mm.pageext.api.PageExt;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * init-on-touch: page_ext covers exactly the initialised struct pages at every point of the boot, with deferred
 * init on or off; tables come from memblock on each section's node; clients start with the buddy.
 */
class OnTouchTest {
    /** PFNs of present sections where "has an entry" and "struct page initialised" disagree. */
    static List<Long> mismatches(MemoryModel model, PageExt ext) {
        List<Long> out = new ArrayList<>();
        Memmap mm = model.memmap();
        for (NodeInfo n : model.nodes()) {
            for (long pfn = n.startPfn(); pfn < n.startPfn() + n.spannedPages(); pfn++) {
                if (!mm.valid(pfn)) continue;
                if (mm.initialised(pfn) != (ext.lookup(pfn) != null)) {
                    out.add(pfn);
                    if (out.size() > 5) return out;
                }
            }
        }
        return out;
    }

    static long initialised(MemoryModel model) {
        long n = 0;
        Memmap mm = model.memmap();
        for (long pfn = 0; pfn < mm.maxPfn(); pfn++) if (mm.initialised(pfn)) n++;
        return n;
    }

    @ParameterizedTest(name = "{0}, deferred-init {1}")
    @CsvSource({"tiny, per-node", "tiny, off", "tiny-2node, per-node", "tiny-2node, off", "qemu-2g, per-node"})
    void entriesExistExactlyForInitialisedStructPages(String machine, String deferred) throws Exception {
        ExtRig rig = new ExtRig();
        ExtRig.Client c = new ExtRig.Client("owner", 64, true, 0);
        rig.core.addClient(c);
        List<String> problems = new ArrayList<>();
        long[] uninitialisedMid = {0};
        boolean[] deferredPages = {false};
        for (BootPhase p : List.of(BootPhase.FREE_AREA_INIT, BootPhase.MEMBLOCK_FREE_ALL, BootPhase.MID_ALLOCATIONS,
                BootPhase.PAGE_ALLOC_INIT_LATE, BootPhase.DONE)) {
            rig.model.addPhaseListener(ExtRig.at(p, ctx -> {
                List<Long> bad = mismatches(rig.model, rig.core);
                if (!bad.isEmpty()) problems.add(p + ": " + bad);
                if (p == BootPhase.MID_ALLOCATIONS) {
                    deferredPages[0] = ctx.deferredStructPages();
                    for (NodeInfo n : rig.model.nodes()) {
                        for (long pfn = n.startPfn(); pfn < n.startPfn() + n.spannedPages(); pfn++) {
                            if (rig.model.memmap().valid(pfn) && !rig.model.memmap().initialised(pfn)) uninitialisedMid[0]++;
                        }
                    }
                }
            }));
        }
        var r = rig.boot(rig.machine(machine), "on-touch", deferred);
        assertEquals(List.of(), problems);
        // tiny is too small to defer anything (its last zone fits in the first section); the others defer
        assertEquals(deferred.equals("per-node") && !machine.equals("tiny"), deferredPages[0]);
        assertEquals(deferredPages[0], uninitialisedMid[0] > 0, "struct pages were deferred while the boot allocated");
        // tables: one per present section, from memblock on the section's node, so PG_reserved and never in the buddy
        long sections = rig.core.sections().size();
        assertEquals(sections * 72 * Mm.PAGES_PER_SECTION, rig.core.allocatedBytes());
        assertTrue(ExtRig.lines(r).contains("allocated " + rig.core.allocatedBytes() + " bytes of page_ext"));
        for (PageExt.Section s : rig.core.sections()) {
            assertEquals("memblock", s.source());
            assertEquals(s.nid(), s.tableNid());
            long first = s.where() >>> Mm.PAGE_SHIFT;
            for (long pfn = first; pfn < first + s.bytes() / Mm.PAGE_SIZE; pfn += 97)
                assertEquals(PageState.RESERVED, rig.model.page(pfn).pageState());
        }
        // clients start when the buddy does, on the boot CPU
        assertEquals(1, c.contexts.size());
        assertEquals(BootPhase.MEMBLOCK_FREE_ALL, c.contexts.get(0).phase());
        assertEquals(Task.SWAPPER, c.contexts.get(0).task());
        assertEquals("on-touch", rig.core.variant());
        assertEquals(List.of(), rig.model.check());
    }
}
