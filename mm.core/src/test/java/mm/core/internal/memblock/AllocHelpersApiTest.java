package mm.core.internal.memblock;

import static mm.core.internal.memblock.MemblockTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** tools/testing/memblock/tests/alloc_helpers_api.c (6.6): memblock_alloc_from, top-down and bottom-up. */
class AllocHelpersApiTest {
    static final long START = BASE, END = BASE + MEM_SIZE;

    @ParameterizedTest(name = "bottomUp={0}")
    @MethodSource("mm.core.internal.memblock.MemblockTestSupport#directions")
    void minAddrHonoured(boolean bottomUp) {
        MemblockImpl mb = setupMemblock(bottomUp);
        long min = END - SMP_CACHE_BYTES;
        assertEquals(min, mb.allocFrom(SZ_16, SMP_CACHE_BYTES, min));
        assertRegion(rsv(mb, 0), min, SZ_16);
        assertEquals(1, mb.cnt(true));
        assertEquals(SZ_16, mb.reserved_size());
    }

    @ParameterizedTest(name = "bottomUp={0}")
    @MethodSource("mm.core.internal.memblock.MemblockTestSupport#directions")
    void misalignedMinAddrRoundedUp(boolean bottomUp) {
        MemblockImpl mb = setupMemblock(bottomUp);
        long misalign = SZ_2;
        long min = START + SZ_1K + misalign;
        long p = mb.allocFrom(SZ_32, SMP_CACHE_BYTES, min);
        // bottom-up: min rounded up to the alignment; top-down: the highest aligned place, still above min
        long expected = bottomUp ? min + (SMP_CACHE_BYTES - misalign) : END - SMP_CACHE_BYTES;
        assertEquals(bottomUp ? START + SZ_1K + 32 : END - 32, expected);
        assertEquals(expected, p);
        assertRegion(rsv(mb, 0), expected, SZ_32);
        assertTrue(Long.compareUnsigned(p, min) >= 0);
        assertEquals(1, mb.cnt(true));
        assertEquals(SZ_32, mb.reserved_size());
    }

    @ParameterizedTest(name = "bottomUp={0}")
    @MethodSource("mm.core.internal.memblock.MemblockTestSupport#directions")
    void minAddrTooHighDropsLowerLimit(boolean bottomUp) {
        MemblockImpl mb = setupMemblock(bottomUp);
        long min = END - SZ_16; // only 16 bytes above min
        long p = mb.allocFrom(SZ_32, SMP_CACHE_BYTES, min);
        long expected = bottomUp ? START : END - SZ_32;
        assertEquals(expected, p);
        assertRegion(rsv(mb, 0), expected, SZ_32);
        assertEquals(1, mb.cnt(true));
        assertEquals(SZ_32, mb.reserved_size());
    }

    @ParameterizedTest(name = "bottomUp={0}")
    @MethodSource("mm.core.internal.memblock.MemblockTestSupport#directions")
    void noSpaceAboveMinDropsLowerLimit(boolean bottomUp) {
        MemblockImpl mb = setupMemblock(bottomUp);
        long min = START + SZ_2K;
        mb.reserve(min, END - min);
        long size = SZ_64;
        long p = mb.allocFrom(size, SMP_CACHE_BYTES, min);
        if (bottomUp) {
            assertEquals(START, p);
            assertRegion(rsv(mb, 0), START, size);
            assertRegion(rsv(mb, 1), min, END - min);
            assertEquals(2, mb.cnt(true));
        } else {
            assertEquals(min - size, p);
            assertRegion(rsv(mb, 0), min - size, END - min + size);
            assertEquals(1, mb.cnt(true));
        }
        assertEquals(MEM_SIZE - SZ_2K + size, mb.reserved_size());
    }

    @ParameterizedTest(name = "bottomUp={0}")
    @MethodSource("mm.core.internal.memblock.MemblockTestSupport#directions")
    void minAddrBelowDram(boolean bottomUp) {
        MemblockImpl mb = setupMemblock(bottomUp);
        long min = START - SZ_256;
        long p = mb.allocFrom(SZ_1K, SMP_CACHE_BYTES, min);
        long expected = bottomUp ? START : END - SZ_1K;
        assertEquals(expected, p);
        assertRegion(rsv(mb, 0), expected, SZ_1K);
        assertEquals(1, mb.cnt(true));
        assertEquals(SZ_1K, mb.reserved_size());
    }
}
