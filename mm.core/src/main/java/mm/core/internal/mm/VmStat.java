package mm.core.internal.mm;

import mm.core.api.Gfp;
import mm.core.api.Mm;

/**
 * The kernel's memory counters that mmkit keeps beside the buddy: node_stat_item and zone_stat_item counters changed by
 * the code that owns the pages (slab, kernel stacks, page tables, anonymous and shmem pages: account_slab,
 * account_kernel_stack, pagetable_alloc's ctor, the rmap and LRU adds), the per-cpu allocator's and vmalloc's page
 * counts, and the indexes of the allocator's event counters (zone_statistics' NUMA events, PGALLOC, PGFREE), which
 * live in {@link Zone#events} (zone->lock) and in each pageset's counters (pcp->lock), as the kernel keeps them per
 * cpu; {@link PageAlloc#zoneEvents} sums them.
 * <p>Node and zone stat counters are changed under this object's monitor: they change per accounted block, never in
 * the allocator's fast path.
 */
final class VmStat {
    // ---- event counters of the allocator: per zone and per cpu
    static final int NUMA_HIT = 0, NUMA_MISS = 1, NUMA_FOREIGN = 2, NUMA_INTERLEAVE = 3, NUMA_LOCAL = 4,
            NUMA_OTHER = 5, PGALLOC = 6, PGFREE = 7, NR_EVENTS = 8;
    static final int NR_NUMA_EVENTS = 6;
    static final String[] NUMA_EVENT_NAMES = {"numa_hit", "numa_miss", "numa_foreign", "numa_interleave",
        "numa_local", "numa_other"};

    // ---- node_stat_item: indexes into Views.NODE_STATS
    static final int NR_INACTIVE_ANON = 0, NR_ACTIVE_ANON = 1, NR_INACTIVE_FILE = 2, NR_ACTIVE_FILE = 3,
            NR_UNEVICTABLE = 4, NR_SLAB_RECLAIMABLE = 5, NR_SLAB_UNRECLAIMABLE = 6, NR_ANON_MAPPED = 17,
            NR_FILE_MAPPED = 18, NR_FILE_PAGES = 19, NR_FILE_DIRTY = 20, NR_WRITEBACK = 21, NR_WRITEBACK_TEMP = 22,
            NR_SHMEM = 23, NR_SHMEM_THPS = 24, NR_SHMEM_PMDMAPPED = 25, NR_FILE_THPS = 26, NR_FILE_PMDMAPPED = 27,
            NR_ANON_THPS = 28, NR_KERNEL_MISC_RECLAIMABLE = 34, NR_KERNEL_STACK_KB = 37, NR_PAGETABLE = 38,
            NR_SECONDARY_PAGETABLE = 39, NR_SWAPCACHE = 41;
    static final int NR_NODE_STATS = 47;

    // ---- zone_stat_item after NR_FREE_PAGES: indexes into Views.ZONE_STATS
    static final int NR_ZONE_INACTIVE_ANON = 0, NR_ZONE_ACTIVE_ANON = 1, NR_ZONE_INACTIVE_FILE = 2,
            NR_ZONE_ACTIVE_FILE = 3, NR_ZONE_UNEVICTABLE = 4, NR_ZONE_WRITE_PENDING = 5, NR_MLOCK = 6, NR_BOUNCE = 7,
            NR_ZSPAGES = 8, NR_FREE_CMA = 9, NR_UNACCEPTED = 10;
    static final int NR_ZONE_STATS = 11;

    /** What a boot workload call site's pages are to the kernel's counters (who its caller is). */
    enum Use {
        /** Pages nobody counts (hash tables, ftrace records, irq descriptors, kmalloc_large buffers). */
        NONE,
        /** Slab pages (allocate_slab): NR_SLAB_RECLAIMABLE_B with __GFP_RECLAIMABLE, else NR_SLAB_UNRECLAIMABLE_B. */
        SLAB,
        /** A vmalloc'ed kernel stack (CONFIG_VMAP_STACK): NR_KERNEL_STACK_KB and vmalloc's page count. */
        KERNEL_STACK,
        /** A page table page: NR_PAGETABLE. */
        PAGE_TABLE,
        /** A page of a percpu chunk: pcpu_nr_pages. */
        PERCPU,
        /** A page of a vmalloc area: vmalloc_nr_pages. */
        VMALLOC,
        /** An anonymous page of a user process: NR_ANON_MAPPED, on the anon LRU. */
        ANON,
        /** A shmem / tmpfs page: NR_FILE_PAGES and NR_SHMEM, on the anon LRU (swap-backed). */
        SHMEM
    }

    /**
     * Page metadata other than the boot memmap and hot-added sections' struct pages: page_ext tables
     * (memmap_pages_add from the buddy or vmalloc, memmap_boot_pages_add from memblock).
     */
    final java.util.concurrent.atomic.AtomicLong metadataPages = new java.util.concurrent.atomic.AtomicLong(),
            metadataBootPages = new java.util.concurrent.atomic.AtomicLong();

    /** Pages populated in percpu chunks after the first chunk (pcpu_populate_chunk). */
    long percpuPages;
    /** Pages of vmalloc areas (vmalloc_nr_pages). */
    long vmallocPages;

    /**
     * The counters changed by the caller of a block of 2^order pages at pfn it just got from ({@code sign} 1) or is
     * giving back to ({@code sign} -1) the page allocator: the node and zone are the page's.
     */
    void account(Kernel k, long pfn, int order, int gfp, Use use, int sign) {
        if (use == Use.NONE) return;
        long pages = (long) sign << order;
        Zone z = k.pageZone(k.mm.f(pfn));
        Node n = k.node(z.nid);
        synchronized (this) {
            switch (use) {
                case SLAB -> n.stat[(gfp & Gfp.__GFP_RECLAIMABLE) != 0 ? NR_SLAB_RECLAIMABLE : NR_SLAB_UNRECLAIMABLE] += pages;
                case KERNEL_STACK -> {
                    n.stat[NR_KERNEL_STACK_KB] += pages * (Mm.PAGE_SIZE / 1024);
                    vmallocPages += pages;
                }
                case PAGE_TABLE -> n.stat[NR_PAGETABLE] += pages;
                case PERCPU -> percpuPages += pages;
                case VMALLOC -> vmallocPages += pages;
                case ANON -> {
                    n.stat[NR_ANON_MAPPED] += pages;
                    lruAdd(n, z, pages);
                }
                case SHMEM -> {
                    n.stat[NR_FILE_PAGES] += pages;
                    n.stat[NR_SHMEM] += pages;
                    lruAdd(n, z, pages);
                }
                default -> throw new IllegalStateException(use.name());
            }
        }
    }

    /**
     * lru_add of a new swap-backed folio. With the multi-generational LRU this kernel runs, a new folio joins the
     * youngest generation, which the LRU sizes report as active.
     */
    private static void lruAdd(Node n, Zone z, long pages) {
        n.stat[NR_ACTIVE_ANON] += pages;
        z.stat[NR_ZONE_ACTIVE_ANON] += pages;
    }

    /** A consistent copy of a node's counters. */
    synchronized long[] nodeStats(Node n) { return n.stat.clone(); }

    /** A consistent copy of a zone's counters (after NR_FREE_PAGES). */
    /** The zone's counters; NR_FREE_CMA_PAGES is the free-list count the allocator keeps under zone->lock. */
    synchronized long[] zoneStats(Zone z) {
        long[] s = z.stat.clone();
        s[NR_FREE_CMA] = z.freeCma;
        return s;
    }

    synchronized long percpuPages() { return percpuPages; }

    synchronized long vmallocPages() { return vmallocPages; }
}
