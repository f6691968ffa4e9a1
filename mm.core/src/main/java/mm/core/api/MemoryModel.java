package mm.core.api;

import java.util.List;
import mm.machine.api.Machine;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The long-lived state of the emulated machine: the booted zones, memmap and buddy allocator. One instance lives
 * as long as mm.core is active; variants never hold machine state, so swapping them loses nothing.
 * Allocation and freeing are thread-safe (a lock per zone, as the kernel has).
 */
@ProviderType
public interface MemoryModel {
    /** Boots {@code machine} from scratch (the previous state is dropped). */
    BootResult boot(Machine machine);

    /**
     * The run's seed, when reproducible runs were asked for (the launcher's {@code --seed N}, i.e. the framework
     * property {@value #SEED_PROPERTY}, or {@code mm:boot --seed N}); empty otherwise. Under a seed every random
     * choice derives from it (the boot workload's, the guest workloads' default seed) and the commands print only
     * emulated and modelled quantities, never measured wall-clock or CPU times, so that the same seed gives
     * byte-identical output.
     */
    java.util.OptionalLong seed();

    /** Makes the run reproducible with {@code seed} from now on (the next boot's workload included). */
    void setSeed(long seed);

    /** The framework property the launcher's {@code --seed N} sets. */
    String SEED_PROPERTY = "mm.seed";

    /** True once a boot has completed. */
    boolean booted();

    Machine machine();

    /** The kernel log of the last boot and everything since ({@code mm:dmesg}). */
    List<String> dmesg();

    /** Prints a line into the emulated kernel log. */
    void log(String line);

    /** Emulated clock in ns since boot (page_owner ts, reporting delays). */
    long clockNanos();

    /** Advances the emulated clock (idle time). */
    void advanceClock(long nanos);

    /** The emulated task for allocations from the calling thread (defaults to init). */
    Task currentTask();

    void setCurrentTask(Task t);

    /** smp_processor_id(): the emulated CPU of the calling thread (a tracer's CPU column). */
    int currentCpu();

    // --- the page allocator
    /**
     * alloc_pages_node: a block of 2^order pages, or -1 when no zone in the zonelist can satisfy it (with
     * __GFP_NOWARN silently, otherwise the failure is logged like warn_alloc). {@code nid} -1 = the caller's node (0).
     */
    long alloc(int order, int gfp, int nid, CallStack caller);

    /** __free_pages: frees a block allocated with {@code order}; a bad free throws {@link BadPageException}. */
    void free(long pfn, int order);

    /** __free_pages with the caller's stack (page_owner records it as the free stack). */
    void free(long pfn, int order, CallStack caller);

    /**
     * __free_pages_ok(page, order, FPI_TO_TAIL): freed straight into the buddy at the tail of its free list, never
     * through the per-cpu lists; 6.12's make_alloc_exact frees the pages beyond an exact allocation so.
     */
    void freePagesOkToTail(long pfn, int order, CallStack caller);

    /**
     * split_page: an allocated non-compound block of 2^order pages becomes 2^order order-0 allocations that can be
     * freed one by one (alloc_pages_exact frees the tail this way).
     */
    void split(long pfn, int order);

    /**
     * make_alloc_exact: an allocated non-compound block of 2^order pages is split ({@link #split}) and every page from
     * {@code pfn + nrPages} to the block's end is freed on its own, in address order, as
     * {@code __free_pages_ok(page, 0, FPI_TO_TAIL)} (alloc_pages_exact_nid). The buddy ends exactly as after those
     * order-0 frees; the hooks see one free per page, all at the same emulated time.
     *
     * @throws IllegalArgumentException when {@code nrPages} is not in 1..2^order
     */
    void makeAllocExact(long pfn, int order, long nrPages, CallStack freeCaller);

    /**
     * memmap_pages_add / memmap_boot_pages_add: {@code pages} pages of per-page metadata other than struct pages
     * (page_ext tables) were allocated ({@code pages} &gt; 0) or freed, from memblock ({@code boot}) or from the page
     * allocator; /proc/vmstat's nr_memmap_boot_pages and nr_memmap_pages count them.
     */
    void memmapPagesAdd(long pages, boolean boot);

    /**
     * What the pages of [startPfn, endPfn) are, counted from the memmap (pictures of memory: mm:map). Costs the
     * written pages of the present sections in the range: a hole is skipped by section, a section stored uniformly
     * free or identical (docs/memmap.md) is counted whole, so a big machine's summary never reads every page.
     */
    MemorySummary summarize(long startPfn, long endPfn);

    /** A readable view of one struct page (mm:page). */
    PageInfo page(long pfn);

    /** Raw memmap access for the mm bundles (hotplug, page_ext init-on-touch, page_owner's scan). */
    Memmap memmap();

    /**
     * memblock for {@code mm:memblock} experiments: the booted kernel's while it has one, else a bare one with no
     * regions ({@code reset}: always a fresh bare one).
     */
    Memblock memblockForExperiments(boolean reset);

    /** The deferred-init variant the last boot used (or the next boot will use, before the first one). */
    String deferredInitVariant();

    // --- layout and counters
    List<NodeInfo> nodes();

    ZoneInfo zone(int nid, ZoneType zone);

    /** The (nid, zone) holding pfn, or null when pfn is outside every zone span. */
    ZoneInfo zoneOf(long pfn);

    /** Totals (MemTotal, MemFree...) in pages. */
    long totalFreePages();

    long totalManagedPages();

    // --- views in the kernel's formats
    ProcFile zoneinfo();

    ProcFile buddyinfo();

    /** /sys/kernel/debug/extfrag/extfrag_index: per zone and order, failure by fragmentation (1) or lack of memory (0). */
    ProcFile extfragIndex();

    /** /sys/kernel/debug/extfrag/unusable_index: per zone and order, the share of free memory too fragmented to use. */
    ProcFile unusableIndex();

    ProcFile pagetypeinfo();

    /** /proc/meminfo: every line of Linux 6.12's, in its order (docs/views.md says which are modelled). */
    ProcFile meminfo();

    /** /proc/vmstat: the zone and node counters, the NUMA events, the system-wide items and the vm events. */
    ProcFile vmstat();

    /** The invariant checker (CONFIG_DEBUG_VM style): empty when everything holds. */
    List<String> check();

    /**
     * {@link #check()}, telling {@code progress} the share done so far (0 to 1, by the present pages of the zones
     * checked) and the zone being checked, from the checking thread, so that a command can show how far a long
     * check on a big machine is.
     */
    List<String> check(CheckProgress progress);

    /** Where a running {@link #check(CheckProgress)} is. */
    @FunctionalInterface
    interface CheckProgress {
        void at(double fraction, int nid, ZoneType zone);
    }

    /** Result of a boot: per-phase measured times and the modelled kernel times. */
    record BootResult(Machine machine, List<String> log, java.util.Map<String, double[]> timings) {}
}
