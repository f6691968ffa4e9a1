package mm.core.internal.memblock;

import static mm.core.internal.memblock.MemblockTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import mm.core.api.Memblock;
import mm.core.api.Mm;

/**
 * tools/testing/memblock/tests/alloc_api.c (6.6): memblock_alloc and memblock_alloc_raw, top-down and bottom-up,
 * on [start, end) = [BASE, BASE + MEM_SIZE) with SMP_CACHE_BYTES 32.
 */
class AllocApiTest {
    static final long START = BASE, END = BASE + MEM_SIZE;

    static Stream<Arguments> modes() {
        return Stream.of(Arguments.of(false, false), Arguments.of(false, true), Arguments.of(true, false),
                Arguments.of(true, true));
    }

    static long alloc(MemblockImpl mb, boolean raw, long size, long align) {
        return raw ? mb.allocRaw(size, align) : mb.alloc(size, align);
    }

    @ParameterizedTest(name = "bottomUp={0} raw={1}")
    @MethodSource("modes")
    void simple(boolean bottomUp, boolean raw) {
        MemblockImpl mb = setupMemblock(bottomUp);
        long p = alloc(mb, raw, SZ_2, SMP_CACHE_BYTES);
        long expected = bottomUp ? START : END - SMP_CACHE_BYTES;
        assertEquals(expected, p);
        assertRegion(rsv(mb, 0), expected, SZ_2);
        assertEquals(1, mb.cnt(true));
        assertEquals(SZ_2, mb.reserved_size());
    }

    @ParameterizedTest(name = "bottomUp={0} raw={1}")
    @MethodSource("modes")
    void disjointWithAlign64(boolean bottomUp, boolean raw) {
        MemblockImpl mb = setupMemblock(bottomUp);
        long r1 = bottomUp ? START : END - SZ_2;
        mb.reserve(r1, SZ_2);
        long p = alloc(mb, raw, SZ_16, SZ_64);
        if (bottomUp) {
            assertEquals(START + SZ_64, p);
            assertRegion(rsv(mb, 0), START, SZ_2);
            assertRegion(rsv(mb, 1), START + SZ_64, SZ_16);
        } else {
            assertEquals(END - SZ_64, p);
            assertRegion(rsv(mb, 0), END - SZ_64, SZ_16);
            assertRegion(rsv(mb, 1), END - SZ_2, SZ_2);
        }
        assertEquals(0, p % SZ_64);
        assertEquals(2, mb.cnt(true));
        assertEquals(SZ_2 + SZ_16, mb.reserved_size());
    }

    @ParameterizedTest(name = "bottomUp={0} raw={1}")
    @MethodSource("modes")
    void firstFitMerges(boolean bottomUp, boolean raw) {
        MemblockImpl mb = setupMemblock(bottomUp);
        mb.reserve(bottomUp ? START : END - SZ_512, SZ_512);
        long p = alloc(mb, raw, SZ_512, SMP_CACHE_BYTES);
        assertEquals(bottomUp ? START + SZ_512 : END - SZ_1K, p);
        assertRegion(rsv(mb, 0), bottomUp ? START : END - SZ_1K, SZ_1K);
        assertEquals(1, mb.cnt(true));
        assertEquals(SZ_1K, mb.reserved_size());
    }

    @ParameterizedTest(name = "raw={0}")
    @MethodSource("mm.core.internal.memblock.MemblockTestSupport#directions")
    void topDownSecondFit(boolean raw) {
        // [end-512, end) and [end-1024, end-768) reserved; 1 KiB lands below the second and merges with it
        MemblockImpl mb = setupMemblock(false);
        mb.reserve(END - SZ_512, SZ_512);
        mb.reserve(END - SZ_1K, SZ_256);
        long p = alloc(mb, raw, SZ_1K, SMP_CACHE_BYTES);
        assertEquals(END - SZ_2K, p);
        assertRegion(rsv(mb, 0), END - SZ_2K, 1280);
        assertRegion(rsv(mb, 1), END - SZ_512, SZ_512);
        assertEquals(2, mb.cnt(true));
        assertEquals(SZ_1K + SZ_256 + SZ_512, mb.reserved_size());
    }

    @ParameterizedTest(name = "raw={0}")
    @MethodSource("mm.core.internal.memblock.MemblockTestSupport#directions")
    void bottomUpSecondFit(boolean raw) {
        // [start, start+512) and [start+768, start+896) reserved; the 256-byte hole is too small
        MemblockImpl mb = setupMemblock(true);
        mb.reserve(START, SZ_512);
        mb.reserve(START + 768, SZ_128);
        long p = alloc(mb, raw, SZ_512, SMP_CACHE_BYTES);
        assertEquals(START + 896, p);
        assertRegion(rsv(mb, 0), START, SZ_512);
        assertRegion(rsv(mb, 1), START + 768, SZ_128 + SZ_512);
        assertEquals(2, mb.cnt(true));
        assertEquals(SZ_512 + SZ_128 + SZ_512, mb.reserved_size());
    }

    @ParameterizedTest(name = "bottomUp={0} raw={1}")
    @MethodSource("modes")
    void inBetweenExactGap(boolean bottomUp, boolean raw) {
        // two 16320-byte reservations with exactly a 64-byte hole between them, 32 bytes free at both ends
        MemblockImpl mb = setupMemblock(bottomUp);
        long gap = SZ_64, rsize = 16320;
        long r1 = START + SMP_CACHE_BYTES;
        long r2 = r1 + rsize + gap;
        assertEquals(END - SMP_CACHE_BYTES, r2 + rsize);
        mb.reserve(r1, rsize);
        mb.reserve(r2, rsize);
        long p = alloc(mb, raw, gap, SMP_CACHE_BYTES);
        assertEquals(r1 + rsize, p);
        assertRegion(rsv(mb, 0), START + 32, 2 * rsize + gap);
        assertEquals(1, mb.cnt(true));
        assertEquals(2 * rsize + gap, mb.reserved_size());
    }

    @ParameterizedTest(name = "bottomUp={0} raw={1}")
    @MethodSource("modes")
    void smallGaps(boolean bottomUp, boolean raw) {
        MemblockImpl mb = setupMemblock(bottomUp);
        long gap = SZ_256;
        long r1 = START + gap, r1size = SZ_16K - 2 * gap;
        long r2 = r1 + r1size + gap, r2size = END - gap - r2;
        mb.reserve(r1, r1size);
        mb.reserve(r2, r2size);
        assertEquals(0, alloc(mb, raw, SZ_512, SMP_CACHE_BYTES));
        assertRegion(rsv(mb, 0), r1, r1size);
        assertRegion(rsv(mb, 1), r2, r2size);
        assertEquals(2, mb.cnt(true));
        assertEquals(MEM_SIZE - 3 * gap, mb.reserved_size());
    }

    @ParameterizedTest(name = "bottomUp={0} raw={1}")
    @MethodSource("modes")
    void allReserved(boolean bottomUp, boolean raw) {
        MemblockImpl mb = setupMemblock(bottomUp);
        mb.reserve(START, MEM_SIZE);
        assertEquals(0, alloc(mb, raw, SZ_256, SMP_CACHE_BYTES));
        assertEquals(1, mb.cnt(true));
        assertEquals(MEM_SIZE, mb.reserved_size());
    }

    @ParameterizedTest(name = "bottomUp={0} raw={1}")
    @MethodSource("modes")
    void noSpace(boolean bottomUp, boolean raw) {
        MemblockImpl mb = setupMemblock(bottomUp);
        long available = SZ_256;
        mb.reserve(START, MEM_SIZE - available);
        assertEquals(0, alloc(mb, raw, SZ_1K, SMP_CACHE_BYTES));
        assertRegion(rsv(mb, 0), START, MEM_SIZE - available);
        assertEquals(1, mb.cnt(true));
        assertEquals(MEM_SIZE - available, mb.reserved_size());
    }

    @ParameterizedTest(name = "bottomUp={0} raw={1}")
    @MethodSource("modes")
    void limitedSpace(boolean bottomUp, boolean raw) {
        MemblockImpl mb = setupMemblock(bottomUp);
        long available = SZ_256;
        mb.reserve(START, MEM_SIZE - available);
        assertEquals(END - available, alloc(mb, raw, available, SMP_CACHE_BYTES));
        assertRegion(rsv(mb, 0), START, MEM_SIZE);
        assertEquals(1, mb.cnt(true));
        assertEquals(MEM_SIZE, mb.reserved_size());
    }

    @ParameterizedTest(name = "bottomUp={0} raw={1}")
    @MethodSource("modes")
    void noMemory(boolean bottomUp, boolean raw) {
        MemblockImpl mb = newMemblock();
        mb.setBottomUp(bottomUp);
        assertEquals(0, alloc(mb, raw, SZ_1K, SMP_CACHE_BYTES));
        assertEquals(1, mb.cnt(true));
        assertRegion(rsv(mb, 0), 0, 0);
        assertEquals(0, mb.reserved_size());
    }

    @ParameterizedTest(name = "bottomUp={0} raw={1}")
    @MethodSource("modes")
    void tooLarge(boolean bottomUp, boolean raw) {
        MemblockImpl mb = setupMemblock(bottomUp);
        assertEquals(0, alloc(mb, raw, MEM_SIZE + SZ_2, SMP_CACHE_BYTES));
        assertEquals(1, mb.cnt(true));
        assertEquals(0, mb.reserved_size());
        // the whole area still fits
        assertEquals(START, alloc(mb, raw, MEM_SIZE, SMP_CACHE_BYTES));
        assertEquals(MEM_SIZE, mb.reserved_size());
    }

    @ParameterizedTest(name = "bottomUp={0} raw={1}")
    @MethodSource("modes")
    void alignZeroUsesSmpCacheBytes(boolean bottomUp, boolean raw) {
        MemblockImpl mb = setupMemblock(bottomUp);
        mb.reserve(START, SZ_2);
        mb.reserve(END - SZ_2, SZ_2);
        assertEquals(bottomUp ? START + 32 : END - 32, alloc(mb, raw, SZ_16, 0));

        MemblockImpl x86 = new MemblockImpl();
        assertEquals(64, x86.smpCacheBytes());
        x86.setBottomUp(bottomUp);
        x86.add(BASE, MEM_SIZE);
        x86.reserve(START, SZ_2);
        x86.reserve(END - SZ_2, SZ_2);
        assertEquals(bottomUp ? START + 64 : END - 64, alloc(x86, raw, SZ_16, 0));
    }

    @ParameterizedTest(name = "bottomUp={0}")
    @MethodSource("mm.core.internal.memblock.MemblockTestSupport#directions")
    void currentLimitIsHonoured(boolean bottomUp) {
        MemblockImpl mb = setupMemblock(bottomUp);
        mb.setCurrentLimit(START + SZ_16K);
        assertEquals(bottomUp ? START : START + SZ_16K - SZ_1K, mb.alloc(SZ_1K, SMP_CACHE_BYTES));
        mb.reserve(START, SZ_16K);
        assertEquals(0, mb.alloc(SZ_1K, SMP_CACHE_BYTES));
        assertEquals(0, mb.allocTryNid(SZ_1K, SMP_CACHE_BYTES, 0, Memblock.ALLOC_ANYWHERE, NUMA_NO_NODE));
        // memblock_phys_alloc_range with an explicit end is not capped by the limit
        assertEquals(bottomUp ? START + SZ_16K : END - SZ_1K,
                mb.physAllocRange(SZ_1K, SMP_CACHE_BYTES, 0, Memblock.ALLOC_ANYWHERE));
    }

    @ParameterizedTest(name = "bottomUp={0}")
    @MethodSource("mm.core.internal.memblock.MemblockTestSupport#directions")
    void firstPageIsNeverAllocated(boolean bottomUp) {
        MemblockImpl mb = newMemblock();
        mb.setBottomUp(bottomUp);
        mb.add(0, SZ_8K);
        assertEquals(bottomUp ? Mm.PAGE_SIZE : SZ_8K - SZ_1K, mb.alloc(SZ_1K, SMP_CACHE_BYTES));
        assertEquals(bottomUp ? Mm.PAGE_SIZE + SZ_1K : SZ_8K - SZ_2K, mb.alloc(SZ_1K, SMP_CACHE_BYTES));
        assertEquals(bottomUp ? Mm.PAGE_SIZE + SZ_2K : Mm.PAGE_SIZE, mb.alloc(SZ_2K, SMP_CACHE_BYTES));
        assertEquals(0, mb.alloc(SZ_32, SMP_CACHE_BYTES)); // only page 0 is left
        assertFalse(mb.isReserved(0));
    }

    @ParameterizedTest(name = "bottomUp={0}")
    @MethodSource("mm.core.internal.memblock.MemblockTestSupport#directions")
    void neverAcrossTwoMemoryRegions(boolean bottomUp) {
        // two adjacent memory regions that cannot merge (different nid): 32 KiB contiguous, but no 24 KiB block
        MemblockImpl mb = newMemblock();
        mb.setBottomUp(bottomUp);
        mb.addNode(START, SZ_16K, 0, 0);
        mb.addNode(START + SZ_16K, SZ_16K, 1, 0);
        assertEquals(2, mb.cnt(false));
        assertEquals(0, mb.alloc(SZ_16K + SZ_8K, SMP_CACHE_BYTES));
        assertEquals(bottomUp ? START : START + SZ_16K, mb.alloc(SZ_16K, SMP_CACHE_BYTES));
        // the same with flags
        MemblockImpl mb2 = setupMemblock(bottomUp);
        mb2.markNomap(START + SZ_16K, SZ_4K);
        mb2.clearNomap(START + SZ_16K, SZ_4K);
        assertEquals(1, mb2.cnt(false)); // merged back
        mb2.markHotplug(START + SZ_16K, SZ_16K);
        assertEquals(2, mb2.cnt(false));
        assertEquals(0, mb2.alloc(SZ_16K + SZ_8K, SMP_CACHE_BYTES));
    }

    @Test
    void reservationsMadeByAllocationsMergeWithEachOther() {
        MemblockImpl mb = setupMemblock(false);
        for (int i = 1; i <= 8; i++) {
            assertEquals(END - i * SZ_64, mb.alloc(SZ_64, SZ_64));
            assertEquals(1, mb.cnt(true));
        }
        assertRegion(rsv(mb, 0), END - 8 * SZ_64, 8 * SZ_64);
    }
}
