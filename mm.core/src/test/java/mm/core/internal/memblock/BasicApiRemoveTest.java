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

/** tools/testing/memblock/tests/basic_api.c: memblock_remove scenarios (6.6). */
class BasicApiRemoveTest {
    MemblockImpl mb = newMemblock();

    @Test
    void simple() {
        mb.add(SZ_2K, SZ_4K);
        mb.add(SZ_128K, SZ_4M);
        mb.remove(SZ_2K, SZ_4K);
        assertRegion(mem(mb, 0), SZ_128K, SZ_4M);
        assertEquals(1, mb.cnt(false));
        assertEquals(SZ_4M, mb.phys_mem_size());
    }

    @Test
    void absent() {
        mb.add(SZ_512M, SZ_4M);
        mb.remove(SZ_1G, SZ_1G);
        assertRegion(mem(mb, 0), SZ_512M, SZ_4M);
        assertEquals(1, mb.cnt(false));
        assertEquals(SZ_4M, mb.phys_mem_size());
    }

    @Test
    void overlapTop() {
        mb.add(SZ_32M, SZ_32M);
        mb.remove(SZ_16M, SZ_32M);
        assertRegion(mem(mb, 0), SZ_16M + SZ_32M, SZ_16M);
        assertEquals(1, mb.cnt(false));
        assertEquals(SZ_16M, mb.phys_mem_size());
    }

    @Test
    void overlapBottom() {
        mb.add(SZ_2M, SZ_64M);
        mb.remove(SZ_32M, SZ_256M);
        assertRegion(mem(mb, 0), SZ_2M, SZ_32M - SZ_2M);
        assertEquals(1, mb.cnt(false));
        assertEquals(SZ_32M - SZ_2M, mb.phys_mem_size());
    }

    @Test
    void within() {
        // removing [16M, 17M) from [1M, 33M) leaves [1M, 16M) and [17M, 33M)
        mb.add(SZ_1M, SZ_32M);
        mb.remove(SZ_16M, SZ_1M);
        assertRegion(mem(mb, 0), SZ_1M, SZ_16M - SZ_1M);
        assertRegion(mem(mb, 1), SZ_16M + SZ_1M, SZ_16M);
        assertEquals(2, mb.cnt(false));
        assertEquals(SZ_32M - SZ_1M, mb.phys_mem_size());
    }

    @Test
    void onlyRegion() {
        mb.add(SZ_2K, SZ_4K);
        mb.remove(SZ_2K, SZ_4K);
        assertEquals(new Region(0, 0, 0, MAX_NUMNODES), mem(mb, 0));
        assertEquals(1, mb.cnt(false));
        assertEquals(0, mb.phys_mem_size());
        assertTrue(mb.memory().isEmpty());
    }

    @Test
    void nearMax() {
        mb.add(PHYS_ADDR_MAX - SZ_2M, SZ_2M);
        mb.remove(PHYS_ADDR_MAX - SZ_1M, SZ_2M);
        assertRegion(mem(mb, 0), PHYS_ADDR_MAX - SZ_2M, SZ_1M);
        assertEquals(1, mb.cnt(false));
        assertEquals(SZ_1M, mb.phys_mem_size());
    }

    @Test
    void overlapTwo() {
        mb.add(SZ_32M, SZ_64M);
        mb.add(SZ_128M, SZ_64M);
        mb.remove(SZ_64M, SZ_128M - SZ_32M);
        assertRegion(mem(mb, 0), SZ_32M, SZ_32M);
        assertRegion(mem(mb, 1), SZ_128M + SZ_32M, SZ_32M);
        assertEquals(2, mb.cnt(false));
        assertEquals(SZ_64M, mb.phys_mem_size());
    }

    @Test
    void keepsNidAndFlagsOnBothHalves() {
        mb.addNode(SZ_1M, SZ_32M, 2, Memblock.FLAG_MIRROR);
        mb.remove(SZ_16M, SZ_1M);
        assertEquals(new Region(SZ_1M, SZ_16M - SZ_1M, Memblock.FLAG_MIRROR, 2), mem(mb, 0));
        assertEquals(new Region(SZ_16M + SZ_1M, SZ_16M, Memblock.FLAG_MIRROR, 2), mem(mb, 1));
    }
}
