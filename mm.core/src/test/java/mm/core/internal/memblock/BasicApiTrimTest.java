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

/** tools/testing/memblock/tests/basic_api.c: memblock_trim_memory scenarios (6.6). */
class BasicApiTrimTest {
    static final long ALIGN = SZ_4K, OFFSET = SZ_512;
    MemblockImpl mb = newMemblock();

    @Test
    void aligned() {
        mb.add(ALIGN, ALIGN * 4);
        mb.add(ALIGN * 10, ALIGN * 4);
        mb.trimMemory(ALIGN);
        assertRegion(mem(mb, 0), ALIGN, ALIGN * 4);
        assertRegion(mem(mb, 1), ALIGN * 10, ALIGN * 4);
        assertEquals(2, mb.cnt(false));
        assertEquals(ALIGN * 8, mb.phys_mem_size());
    }

    @Test
    void tooSmall() {
        mb.add(ALIGN, ALIGN * 2);
        mb.add(ALIGN * 4, ALIGN / 2);
        mb.trimMemory(ALIGN);
        assertRegion(mem(mb, 0), ALIGN, ALIGN * 2);
        assertEquals(1, mb.cnt(false));
        // a dropped region is removed with memblock_remove_region, which does update total_size
        assertEquals(ALIGN * 2, mb.phys_mem_size());
    }

    @Test
    void unalignedBase() {
        mb.add(ALIGN, ALIGN * 2);
        mb.add(ALIGN * 4 + OFFSET, ALIGN * 2 - OFFSET);
        mb.trimMemory(ALIGN);
        assertRegion(mem(mb, 0), ALIGN, ALIGN * 2);
        assertRegion(mem(mb, 1), ALIGN * 5, ALIGN);
        assertEquals(2, mb.cnt(false));
        // the kernel does not subtract the trimmed bytes from total_size
        assertEquals(ALIGN * 4 - OFFSET, mb.phys_mem_size());
    }

    @Test
    void unalignedEnd() {
        mb.add(ALIGN, ALIGN * 2);
        mb.add(ALIGN * 4, ALIGN * 2 - OFFSET);
        mb.trimMemory(ALIGN);
        assertRegion(mem(mb, 0), ALIGN, ALIGN * 2);
        assertRegion(mem(mb, 1), ALIGN * 4, ALIGN);
        assertEquals(2, mb.cnt(false));
        assertEquals(ALIGN * 4 - OFFSET, mb.phys_mem_size());
    }

    @Test
    void allDroppedLeavesDummy() {
        mb.add(ALIGN + 1, ALIGN);
        mb.trimMemory(ALIGN);
        assertEquals(1, mb.cnt(false));
        assertEquals(new Region(0, 0, 0, MAX_NUMNODES), mem(mb, 0));
        assertEquals(0, mb.phys_mem_size());
    }
}
