package mm.core.internal.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import mm.core.api.Mm;
import mm.core.api.ProcFile;
import mm.core.internal.deferred.DeferredInits;
import mm.variant.internal.StandaloneVariants;
import org.junit.jupiter.api.Test;

/** debugfs's extfrag_index and unusable_index from nr_free counts (mm/vmstat.c). */
class ExtfragTest {
    @Test
    void theIndexesFollowTheKernelsArithmetic() {
        long[] nr = new long[Mm.NR_PAGE_ORDERS];
        nr[0] = 100;
        nr[1] = 10; // 120 free pages in 110 blocks
        // a free block of order <= 1 exists: -1000 ("-1.000")
        assertEquals(-1000, Extfrag.fragmentationIndex(nr, 1));
        // order 2: 1000 - (1000 + 120 * 1000 / 4) / 110 = 1000 - 31000 / 110 = 1000 - 281 = 719
        assertEquals(719, Extfrag.fragmentationIndex(nr, 2));
        // unusable for order 0: nothing; order 1: (120 - 10 * 2) * 1000 / 120 = 833; order 2: all
        assertEquals(0, Extfrag.unusableFreeIndex(nr, 0));
        assertEquals(833, Extfrag.unusableFreeIndex(nr, 1));
        assertEquals(1000, Extfrag.unusableFreeIndex(nr, 2));
        long[] none = new long[Mm.NR_PAGE_ORDERS];
        assertEquals(0, Extfrag.fragmentationIndex(none, 3), "no free block: lack of memory");
        assertEquals(1000, Extfrag.unusableFreeIndex(none, 3), "no free memory counts as all unusable");
    }

    @Test
    void theViewsPrintEveryPopulatedZoneInTheKernelsFormat() {
        StandaloneVariants variants = new StandaloneVariants();
        DeferredInits.register(variants::register);
        MemoryModelImpl m = new MemoryModelImpl(variants);
        m.boot(TestMachines.oneNode(512, true));
        ProcFile ext = m.extfragIndex(), unusable = m.unusableIndex();
        List<String> lines = List.of(ext.text().split("\n"));
        assertEquals(m.buddyinfo().text().split("\n").length, lines.size(), "the zones of buddyinfo");
        for (String l : lines) {
            assertTrue(l.matches("Node 0, zone +\\S+ ( ?-?\\d\\.\\d{3} ){" + Mm.NR_PAGE_ORDERS + "}"), l);
        }
        // a freshly booted zone has free MAX_PAGE_ORDER blocks: every order is servable
        String normal = lines.stream().filter(l -> l.contains("DMA32")).findFirst().orElseThrow();
        assertTrue(normal.endsWith("-1.000 "), normal);
        for (String l : unusable.text().split("\n")) {
            assertTrue(l.matches("Node 0, zone +\\S+ (\\d\\.\\d{3} ){" + Mm.NR_PAGE_ORDERS + "}"), l);
        }
        assertEquals(List.of(), m.check());
    }
}
