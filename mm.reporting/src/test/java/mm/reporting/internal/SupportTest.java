package mm.reporting.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import mm.core.api.MigrateType;
import mm.core.api.PageState;
import mm.core.internal.deferred.DeferredInits;
import mm.core.internal.mm.MemoryModelImpl;
import mm.core.internal.mm.ReportingSupportImpl;
import mm.core.spi.FreePageReportingSupport.ZoneHandle;
import mm.core.spi.FreePageReportingSupport;
import mm.machine.internal.MachineServiceImpl;
import mm.variant.internal.StandaloneVariants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** mm.core's buddy-side primitives, driven by hand (no strategy running). */
class SupportTest {
    MemoryModelImpl model;
    FreePageReportingSupport s;
    ZoneHandle z;

    @BeforeEach
    void boot() throws Exception {
        StandaloneVariants variants = new StandaloneVariants();
        DeferredInits.register(variants::register);
        model = new MemoryModelImpl(variants);
        model.boot(new MachineServiceImpl().builtin("tiny").orElseThrow());
        s = new ReportingSupportImpl(model);
        z = s.zones().get(s.zones().size() - 1);
    }

    @Test
    void isolatedBlocksAreAStateOfTheirOwnThatTheCheckerAccounts() {
        long free = z.freePages();
        long[] out = new long[32];
        int n = s.isolateUnreported(z, 10, MigrateType.MOVABLE, out, 0, 4);
        assertEquals(4, n);
        assertEquals(free - 4 * 1024, z.freePages(), "NR_FREE_PAGES no longer counts them");
        assertEquals(4 * 1024, z.isolatedPages());
        assertEquals(List.of(), model.check(), "isolated pages are accounted: managed = free + pcp + allocated + isolated");
        assertEquals(PageState.ISOLATED_FOR_REPORTING, model.page(out[0]).pageState());
        assertEquals("isolated for reporting (order 10)", model.page(out[0]).state());
        assertThrows(mm.core.api.BadPageException.class, () -> model.free(out[0], 10), "an isolated block is not allocated");
        for (int i = 0; i < n; i++) assertTrue(s.putback(z, out[i], 10, true), "put back unmerged: marked reported");
        assertEquals(free, z.freePages());
        assertEquals(0, z.isolatedPages());
        for (int i = 0; i < n; i++) assertTrue(s.isReported(out[i]));
        assertThrows(IllegalStateException.class, () -> s.putback(z, out[0], 10, true), "not isolated any more");
        assertEquals(List.of(), model.check());
    }

    @Test
    void theWalkSkipsReportedBlocksAndResumesWhereItStopped() {
        long nr = s.nrFree(z, 10, MigrateType.MOVABLE);
        List<Long> seen = new ArrayList<>();
        long[] out = new long[8];
        int n;
        while ((n = s.isolateUnreported(z, 10, MigrateType.MOVABLE, out, 0, 8)) > 0) {
            for (int i = 0; i < n; i++) {
                assertFalse(seen.contains(out[i]), "each block is isolated once per round");
                seen.add(out[i]);
                s.putback(z, out[i], 10, true);
            }
        }
        assertEquals(nr, seen.size(), "every order-10 block was reported exactly once");
        long[] reported = s.reportedFreePages(z);
        assertEquals(nr * 1024, reported[10]);
        assertEquals(nr * 1024, s.clearReported(z));
        assertEquals(0, s.reportedFreePages(z)[10]);
        assertEquals(List.of(), model.check());
    }

    @Test
    void isolationRespectsTheMinWatermark() {
        // take free memory away until isolating another block would break the zone's min watermark
        long[] out = new long[1];
        int isolated = 0;
        for (int o = 10; o >= 9; o--) {
            for (MigrateType mt : MigrateType.VALUES) {
                while (s.isolateUnreported(z, o, mt, out, 0, 1) == 1) {
                    isolated++;
                    assertTrue(isolated < 100_000);
                }
            }
        }
        var info = model.zone(z.nid(), z.type());
        assertTrue(z.freePages() > info.min(), "free " + z.freePages() + " stays above min " + info.min());
        assertEquals(List.of(), model.check());
    }

    @Test
    void theBitmapCaptureMarksEveryFreeBlockAtReportingOrder() {
        long[] bits = s.captureFreeBitmap(z, 9, true);
        long set = 0;
        for (long w : bits) set += Long.bitCount(w);
        long blocks = s.nrFree(z, 9) + s.nrFree(z, 10);
        assertEquals(blocks, set);
    }
}
