package mm.core.internal.memblock;

import static mm.core.internal.memblock.MemblockTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Random;
import mm.core.api.Memblock.PfnRange;
import mm.core.api.Memblock.Range;
import mm.core.api.Memblock.Region;
import mm.core.api.Memblock;
import mm.core.api.Mm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** mem=, flags, nodes, iterators and queries. */
class MemblockMiscTest {

    @Test
    void enforceMemoryLimit() {
        MemblockImpl mb = newMemblock();
        mb.add(SZ_1M, SZ_16M);
        mb.add(SZ_64M, SZ_16M);
        mb.reserve(SZ_1M, SZ_1M);
        mb.reserve(SZ_64M + SZ_2M, SZ_4M); // crosses the cut at 68M
        mb.reserve(SZ_128M, SZ_1M); // outside memory, above the cut
        mb.enforceMemoryLimit(SZ_16M + SZ_4M);
        assertEquals(List.of(new Region(SZ_1M, SZ_16M, 0, MAX_NUMNODES), new Region(SZ_64M, SZ_4M, 0, MAX_NUMNODES)),
                mb.memory());
        assertEquals(List.of(new Region(SZ_1M, SZ_1M, 0, MAX_NUMNODES),
                new Region(SZ_64M + SZ_2M, SZ_2M, 0, MAX_NUMNODES)), mb.reserved());
        assertEquals(SZ_16M + SZ_4M, mb.phys_mem_size());
        assertEquals(SZ_64M + SZ_4M, mb.endOfDram());
    }

    @Test
    void enforceMemoryLimitNoops() {
        MemblockImpl mb = newMemblock();
        mb.add(SZ_1M, SZ_16M);
        mb.reserve(SZ_64M, SZ_1M);
        mb.enforceMemoryLimit(0);
        mb.enforceMemoryLimit(SZ_16M); // exactly the total: max_addr = end, nothing in memory above it
        assertEquals(SZ_16M, mb.phys_mem_size());
        assertEquals(1, mb.cnt(true)); // ... but the reservation above the end of memory is cut
        assertEquals(0, mb.reserved_size());
        mb.reserve(SZ_64M, SZ_1M);
        mb.enforceMemoryLimit(SZ_32M); // more than the total: do nothing
        assertEquals(SZ_1M, mb.reserved_size());
    }

    @Test
    void hotplugFlagSplitsAndMergesBack() {
        MemblockImpl mb = newMemblock();
        mb.add(SZ_1G, SZ_1G);
        assertEquals(0, mb.markHotplug(SZ_1G + SZ_256M, SZ_256M));
        assertEquals(List.of(new Region(SZ_1G, SZ_256M, 0, MAX_NUMNODES),
                new Region(SZ_1G + SZ_256M, SZ_256M, Memblock.FLAG_HOTPLUG, MAX_NUMNODES),
                new Region(SZ_1G + SZ_512M, SZ_512M, 0, MAX_NUMNODES)), mb.memory());
        assertEquals(SZ_1G, mb.phys_mem_size());
        assertEquals(0, mb.clearHotplug(0, PHYS_ADDR_MAX));
        assertEquals(List.of(new Region(SZ_1G, SZ_1G, 0, MAX_NUMNODES)), mb.memory());
    }

    @Test
    void movableNodeSkipsHotplugUnlessAsked() {
        MemblockImpl mb = newMemblock();
        mb.add(SZ_1G, SZ_1G);
        mb.markHotplug(SZ_1G + SZ_512M, SZ_512M);
        assertEquals(2, mb.freeRanges(NUMA_NO_NODE, 0, false).size());
        mb.setMovableNode(true);
        assertEquals(List.of(new Range(SZ_1G, SZ_1G + SZ_512M, MAX_NUMNODES)),
                mb.freeRanges(NUMA_NO_NODE, 0, false));
        assertEquals(2, mb.freeRanges(NUMA_NO_NODE, Memblock.FLAG_HOTPLUG, false).size());
        assertEquals(SZ_1G + SZ_512M - SZ_4K, mb.alloc(SZ_4K, SZ_4K));
    }

    @Test
    void mirrorIsANoopWithoutMirroredKernelcore() {
        MemblockImpl mb = newMemblock();
        mb.add(SZ_1G, SZ_1G);
        assertEquals(0, mb.markMirror(SZ_1G, SZ_256M));
        assertFalse(mb.systemHasSomeMirror());
        assertEquals(1, mb.cnt(false));
        mb.setMirroredKernelcore(true);
        assertEquals(0, mb.markMirror(SZ_1G, SZ_256M));
        assertTrue(mb.systemHasSomeMirror());
        assertEquals(Memblock.FLAG_MIRROR, mem(mb, 0).flags());
        // allocations now prefer mirrored memory, top-down within it
        assertEquals(SZ_1G + SZ_256M - SZ_4K, mb.alloc(SZ_4K, SZ_4K));
        assertEquals(List.of(new Range(SZ_1G, SZ_1G + SZ_256M - SZ_4K, MAX_NUMNODES)),
                mb.freeRanges(NUMA_NO_NODE, Memblock.FLAG_MIRROR, false));
        mb.reset();
        assertFalse(mb.systemHasSomeMirror());
    }

    @Test
    void nomapIsMemoryButNeverFree() {
        MemblockImpl mb = newMemblock();
        mb.add(SZ_1G, SZ_16M);
        mb.markNomap(SZ_1G + SZ_8M, SZ_8M);
        assertTrue(mb.isMemory(SZ_1G + SZ_8M));
        assertEquals(List.of(new Range(SZ_1G, SZ_1G + SZ_8M, MAX_NUMNODES)), mb.freeRanges(NUMA_NO_NODE, 0, true));
        assertEquals(SZ_1G + SZ_8M - SZ_4K, mb.alloc(SZ_4K, SZ_4K));
        assertEquals(2, mb.freeRanges(NUMA_NO_NODE, Memblock.FLAG_NOMAP, false).size());
        // for_each_mem_pfn_range does not filter flags
        assertEquals(2, mb.memPfnRanges(MAX_NUMNODES).size());
        mb.clearNomap(SZ_1G + SZ_8M, SZ_8M);
        assertEquals(1, mb.cnt(false));
    }

    @Test
    void driverManagedIsSkippedUnlessAsked() {
        MemblockImpl mb = newMemblock();
        mb.addNode(SZ_1G, SZ_16M, 0, Memblock.FLAG_DRIVER_MANAGED);
        assertTrue(mb.freeRanges(NUMA_NO_NODE, 0, false).isEmpty());
        assertEquals(1, mb.freeRanges(0, Memblock.FLAG_DRIVER_MANAGED, false).size());
        assertEquals(0, mb.alloc(SZ_4K, SZ_4K));
    }

    @Test
    void setNodeOnMemoryAndReserved() {
        MemblockImpl mb = newMemblock();
        mb.add(0, SZ_4G());
        mb.setNode(0, SZ_2G, false, 0);
        mb.setNode(SZ_2G, SZ_2G, false, 1);
        assertEquals(List.of(new Region(0, SZ_2G, 0, 0), new Region(SZ_2G, SZ_2G, 0, 1)), mb.memory());
        mb.setNode(SZ_1G, SZ_2G, false, 1);
        assertEquals(List.of(new Region(0, SZ_1G, 0, 0), new Region(SZ_1G, 3 * SZ_1G, 0, 1)), mb.memory());
        mb.reserve(SZ_1G - SZ_1M, SZ_2M);
        mb.setNode(0, SZ_1G, true, 0);
        assertEquals(List.of(new Region(SZ_1G - SZ_1M, SZ_1M, 0, 0), new Region(SZ_1G, SZ_1M, 0, MAX_NUMNODES)),
                mb.reserved());
        // a new reservation touching the nid-0 one does not merge with it
        mb.reserve(SZ_1G - SZ_2M, SZ_1M);
        assertEquals(3, mb.cnt(true));
        assertEquals(SZ_1G + SZ_1M, mb.freeRanges(1, 0, false).get(0).start());
        assertEquals(0, mb.searchPfnNid(Mm.pfnDown(SZ_512M)));
        assertEquals(1, mb.searchPfnNid(Mm.pfnDown(SZ_2G)));
        assertEquals(-1, mb.searchPfnNid(Mm.pfnDown(SZ_4G())));
    }

    static long SZ_4G() {
        return 4L << 30;
    }

    @Test
    void freeRangesArePerRegionPiecesInOrder() {
        MemblockImpl mb = newMemblock();
        mb.addNode(0x1000, 0x9f000, 0, 0);
        mb.addNode(0x100000, 0x7ff00000, 0, 0);
        mb.addNode(0x80000000L, 0x80000000L, 1, 0);
        mb.reserve(0, 0x2000);
        mb.reserve(0x9f000, 0x62000); // covers the end of region 0 and the start of region 1
        mb.reserve(0x7fff0000, 0x20000); // straddles the node boundary
        List<Range> fwd = List.of(new Range(0x2000, 0x9f000, 0), new Range(0x101000, 0x7fff0000, 0),
                new Range(0x80010000L, 0x100000000L, 1));
        assertEquals(fwd, mb.freeRanges(NUMA_NO_NODE, 0, false));
        assertEquals(List.of(fwd.get(2), fwd.get(1), fwd.get(0)), mb.freeRanges(NUMA_NO_NODE, 0, true));
        assertEquals(fwd.subList(0, 2), mb.freeRanges(0, 0, false));
        assertEquals(List.of(fwd.get(2)), mb.freeRanges(1, 0, true));
        assertEquals(fwd, mb.freeRanges(MAX_NUMNODES, 0, false)); // MAX_NUMNODES: WARN and any node
        assertTrue(mb.freeRanges(5, 0, false).isEmpty());
        // no reservations: whole regions (the dummy reserved entry is harmless)
        MemblockImpl m2 = newMemblock();
        m2.add(SZ_1M, SZ_1M);
        m2.add(SZ_4M, SZ_1M);
        assertEquals(List.of(new Range(SZ_4M, SZ_4M + SZ_1M, MAX_NUMNODES), new Range(SZ_1M, SZ_2M, MAX_NUMNODES)),
                m2.freeRanges(NUMA_NO_NODE, 0, true));
        assertTrue(newMemblock().freeRanges(NUMA_NO_NODE, 0, false).isEmpty());
        assertTrue(newMemblock().freeRanges(NUMA_NO_NODE, 0, true).isEmpty());
    }

    @Test
    void memPfnRanges() {
        MemblockImpl mb = newMemblock();
        mb.addNode(0x1000, 0x9ec00, 0, 0); // [0x1000, 0x9fc00): pfn 1 .. 0x9f
        mb.addNode(0xa0100, 0x800, 0, 0); // no whole page: skipped
        mb.addNode(0x100000, 0x7fee0000, 0, Memblock.FLAG_HOTPLUG);
        mb.addNode(0x100000000L, 0x40000000L, 1, 0);
        assertEquals(List.of(new PfnRange(1, 0x9f, 0), new PfnRange(0x100, 0x7ffe0, 0),
                new PfnRange(0x100000, 0x140000, 1)), mb.memPfnRanges(MAX_NUMNODES));
        assertEquals(List.of(new PfnRange(0x100000, 0x140000, 1)), mb.memPfnRanges(1));
        assertEquals(2, mb.memPfnRanges(0).size());
        assertTrue(mb.memPfnRanges(NUMA_NO_NODE).isEmpty()); // only MAX_NUMNODES means all nodes
        assertTrue(newMemblock().memPfnRanges(MAX_NUMNODES).isEmpty());
    }

    @Test
    void queries() {
        MemblockImpl mb = newMemblock();
        assertEquals(0, mb.startOfDram());
        assertEquals(0, mb.endOfDram());
        assertFalse(mb.isMemory(0));
        assertFalse(mb.isReserved(0));
        assertEquals(-1, mb.searchPfnNid(0));
        mb.add(SZ_1M, SZ_1M);
        mb.add(SZ_4M, SZ_4M);
        mb.add(PHYS_ADDR_MAX - SZ_1M, SZ_2M);
        assertEquals(SZ_1M, mb.startOfDram());
        assertEquals(PHYS_ADDR_MAX, mb.endOfDram());
        assertTrue(mb.isMemory(SZ_1M));
        assertTrue(mb.isMemory(SZ_2M - 1));
        assertFalse(mb.isMemory(SZ_2M));
        assertTrue(mb.isMemory(PHYS_ADDR_MAX - 1));
        assertFalse(mb.isMemory(PHYS_ADDR_MAX));
        assertTrue(mb.isRegionMemory(SZ_4M, SZ_4M));
        assertFalse(mb.isRegionMemory(SZ_4M, SZ_4M + 1));
        assertFalse(mb.isRegionMemory(SZ_1M, SZ_4M)); // spans a hole
        assertTrue(mb.isRegionMemory(PHYS_ADDR_MAX - SZ_1M, SZ_16M)); // size capped
        mb.reserve(SZ_4M + SZ_1M, SZ_1M);
        mb.reserve(0x8000_0000_0000_0000L, SZ_1M); // above 2^63: unsigned order
        assertTrue(mb.isRegionReserved(SZ_4M, SZ_1M + 1));
        assertFalse(mb.isRegionReserved(SZ_4M, SZ_1M));
        assertFalse(mb.isRegionReserved(SZ_4M + SZ_2M, SZ_1M));
        assertTrue(mb.isRegionReserved(0, PHYS_ADDR_MAX));
        assertTrue(mb.isReserved(0x8000_0000_0000_0000L));
        assertTrue(mb.isRegionReserved(0x7fff_ffff_ffff_0000L, SZ_1M));
        assertEquals(List.of(SZ_4M + SZ_1M, 0x8000_0000_0000_0000L),
                mb.reserved().stream().map(Region::base).toList());
    }

    @ParameterizedTest(name = "bottomUp={0}")
    @MethodSource("mm.core.internal.memblock.MemblockTestSupport#directions")
    void physAllocRangeExcludesPageZeroAndHonoursRange(boolean bottomUp) {
        MemblockImpl mb = newMemblock();
        mb.setBottomUp(bottomUp);
        mb.add(0, SZ_1M);
        assertEquals(bottomUp ? SZ_4K : SZ_64K - SZ_4K, mb.physAllocRange(SZ_4K, SZ_4K, 0, SZ_64K));
        assertEquals(0, mb.physAllocRange(SZ_4K, SZ_4K, 0, SZ_4K)); // page 0 only
        assertEquals(0, mb.physAllocRange(SZ_8K, SZ_4K, SZ_64K, SZ_64K + SZ_4K)); // no min fallback
        assertEquals(bottomUp ? SZ_8K : SZ_1M - SZ_4K, mb.physAlloc(SZ_4K, SZ_4K));
    }

    @Test
    void allocRangeNidHasNoMinFallbackAndConsumesTheCaller() {
        MemblockImpl mb = setupNumaMemblock(false);
        java.util.List<String> log = new java.util.ArrayList<>();
        mb.setDebug(true, log::add);
        long n2 = mem(mb, 2).base(), n3 = mem(mb, 3).base();
        mb.caller("cma_declare+0x1/0x2");
        assertEquals(0, mb.allocRangeNid(SZ_512, SZ_64, n3, n3 + SZ_1K, 2, true)); // node 2 not in range
        assertEquals(n3 + SZ_512, mb.allocRangeNid(SZ_512, SZ_64, n3, n3 + SZ_1K, 2, false)); // fallback
        assertEquals(n3 - SZ_512, mb.allocRangeNid(SZ_512, SZ_64, n2, n3 + SZ_1K, 2, true));
        mb.reserve(BASE, 1);
        assertEquals(List.of(
                "memblock_reserve: [" + h(n3 + SZ_512) + "-" + h(n3 + SZ_1K - 1) + "] memblock_alloc_range_nid+0xbd/0x180",
                "memblock_reserve: [" + h(n3 - SZ_512) + "-" + h(n3 - 1) + "] memblock_alloc_range_nid+0xbd/0x180",
                "memblock_reserve: [" + h(BASE) + "-" + h(BASE) + "] setup_arch"), log);
    }

    @Test
    void manyOperationsStayConsistent() {
        // a boot-sized workload: hundreds of reservations, allocations and frees, checked against a bitmap
        MemblockImpl mb = new MemblockImpl();
        mb.allowResize();
        long memBase = SZ_1G, memSize = SZ_256M, unit = 4096;
        mb.add(memBase, memSize);
        boolean[] used = new boolean[(int) (memSize / unit)];
        Random rnd = new Random(42);
        for (int i = 0; i < 3000; i++) {
            int op = rnd.nextInt(10);
            if (op < 4) {
                long s = (1 + rnd.nextInt(8)) * unit;
                long p = mb.alloc(s, unit);
                if (p == 0) continue;
                for (long a = p; a < p + s; a += unit) {
                    int k = (int) ((a - memBase) / unit);
                    assertFalse(used[k], "allocated twice");
                    used[k] = true;
                }
            } else if (op < 7) {
                long p = memBase + rnd.nextInt(used.length) * unit;
                long s = (1 + rnd.nextInt(4)) * unit;
                mb.reserve(p, s);
                for (long a = p; a < p + s && a < memBase + memSize; a += unit) used[(int) ((a - memBase) / unit)] = true;
            } else {
                long p = memBase + rnd.nextInt(used.length) * unit;
                long s = (1 + rnd.nextInt(4)) * unit;
                mb.physFree(p, s);
                for (long a = p; a < p + s && a < memBase + memSize; a += unit) used[(int) ((a - memBase) / unit)] = false;
            }
        }
        assertTrue(mb.reservedMax() > 128, "the workload should have doubled reserved");
        // the array of the doubled reserved is itself reserved
        assertTrue(mb.isRegionReserved(mb.arrayAddr(true), 1));
        long arr = mb.arrayAddr(true), arrSize = Mm.alignUp((long) mb.reservedMax() * 24, Mm.PAGE_SIZE);
        for (long a = arr; a < arr + arrSize; a += unit) used[(int) ((a - memBase) / unit)] = true;
        // the reserved array equals the bitmap, is sorted, minimal, and total_size is the sum
        long total = 0, prevEnd = -1;
        int prevNid = 0, prevFlags = 0;
        for (Region r : mb.reserved()) {
            assertTrue(prevEnd == -1 || Long.compareUnsigned(prevEnd, r.base()) <= 0);
            assertFalse(prevEnd == r.base() && prevNid == r.nid() && prevFlags == r.flags(), "not merged");
            prevEnd = r.end();
            prevNid = r.nid();
            prevFlags = r.flags();
            total += r.size();
        }
        assertEquals(total, mb.reserved_size());
        long inMemory = 0;
        for (Region r : mb.reserved()) {
            long s = Math.max(r.base(), memBase), e = Math.min(r.end(), memBase + memSize);
            if (s < e) inMemory += e - s;
        }
        for (int k = 0; k < used.length; k++)
            assertEquals(used[k], mb.isReserved(memBase + k * unit), "page " + k);
        long free = 0;
        for (Range r : mb.freeRanges(NUMA_NO_NODE, 0, false)) free += r.end() - r.start();
        assertEquals(memSize - inMemory, free);
    }
}
