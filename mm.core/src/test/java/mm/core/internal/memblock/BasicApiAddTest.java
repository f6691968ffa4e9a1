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

/** tools/testing/memblock/tests/basic_api.c: memblock_add / memblock_add_node scenarios (6.6). */
class BasicApiAddTest {
    MemblockImpl mb = newMemblock();

    @Test
    void simple() {
        mb.add(SZ_1G, SZ_256M);
        assertRegion(mem(mb, 0), SZ_1G, SZ_256M);
        assertEquals(1, mb.cnt(false));
        assertEquals(SZ_256M, mb.phys_mem_size());
        assertEquals(MAX_NUMNODES, mem(mb, 0).nid());
    }

    @Test
    void node() {
        assertEquals(0, mb.addNode(SZ_1M, SZ_16M, 1, Memblock.FLAG_HOTPLUG));
        assertRegion(mem(mb, 0), SZ_1M, SZ_16M);
        assertEquals(1, mem(mb, 0).nid());
        assertEquals(Memblock.FLAG_HOTPLUG, mem(mb, 0).flags());
        assertEquals(1, mb.cnt(false));
        assertEquals(SZ_16M, mb.phys_mem_size());
    }

    @Test
    void disjoint() {
        mb.add(SZ_1G, SZ_8K);
        mb.add(SZ_1G + SZ_512M, SZ_8K);
        assertRegion(mem(mb, 0), SZ_1G, SZ_8K);
        assertRegion(mem(mb, 1), SZ_1G + SZ_512M, SZ_8K);
        assertEquals(2, mb.cnt(false));
        assertEquals(SZ_16K, mb.phys_mem_size());
    }

    @Test
    void overlapTop() {
        // [512M, +1G) then [256M, +512M): one region at 256M of 1.25 GiB
        mb.add(SZ_512M, SZ_1G);
        mb.add(SZ_256M, SZ_512M);
        assertRegion(mem(mb, 0), SZ_256M, SZ_1G + SZ_256M);
        assertEquals(1, mb.cnt(false));
        assertEquals(SZ_1G + SZ_256M, mb.phys_mem_size());
    }

    @Test
    void overlapBottom() {
        mb.add(SZ_128M, SZ_512M);
        mb.add(SZ_256M, SZ_1G);
        long total = SZ_256M + SZ_1G - SZ_128M;
        assertRegion(mem(mb, 0), SZ_128M, total);
        assertEquals(1, mb.cnt(false));
        assertEquals(total, mb.phys_mem_size());
    }

    @Test
    void within() {
        mb.add(SZ_8M, SZ_32M);
        mb.add(SZ_16M, SZ_1M);
        assertRegion(mem(mb, 0), SZ_8M, SZ_32M);
        assertEquals(1, mb.cnt(false));
        assertEquals(SZ_32M, mb.phys_mem_size());
    }

    @Test
    void twice() {
        mb.add(SZ_32K, SZ_2M);
        mb.add(SZ_32K, SZ_2M);
        assertEquals(1, mb.cnt(false));
        assertEquals(SZ_2M, mb.phys_mem_size());
    }

    @Test
    void between() {
        mb.add(SZ_1G, SZ_8K);
        mb.add(SZ_1G + SZ_16K, SZ_8K);
        mb.add(SZ_1G + SZ_8K, SZ_8K);
        assertRegion(mem(mb, 0), SZ_1G, 3 * SZ_8K);
        assertEquals(1, mb.cnt(false));
        assertEquals(3 * SZ_8K, mb.phys_mem_size());
    }

    @Test
    void nearMax() {
        // PHYS_ADDR_MAX - 1M with size 2M is capped to 1M
        mb.add(PHYS_ADDR_MAX - SZ_1M, SZ_2M);
        assertRegion(mem(mb, 0), PHYS_ADDR_MAX - SZ_1M, SZ_1M);
        assertEquals(1, mb.cnt(false));
        assertEquals(SZ_1M, mb.phys_mem_size());
    }

    @Test
    void zeroSizeIsNoop() {
        assertEquals(0, mb.add(SZ_1G, 0));
        assertEquals(1, mb.cnt(false));
        assertTrue(mb.memory().isEmpty());
    }

    @Test
    void fillsOnlyHolesAndKeepsExistingNidAndFlags() {
        mb.addNode(SZ_1M, SZ_1M, 3, Memblock.FLAG_NONE);
        mb.add(0, SZ_4M); // gaps get MAX_NUMNODES, the existing part keeps nid 3
        assertEquals(3, mb.cnt(false));
        assertEquals(new Region(0, SZ_1M, 0, MAX_NUMNODES), mem(mb, 0));
        assertEquals(new Region(SZ_1M, SZ_1M, 0, 3), mem(mb, 1));
        assertEquals(new Region(SZ_2M, SZ_2M, 0, MAX_NUMNODES), mem(mb, 2));
        assertEquals(SZ_4M, mb.phys_mem_size());
    }

    @ParameterizedTest(name = "bottomUp={0}")
    @MethodSource("mm.core.internal.memblock.MemblockTestSupport#directions")
    void many(boolean bottomUp) {
        // memblock_add_many_check: the 129th region doubles memory.regions; the new array (8 KiB) lands in
        // the only place big enough, the first page-aligned block, and is reserved
        mb.setBottomUp(bottomUp);
        mb.allowResize();
        List<String> log = new ArrayList<>();
        mb.setDebug(true, log::add);
        long base = BASE;
        mb.add(base, NEW_REGIONS_SIZE);
        long size = SZ_64, gap = SZ_64;
        base += NEW_REGIONS_SIZE + gap;
        for (int i = 0; i < Memblock.INIT_MEMBLOCK_REGIONS; i++) {
            mb.add(base, size);
            base += size + gap;
            assertEquals(i + 2, mb.cnt(false));
            assertEquals(NEW_REGIONS_SIZE + (i + 1) * size, mb.phys_mem_size());
            assertEquals(i < 127 ? 128 : 256, mb.memoryMax());
        }
        assertEquals(256, mb.memoryMax());
        assertEquals(128, mb.reservedMax());
        assertEquals(1, mb.cnt(true));
        assertEquals(NEW_REGIONS_SIZE, mb.reserved_size());
        assertRegion(rsv(mb, 0), BASE, NEW_REGIONS_SIZE);
        assertEquals(BASE, mb.arrayAddr(false));
        // the doubling is logged between the add line and nothing else; it reserves the 8 KiB it uses
        int i = log.indexOf("memblock: memory is doubled to 256 at [0x0000000010000000-0x00000000100017ff]");
        assertTrue(i > 0, log.toString());
        assertEquals("memblock_reserve: [0x0000000010000000-0x0000000010001fff] memblock_double_array",
                log.get(i + 1));

        // memblock_add still works as normal after the doubling
        mb.add(SZ_16K, SZ_16K);
        assertRegion(mem(mb, 0), SZ_16K, SZ_16K);
        assertEquals(Memblock.INIT_MEMBLOCK_REGIONS + 2, mb.cnt(false));
        assertEquals(Memblock.INIT_MEMBLOCK_REGIONS * size + NEW_REGIONS_SIZE + SZ_16K, mb.phys_mem_size());
        assertEquals(256, mb.memoryMax());
    }

    @Test
    void manyRefusedBeforeAllowResize() {
        long base = SZ_1G;
        for (int i = 0; i < 128; i++, base += SZ_128) assertEquals(0, mb.add(base, SZ_64));
        assertEquals(-12, mb.add(base, SZ_64));
        assertEquals(128, mb.cnt(false));
        assertEquals(128, mb.memoryMax());
        assertEquals(128 * SZ_64, mb.phys_mem_size());
        // isolate needs room for two more regions, so removing is refused as well
        assertEquals(-12, mb.remove(SZ_1G, SZ_64));
        assertEquals(128, mb.cnt(false));
        // an add that fills a hole (merging) needs no new slot... but the counting pass still finds 1 new
        // region, so even that is refused at cnt == max
        assertEquals(-12, mb.add(SZ_1G + SZ_64, SZ_64));
        // adding an already covered range needs no new region
        assertEquals(0, mb.add(SZ_1G, SZ_64));
    }
}
