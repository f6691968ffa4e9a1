package mm.core.internal.memblock;

import static mm.core.internal.memblock.MemblockTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * tools/testing/memblock/tests/alloc_nid_api.c and alloc_exact_nid_api.c (6.6), range tests: with NUMA_NO_NODE
 * memblock_alloc_try_nid, memblock_alloc_try_nid_raw and memblock_alloc_exact_nid_raw all behave the same.
 */
class AllocNidApiTest {
    static final long START = BASE, END = BASE + MEM_SIZE;

    enum Api { TRY_NID, TRY_NID_RAW, EXACT_NID_RAW }

    static Stream<Arguments> modes() {
        return Stream.of(false, true).flatMap(b -> Stream.of(Api.values()).map(a -> Arguments.of(b, a)));
    }

    static long allocNid(MemblockImpl mb, Api api, long size, long align, long min, long max, int nid) {
        return switch (api) {
            case TRY_NID -> mb.allocTryNid(size, align, min, max, nid);
            case TRY_NID_RAW -> mb.allocTryNidRaw(size, align, min, max, nid);
            case EXACT_NID_RAW -> mb.allocExactNidRaw(size, align, min, max, nid);
        };
    }

    static long run(MemblockImpl mb, Api api, long size, long min, long max) {
        return allocNid(mb, api, size, SMP_CACHE_BYTES, min, max, NUMA_NO_NODE);
    }

    @ParameterizedTest(name = "bottomUp={0} {1}")
    @MethodSource("modes")
    void simple(boolean bottomUp, Api api) {
        MemblockImpl mb = setupMemblock(bottomUp);
        long size = SZ_128, min = START + SMP_CACHE_BYTES * 2, max = min + SZ_512;
        long p = run(mb, api, size, min, max);
        long expected = bottomUp ? min : max - size;
        assertEquals(expected, p);
        assertRegion(rsv(mb, 0), expected, size);
        assertEquals(1, mb.cnt(true));
        assertEquals(size, mb.reserved_size());
    }

    @ParameterizedTest(name = "bottomUp={0} {1}")
    @MethodSource("modes")
    void misalignedEnd(boolean bottomUp, Api api) {
        MemblockImpl mb = setupMemblock(bottomUp);
        long size = SZ_128, misalign = SZ_2, min = START + SMP_CACHE_BYTES * 2, max = min + SZ_512 + misalign;
        long p = run(mb, api, size, min, max);
        long expected = bottomUp ? min : max - size - misalign;
        assertEquals(expected, p);
        assertRegion(rsv(mb, 0), expected, size);
        assertEquals(1, mb.cnt(true));
    }

    @ParameterizedTest(name = "bottomUp={0} {1}")
    @MethodSource("modes")
    void misalignedStart(boolean bottomUp, Api api) {
        MemblockImpl mb = setupMemblock(bottomUp);
        long size = SZ_128, misalign = SZ_2, min = START + SMP_CACHE_BYTES * 2 + misalign, max = min + SZ_512;
        long p = run(mb, api, size, min, max);
        long expected = bottomUp ? min + (SMP_CACHE_BYTES - misalign) : START + 448;
        assertEquals(expected, p);
        assertRegion(rsv(mb, 0), expected, size);
        assertEquals(1, mb.cnt(true));
    }

    @ParameterizedTest(name = "bottomUp={0} {1}")
    @MethodSource("modes")
    void exactAddress(boolean bottomUp, Api api) {
        MemblockImpl mb = setupMemblock(bottomUp);
        long size = SZ_1K, min = START + SZ_4K, max = min + size;
        assertEquals(min, run(mb, api, size, min, max));
        assertRegion(rsv(mb, 0), min, size);
        assertEquals(1, mb.cnt(true));
    }

    @ParameterizedTest(name = "bottomUp={0} {1}")
    @MethodSource("modes")
    void narrowRangeDropsMin(boolean bottomUp, Api api) {
        MemblockImpl mb = setupMemblock(bottomUp);
        long size = SZ_256, min = START + SZ_512, max = min + SMP_CACHE_BYTES;
        long p = run(mb, api, size, min, max);
        long expected = bottomUp ? START : max - size;
        assertEquals(expected, p);
        assertRegion(rsv(mb, 0), expected, size);
        assertEquals(1, mb.cnt(true));
        assertEquals(size, mb.reserved_size());
    }

    @ParameterizedTest(name = "bottomUp={0} {1}")
    @MethodSource("modes")
    void reservedWithSpace(boolean bottomUp, Api api) {
        MemblockImpl mb = setupMemblock(bottomUp);
        long size = SZ_256, min = START + SZ_1K, max = START + SZ_2K;
        long r1 = START + SZ_1K + SZ_512;
        mb.reserve(r1, max - r1);
        long p = run(mb, api, size, min, max);
        if (bottomUp) {
            assertEquals(min, p);
            assertRegion(rsv(mb, 0), min, size);
            assertRegion(rsv(mb, 1), r1, SZ_512);
            assertEquals(2, mb.cnt(true));
        } else {
            assertEquals(r1 - size, p);
            assertRegion(rsv(mb, 0), r1 - size, SZ_512 + size);
            assertEquals(1, mb.cnt(true));
        }
        assertEquals(SZ_512 + size, mb.reserved_size());
    }

    @ParameterizedTest(name = "bottomUp={0} {1}")
    @MethodSource("modes")
    void reservedNoSpaceDropsMin(boolean bottomUp, Api api) {
        // [min, max) holds only a 128-byte hole: the lower limit is dropped, the upper one is kept
        MemblockImpl mb = setupMemblock(bottomUp);
        long size = SZ_256, min = START + SZ_1K, max = START + SZ_2K;
        long r1size = 400, r2 = min + r1size + SZ_128;
        mb.reserve(min, r1size);
        mb.reserve(r2, max - r2);
        long p = run(mb, api, size, min, max);
        if (bottomUp) {
            assertEquals(START, p);
            assertRegion(rsv(mb, 0), START, size);
            assertRegion(rsv(mb, 1), min, r1size);
            assertEquals(3, mb.cnt(true));
        } else {
            assertEquals(min - size, p);
            assertRegion(rsv(mb, 0), min - size, r1size + size);
            assertRegion(rsv(mb, 1), r2, max - r2);
            assertEquals(2, mb.cnt(true));
        }
        assertEquals(SZ_1K - SZ_128 + size, mb.reserved_size());
    }

    @ParameterizedTest(name = "bottomUp={0} {1}")
    @MethodSource("modes")
    void capMax(boolean bottomUp, Api api) {
        MemblockImpl mb = setupMemblock(bottomUp);
        long size = SZ_256, min = START + SZ_1K, max = END + SZ_1K;
        long expected = bottomUp ? min : END - size;
        assertEquals(expected, run(mb, api, size, min, max));
        assertRegion(rsv(mb, 0), expected, size);
    }

    @ParameterizedTest(name = "bottomUp={0} {1}")
    @MethodSource("modes")
    void capMin(boolean bottomUp, Api api) {
        MemblockImpl mb = setupMemblock(bottomUp);
        long size = SZ_1K, min = START - SZ_256, max = END + SZ_1K;
        long expected = bottomUp ? START : END - size;
        assertEquals(expected, run(mb, api, size, min, max));
        assertRegion(rsv(mb, 0), expected, size);
    }

    @ParameterizedTest(name = "bottomUp={0} {1}")
    @MethodSource("modes")
    void fullMerge(boolean bottomUp, Api api) {
        MemblockImpl mb = setupMemblock(bottomUp);
        long size = SZ_256, min = START + SZ_1K, max = START + 3 * SZ_1K;
        mb.reserve(min, SZ_1K);
        mb.reserve(START + SZ_2K + size, SZ_1K - size);
        assertEquals(START + SZ_2K, run(mb, api, size, min, max));
        assertRegion(rsv(mb, 0), min, SZ_2K);
        assertEquals(1, mb.cnt(true));
        assertEquals(SZ_2K, mb.reserved_size());
    }

    @ParameterizedTest(name = "bottomUp={0} {1}")
    @MethodSource("modes")
    void allReserved(boolean bottomUp, Api api) {
        MemblockImpl mb = setupMemblock(bottomUp);
        mb.reserve(START, MEM_SIZE);
        assertEquals(0, run(mb, api, SZ_256, START + SZ_1K, END - SZ_1K));
        assertEquals(1, mb.cnt(true));
        assertEquals(MEM_SIZE, mb.reserved_size());
    }

    @ParameterizedTest(name = "bottomUp={0} {1}")
    @MethodSource("modes")
    void lowMax(boolean bottomUp, Api api) {
        MemblockImpl mb = setupMemblock(bottomUp);
        assertEquals(0, run(mb, api, SZ_1K, SZ_4K, START));
        assertEquals(0, run(mb, api, SZ_1K, 0, START + SZ_512));
        assertEquals(0, mb.reserved_size());
    }

    @ParameterizedTest(name = "bottomUp={0} {1}")
    @MethodSource("modes")
    void maxIsCappedToCurrentLimit(boolean bottomUp, Api api) {
        MemblockImpl mb = setupMemblock(bottomUp);
        mb.setCurrentLimit(START + SZ_8K);
        long size = SZ_256;
        assertEquals(bottomUp ? START : START + SZ_8K - size,
                run(mb, api, size, 0, mm.core.api.Memblock.ALLOC_ANYWHERE));
        assertEquals(bottomUp ? START + size : START + SZ_8K - 2 * size,
                run(mb, api, size, 0, mm.core.api.Memblock.ALLOC_ACCESSIBLE));
        assertEquals(bottomUp ? START + 2 * size : START + SZ_4K - size, run(mb, api, size, 0, START + SZ_4K));
        // min above the limit: the lower limit is dropped, the limit is kept
        assertEquals(bottomUp ? START + 3 * size : START + SZ_8K - 3 * size,
                run(mb, api, size, START + SZ_16K, END));
    }
}
