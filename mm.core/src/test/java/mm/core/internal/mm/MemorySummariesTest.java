package mm.core.internal.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import mm.core.api.MemorySummary;
import mm.core.api.Mm;
import mm.core.api.PageState;
import mm.machine.api.Machine;
import mm.machine.internal.MachineServiceImpl;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * MemoryModel.summarize (what mm:map draws) counts what the struct pages say: page by page against
 * {@link PageAlloc#pageState}, and the same under both memmap storages, where compact counts uniform and identical
 * sections whole.
 */
class MemorySummariesTest {
    @ParameterizedTest
    @ValueSource(strings = {"tiny-2node", "qemu-2g"})
    void aSummaryCountsWhatEveryPageIsUnderBothStorages(String name) throws Exception {
        Machine machine = new MachineServiceImpl().builtin(name).orElseThrow();
        MemmapVariantsDiffTest.Run dense = MemmapVariantsDiffTest.run(machine, "dense", 11);
        MemmapVariantsDiffTest.Run compact = MemmapVariantsDiffTest.run(machine, "compact", 11);
        long end = dense.m().memmap().maxPfn();
        assertEquals(end, compact.m().memmap().maxPfn());
        // cells of 3 pageblocks: boundaries fall inside MAX_ORDER blocks too
        long cell = 3L * Mm.PAGEBLOCK_NR_PAGES;
        for (long p = 0; p < end; p += cell) {
            long q = Math.min(end, p + cell);
            assertEquals(text(dense.m().summarize(p, q)), text(compact.m().summarize(p, q)), "pfn " + p);
        }
        MemorySummary all = dense.m().summarize(0, end);
        long[] byState = new long[PageState.values().length];
        for (long p = 0; p < end; p++) byState[dense.m().page(p).pageState().ordinal()]++;
        assertEquals(byState[PageState.INVALID.ordinal()], all.noMemmap());
        assertEquals(byState[PageState.UNINITIALISED.ordinal()], all.uninitialised());
        assertEquals(byState[PageState.RESERVED.ordinal()], all.reserved());
        assertEquals(byState[PageState.FREE_PCP.ordinal()], all.freePcp());
        assertEquals(byState[PageState.FREE_BUDDY.ordinal()] + byState[PageState.FREE_INSIDE_BUDDY_BLOCK.ordinal()],
                all.free() - all.freePcp());
        assertEquals(byState[PageState.ALLOCATED_HEAD.ordinal()] + byState[PageState.ALLOCATED_TAIL.ordinal()]
                + byState[PageState.ALLOCATED.ordinal()], all.allocated());
        assertEquals(dense.m().totalFreePages(), all.free() - all.freePcp(), "NR_FREE_PAGES");
        assertEquals(0, all.nid());
    }

    private static String text(MemorySummary s) {
        return s.noMemmap() + " " + s.offline() + " " + s.device() + " " + s.uninitialised() + " " + s.reserved() + " "
                + Arrays.toString(s.allocatedByMigratetype()) + " " + s.isolatedForReporting() + " " + s.freePcp() + " "
                + Arrays.toString(s.freeByOrder()) + " " + Arrays.toString(s.byZone()) + " " + s.nid();
    }
}
