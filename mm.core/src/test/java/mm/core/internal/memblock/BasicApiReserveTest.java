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

/** tools/testing/memblock/tests/basic_api.c: memblock_reserve scenarios (6.6). */
class BasicApiReserveTest {
    MemblockImpl mb = newMemblock();

    @Test
    void simple() {
        mb.reserve(SZ_2G, SZ_128M);
        assertRegion(rsv(mb, 0), SZ_2G, SZ_128M);
        assertEquals(1, mb.cnt(true));
        assertEquals(SZ_128M, mb.reserved_size());
        assertEquals(MAX_NUMNODES, rsv(mb, 0).nid());
        assertEquals(0, rsv(mb, 0).flags());
    }

    @Test
    void disjoint() {
        mb.reserve(SZ_256M, SZ_16M);
        mb.reserve(SZ_512M, SZ_512M);
        assertRegion(rsv(mb, 0), SZ_256M, SZ_16M);
        assertRegion(rsv(mb, 1), SZ_512M, SZ_512M);
        assertEquals(2, mb.cnt(true));
        assertEquals(SZ_16M + SZ_512M, mb.reserved_size());
    }

    @Test
    void overlapTop() {
        mb.reserve(SZ_1G, SZ_1G);
        mb.reserve(SZ_128M, SZ_1G);
        assertRegion(rsv(mb, 0), SZ_128M, SZ_2G - SZ_128M);
        assertEquals(1, mb.cnt(true));
        assertEquals(SZ_2G - SZ_128M, mb.reserved_size());
    }

    @Test
    void overlapBottom() {
        mb.reserve(SZ_2K, SZ_128K);
        mb.reserve(SZ_128K, SZ_128K);
        assertRegion(rsv(mb, 0), SZ_2K, SZ_256K - SZ_2K);
        assertEquals(1, mb.cnt(true));
        assertEquals(SZ_256K - SZ_2K, mb.reserved_size());
    }

    @Test
    void within() {
        mb.reserve(SZ_1M, SZ_8M);
        mb.reserve(SZ_1M + SZ_1K, SZ_64K);
        assertRegion(rsv(mb, 0), SZ_1M, SZ_8M);
        assertEquals(1, mb.cnt(true));
        assertEquals(SZ_8M, mb.reserved_size());
    }

    @Test
    void twice() {
        mb.reserve(SZ_16K, SZ_2M);
        mb.reserve(SZ_16K, SZ_2M);
        assertEquals(1, mb.cnt(true));
        assertEquals(SZ_2M, mb.reserved_size());
    }

    @Test
    void between() {
        mb.reserve(SZ_1G, SZ_8K);
        mb.reserve(SZ_1G + SZ_16K, SZ_8K);
        mb.reserve(SZ_1G + SZ_8K, SZ_8K);
        assertRegion(rsv(mb, 0), SZ_1G, 3 * SZ_8K);
        assertEquals(1, mb.cnt(true));
        assertEquals(3 * SZ_8K, mb.reserved_size());
    }

    @Test
    void nearMax() {
        mb.reserve(PHYS_ADDR_MAX - SZ_1M, SZ_2M);
        assertRegion(rsv(mb, 0), PHYS_ADDR_MAX - SZ_1M, SZ_1M);
        assertEquals(1, mb.cnt(true));
        assertEquals(SZ_1M, mb.reserved_size());
    }

    @Test
    void outsideMemoryIsAllowed() {
        mb.add(SZ_1G, SZ_1M);
        assertEquals(0, mb.reserve(SZ_2G, SZ_1M));
        assertTrue(mb.isReserved(SZ_2G));
        assertFalse(mb.isMemory(SZ_2G));
    }

    @ParameterizedTest(name = "bottomUp={0}")
    @MethodSource("mm.core.internal.memblock.MemblockTestSupport#directions")
    void many(boolean bottomUp) {
        // memblock_reserve_many_check: the 129th reservation doubles reserved.regions; the new array is found
        // in memory above the pending range and reserved too, so reserved gains two entries
        mb.setBottomUp(bottomUp);
        mb.allowResize();
        mb.add(BASE, MEM_SIZE);
        long memoryBase = SZ_128K;
        for (int i = 0; i < Memblock.INIT_MEMBLOCK_REGIONS; i++) {
            mb.reserve(memoryBase, MEM_SIZE);
            assertEquals(i + 1, mb.cnt(true));
            assertEquals((i + 1) * MEM_SIZE, mb.reserved_size());
            memoryBase += MEM_SIZE * 2;
        }
        assertEquals(128, mb.reservedMax());
        mb.reserve(memoryBase, MEM_SIZE);
        assertEquals(Memblock.INIT_MEMBLOCK_REGIONS + 2, mb.cnt(true));
        assertEquals((Memblock.INIT_MEMBLOCK_REGIONS + 1) * MEM_SIZE + NEW_REGIONS_SIZE, mb.reserved_size());
        assertEquals(256, mb.reservedMax());
        assertEquals(128, mb.memoryMax());
        long arr = bottomUp ? BASE : BASE + MEM_SIZE - NEW_REGIONS_SIZE;
        assertEquals(arr, mb.arrayAddr(true));
        Region last = rsv(mb, mb.cnt(true) - 1);
        assertRegion(last, arr, NEW_REGIONS_SIZE);
        assertTrue(mb.isRegionReserved(arr, NEW_REGIONS_SIZE));

        // memblock_reserve still works as normal
        mb.reserve(SZ_16K, SZ_16K);
        assertRegion(rsv(mb, 0), SZ_16K, SZ_16K);
        assertEquals(Memblock.INIT_MEMBLOCK_REGIONS + 3, mb.cnt(true));
        assertEquals((Memblock.INIT_MEMBLOCK_REGIONS + 1) * MEM_SIZE + NEW_REGIONS_SIZE + SZ_16K,
                mb.reserved_size());
        assertEquals(256, mb.reservedMax());
    }

    @Test
    void manyTwiceFreesTheFirstDoubledArray() {
        // 256 -> 512: the 12 KiB array is found below the 8 KiB one, which is then freed
        List<String> log = new ArrayList<>();
        mb.allowResize();
        mb.add(BASE, SZ_1M);
        long memoryBase = SZ_128K;
        for (int i = 0; i < 129; i++, memoryBase += 2 * MEM_SIZE) mb.reserve(memoryBase, MEM_SIZE);
        long first = BASE + SZ_1M - NEW_REGIONS_SIZE;
        assertEquals(first, mb.arrayAddr(true));
        assertEquals(130, mb.cnt(true));
        for (int i = 0; i < 126; i++, memoryBase += 2 * MEM_SIZE) mb.reserve(memoryBase, MEM_SIZE);
        assertEquals(256, mb.cnt(true));
        assertEquals(256, mb.reservedMax());
        mb.setDebug(true, log::add);
        mb.caller("test+0x0/0x0").reserve(memoryBase, MEM_SIZE);
        long second = BASE + SZ_1M - NEW_REGIONS_SIZE - 12 * SZ_1K;
        assertEquals(List.of(
                "memblock_reserve: [" + h(memoryBase) + "-" + h(memoryBase + MEM_SIZE - 1) + "] test+0x0/0x0",
                "memblock: reserved is doubled to 512 at [" + h(second) + "-" + h(second + 12288 - 1) + "]",
                "memblock_phys_free: [" + h(first) + "-" + h(first + 8192 - 1) + "] memblock_free",
                "memblock_reserve: [" + h(second) + "-" + h(second + 12288 - 1) + "] memblock_double_array"),
                log);
        assertEquals(512, mb.reservedMax());
        assertEquals(257, mb.cnt(true));
        assertEquals(second, mb.arrayAddr(true));
        assertEquals(256 * MEM_SIZE + 12 * SZ_1K, mb.reserved_size());
        assertFalse(mb.isReserved(first));
    }

    @Test
    void manyRefusedBeforeAllowResize() {
        mb.add(BASE, MEM_SIZE);
        long memoryBase = SZ_128K;
        for (int i = 0; i < 128; i++, memoryBase += 2 * MEM_SIZE) mb.reserve(memoryBase, MEM_SIZE);
        assertEquals(-12, mb.reserve(memoryBase, MEM_SIZE));
        assertEquals(128, mb.cnt(true));
        assertEquals(128 * MEM_SIZE, mb.reserved_size());
    }
}
