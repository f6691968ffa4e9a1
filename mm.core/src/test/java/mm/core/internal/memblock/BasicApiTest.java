package mm.core.internal.memblock;

import static mm.core.internal.memblock.MemblockTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import mm.core.api.Memblock;
import mm.core.api.Memblock.Region;

/** tools/testing/memblock/tests/basic_api.c: initialization and bottom_up (6.6); add/reserve/remove/free/trim are in BasicApi*Test. */
class BasicApiTest {

    @Test
    void initialization() {
        MemblockImpl mb = new MemblockImpl(SMP_CACHE_BYTES);
        for (MemblockImpl m : List.of(mb, newMemblock())) {
            for (boolean r : new boolean[] {false, true}) {
                assertEquals(1, m.cnt(r));
                assertEquals(new Region(0, 0, 0, MAX_NUMNODES), m.rawRegions(r).get(0));
                assertEquals(0, m.totalSize(r));
            }
            assertEquals(Memblock.INIT_MEMBLOCK_REGIONS, m.memoryMax());
            assertEquals(128, m.reservedMax());
            assertTrue(m.memory().isEmpty());
            assertTrue(m.reserved().isEmpty());
            assertFalse(m.bottomUp());
            assertEquals(Memblock.ALLOC_ANYWHERE, m.currentLimit());
            assertFalse(m.canResize());
            assertTrue(m.dumpAll().contains(" memory.cnt  = 0x1\n"));
            assertTrue(m.dumpAll().contains(" reserved.cnt  = 0x1\n"));
        }
    }

    @Test
    void resetRestoresStaticState() {
        MemblockImpl mb = setupMemblock(true);
        mb.allowResize();
        mb.setCurrentLimit(SZ_1G);
        mb.reserve(BASE, SZ_1K);
        mb.reset();
        assertEquals(1, mb.cnt(false));
        assertEquals(1, mb.cnt(true));
        assertFalse(mb.bottomUp());
        assertFalse(mb.canResize());
        assertEquals(PHYS_ADDR_MAX, mb.currentLimit());
    }

    // ------------------------------------------------------------------ bottom_up

    @Test
    void bottomUpSetting() {
        MemblockImpl mb = newMemblock();
        assertFalse(mb.bottomUp());
        mb.setBottomUp(false);
        assertFalse(mb.bottomUp());
        mb.setBottomUp(true);
        assertTrue(mb.bottomUp());
        mb.setBottomUp(false);
        assertFalse(mb.bottomUp());
    }
}
