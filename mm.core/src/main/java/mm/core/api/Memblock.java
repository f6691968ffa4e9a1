package mm.core.api;

import java.util.List;
import java.util.function.Consumer;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The kernel's boot-time memory manager (mm/memblock.c, 6.x semantics): {@code memory} and
 * {@code reserved} region arrays with the add/merge/isolate/split rules, array doubling, top-down (default) and
 * bottom-up allocation, and the range iterators. Addresses are physical and treated as unsigned 64-bit
 * ({@link #PHYS_ADDR_MAX} is ~0). Allocation functions return the physical address, or 0 on failure.
 * Not thread-safe: memblock runs on the boot CPU only.
 */
@ProviderType
public interface Memblock {
    long PHYS_ADDR_MAX = -1L;
    long ALLOC_ANYWHERE = -1L;
    long ALLOC_ACCESSIBLE = 0L;
    long ALLOC_NOLEAKTRACE = 1L;
    int INIT_MEMBLOCK_REGIONS = 128;

    int FLAG_NONE = 0x0, FLAG_HOTPLUG = 0x1, FLAG_MIRROR = 0x2, FLAG_NOMAP = 0x4, FLAG_DRIVER_MANAGED = 0x8;

    /** One region; {@code nid == Mm.MAX_NUMNODES} means "no node yet". */
    record Region(long base, long size, int flags, int nid) {
        public long end() { return base + size; }
    }

    /** A PFN range [startPfn, endPfn) with its node (for_each_mem_pfn_range). */
    record PfnRange(long startPfn, long endPfn, int nid) {}

    /** A byte range [start, end) with its node (for_each_free_mem_range). */
    record Range(long start, long end, int nid) {}

    /**
     * One reservation as memblock=debug prints it ({@code memblock_reserve: [base-end] caller}): the range and the
     * caller symbol (%pS) of memblock_reserve, or of the memblock_alloc* call that reserved it.
     */
    record Reservation(long base, long size, String caller) {
        public long end() { return base + size; }
    }

    // --- set-up and logging
    /** Back to the static initial state: empty arrays of 128 entries, top-down, limit ANYWHERE, resize not allowed. */
    void reset();
    /** memblock=debug: every operation is passed to the sink as the kernel prints it (without the timestamp). */
    void setDebug(boolean on, Consumer<String> sink);
    /** Caller symbol (%pS) printed by the next logged operation; cleared after use. */
    Memblock caller(String symbol);
    void allowResize();
    void setBottomUp(boolean enable);
    boolean bottomUp();
    void setCurrentLimit(long limit);
    long currentLimit();

    // --- adding, removing, flags (return 0 or a negative errno like the kernel)
    int add(long base, long size);
    int addNode(long base, long size, int nid, int flags);
    int remove(long base, long size);
    int reserve(long base, long size);
    /** memblock_phys_free. */
    int physFree(long base, long size);
    int markHotplug(long base, long size);
    int clearHotplug(long base, long size);
    int markMirror(long base, long size);
    int markNomap(long base, long size);
    int clearNomap(long base, long size);
    int setNode(long base, long size, boolean reservedType, int nid);
    void trimMemory(long align);
    /** mem=: keep only the first {@code limit} bytes of memory. */
    void enforceMemoryLimit(long limit);

    // --- allocation
    long physAllocRange(long size, long align, long start, long end);
    long physAlloc(long size, long align);
    long physAllocTryNid(long size, long align, int nid);
    long allocTryNid(long size, long align, long minAddr, long maxAddr, int nid);
    long allocTryNidRaw(long size, long align, long minAddr, long maxAddr, int nid);
    long allocExactNidRaw(long size, long align, long minAddr, long maxAddr, int nid);
    long alloc(long size, long align);
    long allocRaw(long size, long align);
    long allocFrom(long size, long align, long minAddr);
    long allocLow(long size, long align);
    long allocNode(long size, long align, int nid);
    /** memblock_find_in_range_node (no reservation). */
    long findInRangeNode(long size, long align, long start, long end, int nid, int flags);

    // --- queries
    List<Region> memory();
    List<Region> reserved();
    /** Capacity of the memory / reserved arrays (128 until doubled). */
    int memoryMax();
    int reservedMax();
    long phys_mem_size();
    long reserved_size();
    long startOfDram();
    long endOfDram();
    boolean isMemory(long addr);
    boolean isReserved(long addr);
    boolean isRegionMemory(long base, long size);
    boolean isRegionReserved(long base, long size);
    /** memblock_search_pfn_nid: the nid of the memory region holding pfn, or -1. */
    int searchPfnNid(long pfn);

    /**
     * Every reservation since {@link #reset}, in order, with its caller (what reserved it: the kernel image,
     * initrd, the memmap, page_ext tables...); frees are not subtracted: intersect with {@link #reserved()}.
     */
    List<Reservation> reservationLog();

    // --- iterators
    /** for_each_free_mem_range(_reverse): memory minus reserved, filtered as should_skip_region does. */
    List<Range> freeRanges(int nid, int flags, boolean reverse);
    /** for_each_mem_pfn_range: whole pages of memory regions of {@code nid} (MAX_NUMNODES = all). */
    List<PfnRange> memPfnRanges(int nid);

    // --- dumps
    /** memblock_dump_all: {@code MEMBLOCK configuration:} and every region. */
    String dumpAll();
    /** debugfs memblock/memory or memblock/reserved (6.6 format: "%4d: %pa..%pa %4d FLAGNAME"). */
    String debugfs(boolean reservedType);
}
