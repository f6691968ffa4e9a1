package mm.core.api;

/** x86_64 constants of the emulated kernel (arch/x86 page_types.h and sparsemem.h, include/linux/mmzone.h). Orders are 0..{@link #MAX_PAGE_ORDER} inclusive. */
public final class Mm {
    private Mm() {}

    public static final int PAGE_SHIFT = 12;
    public static final long PAGE_SIZE = 1L << PAGE_SHIFT;
    public static final int SECTION_SIZE_BITS = 27;
    public static final int PFN_SECTION_SHIFT = SECTION_SIZE_BITS - PAGE_SHIFT;
    public static final int PAGES_PER_SECTION = 1 << PFN_SECTION_SHIFT;
    public static final long SECTION_SIZE = 1L << SECTION_SIZE_BITS;
    /** x86_64 with 5-level paging: physical addresses below 2^52, PFNs below 2^40. */
    public static final int MAX_PHYSMEM_BITS = 52;
    /** Largest buddy order (inclusive): 11 free_area slots, 1024-page blocks. */
    public static final int MAX_PAGE_ORDER = 10;
    public static final int NR_PAGE_ORDERS = MAX_PAGE_ORDER + 1;
    public static final int MAX_ORDER_NR_PAGES = 1 << MAX_PAGE_ORDER;
    public static final int PAGEBLOCK_ORDER = 9;
    public static final int PAGEBLOCK_NR_PAGES = 1 << PAGEBLOCK_ORDER;
    public static final int PAGE_ALLOC_COSTLY_ORDER = 3;
    public static final long MAX_DMA_PFN = 4096;
    public static final long MAX_DMA32_PFN = 1L << 20;
    /** NODES_SHIFT 10 in the Debian config the reference kernel was built with. */
    public static final int MAX_NUMNODES = 1024;
    public static final int NUMA_NO_NODE = -1;
    /** Bytes of the kernel's struct page (used for memmap sizing, not for our own storage). */
    public static final int STRUCT_PAGE_SIZE = 64;

    public static long pfnUp(long addr) { return (addr + PAGE_SIZE - 1) >>> PAGE_SHIFT; }
    public static long pfnDown(long addr) { return addr >>> PAGE_SHIFT; }
    public static long pfnPhys(long pfn) { return pfn << PAGE_SHIFT; }
    public static long sectionOf(long pfn) { return pfn >>> PFN_SECTION_SHIFT; }
    public static long alignUp(long v, long a) { return (v + a - 1) & -a; }
    public static long alignDown(long v, long a) { return v & -a; }
    /** The kernel's %#018Lx / %pa rendering of a physical address. */
    public static String hex18(long v) { return String.format("0x%016x", v); }
}
