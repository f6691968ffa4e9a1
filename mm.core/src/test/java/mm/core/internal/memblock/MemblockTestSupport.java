package mm.core.internal.memblock;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;

import mm.core.api.Memblock;
import mm.core.api.Memblock.Region;
import mm.core.api.Mm;

/**
 * The set-up of the kernel's memblock simulator (tools/testing/memblock, 6.6) transposed to MemblockImpl: a test
 * memory area of MEM_SIZE bytes registered as memory at a fixed base, SMP_CACHE_BYTES 32, PAGE_SIZE 4096.
 */
final class MemblockTestSupport {
    private MemblockTestSupport() {}

    static final long SZ_2 = 2, SZ_4 = 4, SZ_16 = 16, SZ_32 = 32, SZ_64 = 64, SZ_128 = 128, SZ_256 = 256,
            SZ_512 = 512;
    static final long SZ_1K = 1L << 10, SZ_2K = 2L << 10, SZ_4K = 4L << 10, SZ_8K = 8L << 10, SZ_16K = 16L << 10,
            SZ_32K = 32L << 10, SZ_64K = 64L << 10, SZ_128K = 128L << 10, SZ_256K = 256L << 10;
    static final long SZ_1M = 1L << 20, SZ_2M = 2L << 20, SZ_4M = 4L << 20, SZ_8M = 8L << 20, SZ_16M = 16L << 20,
            SZ_32M = 32L << 20, SZ_64M = 64L << 20, SZ_128M = 128L << 20, SZ_256M = 256L << 20,
            SZ_512M = 512L << 20;
    static final long SZ_1G = 1L << 30, SZ_2G = 2L << 30;

    /** MEM_SIZE of the 6.6 harness (16 KiB in 6.1). */
    static final long MEM_SIZE = SZ_32K;
    /** The harness's SMP_CACHE_BYTES. */
    static final int SMP_CACHE_BYTES = 32;
    /** Where our "malloc'd" test memory lives. */
    static final long BASE = 0x1000_0000L;
    static final long PHYS_ADDR_MAX = Memblock.PHYS_ADDR_MAX;
    static final int MAX_NUMNODES = Mm.MAX_NUMNODES;
    static final int NUMA_NO_NODE = Mm.NUMA_NO_NODE;
    /** PAGE_ALIGN(INIT_MEMBLOCK_REGIONS * 2 * sizeof(struct memblock_region)) = 8 KiB. */
    static final long NEW_REGIONS_SIZE = 8192;

    static MemblockImpl newMemblock() {
        MemblockImpl mb = new MemblockImpl(SMP_CACHE_BYTES);
        mb.reset();
        return mb;
    }

    /** setup_memblock(): reset and register [BASE, BASE + MEM_SIZE) as memory. */
    static MemblockImpl setupMemblock(boolean bottomUp) {
        MemblockImpl mb = newMemblock();
        mb.setBottomUp(bottomUp);
        assertEquals(0, mb.add(BASE, MEM_SIZE));
        return mb;
    }

    /** NUMA node sizes in basis points of MEM_SIZE: 1/4, 1/16, 1/8, 1/8, 1/16, 1/16, 1/4, 1/16. */
    static final int[] NODE_FRACTIONS = {2500, 625, 1250, 1250, 625, 625, 2500, 625};
    static final int NUMA_NODES = NODE_FRACTIONS.length;

    /**
     * setup_numa_memblock(): 8 consecutive nodes filling the test memory, added with memblock_add_node; their flags
     * are HOTPLUG unless movable_node is on (so they do not merge and stay allocatable).
     */
    static MemblockImpl setupNumaMemblock(boolean bottomUp) {
        MemblockImpl mb = newMemblock();
        mb.setBottomUp(bottomUp);
        int flags = mb.movableNode() ? Memblock.FLAG_NONE : Memblock.FLAG_HOTPLUG;
        long base = BASE;
        for (int i = 0; i < NUMA_NODES; i++) {
            long size = NODE_FRACTIONS[i] * MEM_SIZE / 10000;
            assertEquals(0, mb.addNode(base, size, i, flags));
            base += size;
        }
        assertEquals(NUMA_NODES, mb.cnt(false));
        return mb;
    }

    static Stream<Boolean> directions() {
        return Stream.of(false, true);
    }

    static void assertRegion(Region r, long base, long size) {
        assertEquals(hex(base), hex(r.base()), "region base");
        assertEquals(hex(size), hex(r.size()), "region size");
    }

    static Region mem(MemblockImpl mb, int i) {
        return mb.rawRegions(false).get(i);
    }

    static Region rsv(MemblockImpl mb, int i) {
        return mb.rawRegions(true).get(i);
    }

    /** %pa */
    static String h(long v) {
        return String.format("0x%016x", v);
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
