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

/** tools/testing/memblock/tests/basic_api.c: memblock_phys_free scenarios (6.6). */
class BasicApiFreeTest {
    MemblockImpl mb = newMemblock();

    @Test
    void simple() {
        mb.reserve(SZ_4M, SZ_1M);
        mb.reserve(SZ_8M, SZ_1M);
        mb.physFree(SZ_4M, SZ_1M);
        assertRegion(rsv(mb, 0), SZ_8M, SZ_1M);
        assertEquals(1, mb.cnt(true));
        assertEquals(SZ_1M, mb.reserved_size());
    }

    @Test
    void absent() {
        mb.reserve(SZ_2M, SZ_8K);
        mb.physFree(SZ_16M, SZ_128M);
        assertRegion(rsv(mb, 0), SZ_2M, SZ_8K);
        assertEquals(1, mb.cnt(true));
        assertEquals(SZ_8K, mb.reserved_size());
    }

    @Test
    void overlapTop() {
        mb.reserve(SZ_8M, SZ_32M);
        mb.physFree(5 * SZ_1M, 5 * SZ_1M);
        assertRegion(rsv(mb, 0), 10 * SZ_1M, 30 * SZ_1M);
        assertEquals(1, mb.cnt(true));
        assertEquals(30 * SZ_1M, mb.reserved_size());
    }

    @Test
    void overlapBottom() {
        mb.reserve(SZ_8M, SZ_32M);
        mb.physFree(SZ_32M, SZ_32M);
        assertRegion(rsv(mb, 0), SZ_8M, SZ_32M - SZ_8M);
        assertEquals(1, mb.cnt(true));
        assertEquals(SZ_32M - SZ_8M, mb.reserved_size());
    }

    @Test
    void within() {
        mb.reserve(SZ_1M, SZ_8M);
        mb.physFree(SZ_4M, SZ_1M);
        assertRegion(rsv(mb, 0), SZ_1M, 3 * SZ_1M);
        assertRegion(rsv(mb, 1), 5 * SZ_1M, SZ_4M);
        assertEquals(2, mb.cnt(true));
        assertEquals(7 * SZ_1M, mb.reserved_size());
    }

    @Test
    void onlyRegion() {
        mb.reserve(SZ_2K, SZ_16K);
        mb.physFree(SZ_2K, SZ_16K);
        assertEquals(new Region(0, 0, 0, MAX_NUMNODES), rsv(mb, 0));
        assertEquals(1, mb.cnt(true));
        assertEquals(0, mb.reserved_size());
    }

    @Test
    void nearMax() {
        mb.reserve(PHYS_ADDR_MAX - SZ_2M, SZ_2M);
        mb.physFree(PHYS_ADDR_MAX - SZ_1M, SZ_2M);
        assertRegion(rsv(mb, 0), PHYS_ADDR_MAX - SZ_2M, SZ_1M);
        assertEquals(1, mb.cnt(true));
        assertEquals(SZ_1M, mb.reserved_size());
    }

    @Test
    void overlapTwo() {
        mb.reserve(SZ_16M, SZ_16M);
        mb.reserve(SZ_64M, SZ_64M);
        mb.physFree(24 * SZ_1M, 56 * SZ_1M);
        assertRegion(rsv(mb, 0), SZ_16M, SZ_8M);
        assertRegion(rsv(mb, 1), 80 * SZ_1M, 48 * SZ_1M);
        assertEquals(2, mb.cnt(true));
        assertEquals(56 * SZ_1M, mb.reserved_size());
    }
}
