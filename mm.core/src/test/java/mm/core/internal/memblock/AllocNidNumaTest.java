package mm.core.internal.memblock;

import static mm.core.internal.memblock.MemblockTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import mm.core.api.Memblock;
import mm.core.api.Memblock.Region;
import mm.core.internal.memblock.AllocNidApiTest.Api;

/**
 * The NUMA tests of tools/testing/memblock (alloc_nid_api.c and alloc_exact_nid_api.c built with NUMA=1, 6.6):
 * eight nodes of 1/4, 1/16, 1/8, 1/8, 1/16, 1/16, 1/4, 1/16 of MEM_SIZE, i.e. 8K, 2K, 4K, 4K, 2K, 2K, 8K, 2K.
 * memblock_alloc_try_nid(_raw) falls back to any node, memblock_alloc_exact_nid_raw does not (but still drops
 * min_addr).
 */
class AllocNidNumaTest {
    static final long START = BASE, END = BASE + MEM_SIZE;

    static Stream<Arguments> modes() {
        return Stream.of(false, true).flatMap(b -> Stream.of(Api.values()).map(a -> Arguments.of(b, a)));
    }

    static long base(MemblockImpl mb, int nid) {
        Region r = mem(mb, nid);
        assertEquals(nid, r.nid());
        return r.base();
    }

    static long end(MemblockImpl mb, int nid) {
        return mem(mb, nid).end();
    }

    static long size(MemblockImpl mb, int nid) {
        return mem(mb, nid).size();
    }

    static long run(MemblockImpl mb, Api api, int nid, long size, long min, long max) {
        return AllocNidApiTest.allocNid(mb, api, size, SMP_CACHE_BYTES, min, max, nid);
    }

    static boolean exact(Api api) {
        return api == Api.EXACT_NID_RAW;
    }

    @Test
    void layout() {
        MemblockImpl mb = setupNumaMemblock(false);
        long[] sizes = {SZ_8K, SZ_2K, SZ_4K, SZ_4K, SZ_2K, SZ_2K, SZ_8K, SZ_2K};
        long b = START;
        for (int i = 0; i < NUMA_NODES; i++) {
            assertEquals(new Region(b, sizes[i], Memblock.FLAG_HOTPLUG, i), mem(mb, i));
            b += sizes[i];
        }
        assertEquals(END, b);
        assertEquals(MEM_SIZE, mb.phys_mem_size());
    }

    @ParameterizedTest(name = "bottomUp={0} {1}")
    @MethodSource("modes")
    void simple(boolean bottomUp, Api api) {
        MemblockImpl mb = setupNumaMemblock(bottomUp);
        int nid = 3;
        long size = size(mb, nid) / SZ_4;
        long p = run(mb, api, nid, size, START, END);
        long expected = bottomUp ? base(mb, nid) : end(mb, nid) - size;
        assertEquals(expected, p);
        assertEquals(new Region(expected, size, 0, MAX_NUMNODES), rsv(mb, 0));
        assertEquals(1, mb.cnt(true));
        assertEquals(size, mb.reserved_size());
    }

    @ParameterizedTest(name = "bottomUp={0} {1}")
    @MethodSource("modes")
    void smallNode(boolean bottomUp, Api api) {
        // node 1 (2 KiB) asked for 4 KiB: top-down takes the end of node 6, the highest node big enough
        MemblockImpl mb = setupNumaMemblock(bottomUp);
        long size = SZ_2 * size(mb, 1);
        long p = run(mb, api, 1, size, START, END);
        if (exact(api)) {
            assertEquals(0, p);
            assertEquals(0, mb.reserved_size());
            return;
        }
        long expected = bottomUp ? base(mb, 0) : end(mb, 6) - size;
        assertEquals(bottomUp ? START : START + 26 * SZ_1K, expected);
        assertEquals(expected, p);
        assertRegion(rsv(mb, 0), expected, size);
        assertEquals(1, mb.cnt(true));
        assertEquals(size, mb.reserved_size());
    }

    @ParameterizedTest(name = "bottomUp={0} {1}")
    @MethodSource("modes")
    void nodeReserved(boolean bottomUp, Api api) {
        MemblockImpl mb = setupNumaMemblock(bottomUp);
        mb.reserve(base(mb, 1), size(mb, 1));
        long size = SZ_1K;
        long p = run(mb, api, 1, size, START, END);
        if (exact(api)) {
            assertEquals(0, p);
            assertEquals(1, mb.cnt(true));
            return;
        }
        long expected = bottomUp ? base(mb, 0) : end(mb, 7) - size;
        assertEquals(expected, p);
        assertEquals(2, mb.cnt(true));
        assertEquals(SZ_2K + size, mb.reserved_size());
    }

    @ParameterizedTest(name = "bottomUp={0} {1}")
    @MethodSource("modes")
    void partReserved(boolean bottomUp, Api api) {
        MemblockImpl mb = setupNumaMemblock(bottomUp);
        int nid = 2;
        long r1 = base(mb, nid) + SZ_2K;
        mb.reserve(r1, end(mb, nid) - r1);
        long size = SZ_512;
        long p = run(mb, api, nid, size, START, END);
        if (bottomUp) {
            assertEquals(base(mb, nid), p);
            assertRegion(rsv(mb, 0), base(mb, nid), size);
            assertRegion(rsv(mb, 1), r1, SZ_2K);
            assertEquals(2, mb.cnt(true));
        } else {
            assertEquals(r1 - size, p);
            assertRegion(rsv(mb, 0), r1 - size, SZ_2K + size);
            assertEquals(1, mb.cnt(true));
        }
        assertEquals(SZ_2K + size, mb.reserved_size());
    }

    @ParameterizedTest(name = "bottomUp={0} {1}")
    @MethodSource("modes")
    void partReservedFallback(boolean bottomUp, Api api) {
        // node 4 keeps only a 256-byte hole
        MemblockImpl mb = setupNumaMemblock(bottomUp);
        int nid = 4;
        mb.reserve(base(mb, nid), 768);
        mb.reserve(base(mb, nid) + SZ_1K, SZ_1K);
        long size = SZ_512;
        long p = run(mb, api, nid, size, START, END);
        if (exact(api)) {
            assertEquals(0, p);
            assertEquals(2, mb.cnt(true));
            return;
        }
        long expected = bottomUp ? START : END - size;
        assertEquals(expected, p);
        assertEquals(3, mb.cnt(true));
        assertEquals(768 + SZ_1K + size, mb.reserved_size());
    }

    @ParameterizedTest(name = "bottomUp={0} {1}")
    @MethodSource("modes")
    void splitRangeLow(boolean bottomUp, Api api) {
        // [min, max) straddles the start of node 3: only its node-3 part is used
        MemblockImpl mb = setupNumaMemblock(bottomUp);
        int nid = 3;
        long size = SZ_512, min = base(mb, nid) - SZ_1K, max = base(mb, nid) + SZ_1K;
        long expected = bottomUp ? base(mb, nid) : max - size;
        assertEquals(expected, run(mb, api, nid, size, min, max));
        assertRegion(rsv(mb, 0), expected, size);
    }

    @ParameterizedTest(name = "bottomUp={0} {1}")
    @MethodSource("modes")
    void splitRangeHigh(boolean bottomUp, Api api) {
        MemblockImpl mb = setupNumaMemblock(bottomUp);
        int nid = 3;
        long size = SZ_512, min = end(mb, nid) - SZ_1K, max = end(mb, nid) + SZ_1K;
        long expected = bottomUp ? min : end(mb, nid) - size;
        assertEquals(expected, run(mb, api, nid, size, min, max));
        assertRegion(rsv(mb, 0), expected, size);
    }

    @ParameterizedTest(name = "bottomUp={0} {1}")
    @MethodSource("modes")
    void noOverlapSplit(boolean bottomUp, Api api) {
        // [min, max) covers parts of nodes 3..5 but not node 2
        MemblockImpl mb = setupNumaMemblock(bottomUp);
        int nid = 2;
        long size = SZ_512, min = base(mb, 3) + SZ_1K, max = base(mb, 5) + SZ_1K;
        long p = run(mb, api, nid, size, min, max);
        long expected;
        if (exact(api)) {
            // no node-2 memory in [min, max); min is dropped and node 2 lies below max
            expected = bottomUp ? base(mb, nid) : end(mb, nid) - size;
        } else {
            expected = bottomUp ? min : max - size;
        }
        assertEquals(expected, p);
        assertRegion(rsv(mb, 0), expected, size);
    }

    @ParameterizedTest(name = "bottomUp={0} {1}")
    @MethodSource("modes")
    void noOverlapLow(boolean bottomUp, Api api) {
        // the range lies entirely below node 6
        MemblockImpl mb = setupNumaMemblock(bottomUp);
        int nid = 6;
        long size = SZ_512, min = base(mb, 1), max = end(mb, 3);
        long p = run(mb, api, nid, size, min, max);
        if (exact(api)) {
            assertEquals(0, p);
            assertEquals(0, mb.reserved_size());
            return;
        }
        long expected = bottomUp ? min : max - size;
        assertEquals(expected, p);
        assertRegion(rsv(mb, 0), expected, size);
    }

    @ParameterizedTest(name = "bottomUp={0} {1}")
    @MethodSource("modes")
    void noOverlapHigh(boolean bottomUp, Api api) {
        // the range lies entirely above node 1
        MemblockImpl mb = setupNumaMemblock(bottomUp);
        int nid = 1;
        long size = SZ_512, min = base(mb, 5), max = end(mb, 7);
        long p = run(mb, api, nid, size, min, max);
        long expected;
        if (exact(api)) expected = bottomUp ? base(mb, nid) : end(mb, nid) - size;
        else expected = bottomUp ? min : max - size;
        assertEquals(expected, p);
        assertRegion(rsv(mb, 0), expected, size);
    }

    @ParameterizedTest(name = "bottomUp={0} {1}")
    @MethodSource("modes")
    void largeRegion(boolean bottomUp, Api api) {
        MemblockImpl mb = setupNumaMemblock(bottomUp);
        long size = SZ_8K;
        long p = run(mb, api, 2, size, START, END);
        if (exact(api)) {
            assertEquals(0, p);
            return;
        }
        long expected = bottomUp ? base(mb, 0) : base(mb, 6);
        assertEquals(end(mb, 6) - size, base(mb, 6));
        assertEquals(expected, p);
        assertRegion(rsv(mb, 0), expected, size);
    }

    @ParameterizedTest(name = "bottomUp={0} {1}")
    @MethodSource("modes")
    void reservedFullMerge(boolean bottomUp, Api api) {
        MemblockImpl mb = setupNumaMemblock(bottomUp);
        int nid = 6;
        long size = SZ_512;
        long r1 = base(mb, nid), r2 = r1 + SZ_4K + size;
        mb.reserve(r1, SZ_4K);
        mb.reserve(r2, end(mb, nid) - r2);
        assertEquals(r1 + SZ_4K, run(mb, api, nid, size, START, END));
        assertEquals(new Region(base(mb, nid), size(mb, nid), 0, MAX_NUMNODES), rsv(mb, 0));
        assertEquals(1, mb.cnt(true));
        assertEquals(SZ_8K, mb.reserved_size());
    }

    @ParameterizedTest(name = "bottomUp={0} {1}")
    @MethodSource("modes")
    void holeAcrossTwoNodesIsNotUsable(boolean bottomUp, Api api) {
        // everything is reserved except 1 KiB straddling the node 3 / node 4 boundary
        MemblockImpl mb = setupNumaMemblock(bottomUp);
        long hole = end(mb, 3) - SZ_512;
        mb.reserve(START, hole - START);
        mb.reserve(hole + SZ_1K, END - hole - SZ_1K);
        assertEquals(0, run(mb, api, 3, SZ_1K, START, END));
        assertEquals(0, run(mb, api, NUMA_NO_NODE, SZ_1K, START, END));
        assertEquals(base(mb, 4), run(mb, api, 4, SZ_512, START, END));
        // node 2 is full: only the fallback can use the node-3 half of the hole
        assertEquals(exact(api) ? 0 : hole, run(mb, api, 2, SZ_512, START, END));
        assertEquals(exact(api) ? 2 : 1, mb.cnt(true));
        assertEquals(exact(api) ? MEM_SIZE - SZ_512 : MEM_SIZE, mb.reserved_size());
    }

    @ParameterizedTest(name = "bottomUp={0} {1}")
    @MethodSource("modes")
    void splitAllReserved(boolean bottomUp, Api api) {
        MemblockImpl mb = setupNumaMemblock(bottomUp);
        mb.reserve(START, MEM_SIZE);
        for (int nid = 0; nid < NUMA_NODES; nid++) assertEquals(0, run(mb, api, nid, SZ_256, START, END));
        assertEquals(1, mb.cnt(true));
    }

    @ParameterizedTest(name = "bottomUp={0}")
    @MethodSource("mm.core.internal.memblock.MemblockTestSupport#directions")
    void movableNodeHarnessUsesFlagsNone(boolean bottomUp) {
        // with movable_node (-m) the harness adds the nodes without HOTPLUG, so the results are unchanged
        MemblockImpl mb = newMemblock();
        mb.setMovableNode(true);
        mb.setBottomUp(bottomUp);
        long b = START;
        for (int i = 0; i < NUMA_NODES; i++) {
            long s = NODE_FRACTIONS[i] * MEM_SIZE / 10000;
            mb.addNode(b, s, i, mb.movableNode() ? Memblock.FLAG_NONE : Memblock.FLAG_HOTPLUG);
            b += s;
        }
        assertEquals(8, mb.cnt(false));
        long size = SZ_2 * size(mb, 1);
        assertEquals(bottomUp ? START : end(mb, 6) - size, mb.allocTryNid(size, SMP_CACHE_BYTES, START, END, 1));
        // whereas HOTPLUG memory is skipped entirely when movable_node is on
        MemblockImpl hp = setupNumaMemblock(bottomUp);
        hp.setMovableNode(true);
        assertEquals(0, hp.allocTryNid(SZ_256, SMP_CACHE_BYTES, START, END, 3));
        assertEquals(0, hp.alloc(SZ_256, SMP_CACHE_BYTES));
        hp.setMovableNode(false);
        assertNotEquals(0, hp.alloc(SZ_256, SMP_CACHE_BYTES));
    }

    @Test
    void maxNumnodesIsTreatedAsAnyNode() {
        MemblockImpl mb = setupNumaMemblock(false);
        assertEquals(END - SZ_256, mb.allocTryNid(SZ_256, SMP_CACHE_BYTES, START, END, MAX_NUMNODES));
        assertEquals(END - SZ_512, mb.allocExactNidRaw(SZ_256, SMP_CACHE_BYTES, START, END, MAX_NUMNODES));
        assertEquals(END - 768, mb.physAllocTryNid(SZ_256, SMP_CACHE_BYTES, MAX_NUMNODES));
    }

    @ParameterizedTest(name = "bottomUp={0}")
    @MethodSource("mm.core.internal.memblock.MemblockTestSupport#directions")
    void physAllocTryNidAndAllocNode(boolean bottomUp) {
        MemblockImpl mb = setupNumaMemblock(bottomUp);
        assertEquals(bottomUp ? base(mb, 5) : end(mb, 5) - SZ_1K, mb.physAllocTryNid(SZ_1K, SMP_CACHE_BYTES, 5));
        assertEquals(bottomUp ? base(mb, 2) : end(mb, 2) - SZ_1K, mb.allocNode(SZ_1K, SMP_CACHE_BYTES, 2));
        // node 7 is too small for 4 KiB: both fall back to any node
        assertEquals(bottomUp ? base(mb, 0) : end(mb, 6) - SZ_4K,
                mb.physAllocTryNid(SZ_4K, SMP_CACHE_BYTES, 7));
    }
}
