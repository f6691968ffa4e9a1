package mm.core.hook;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard service: the kernel's mm tracepoints that no other hook sees, called at the kernel's tracepoint places
 * (the page allocator's under zone->lock), plus memblock=debug's operation lines and deferred init's progress. Bound
 * only while a tracer wants them: with none bound every call site costs one empty-array check. The caller's task,
 * CPU and the clock are the model's ({@code MemoryModel.currentTask / currentCpu / clockNanos}). Must be quick,
 * must not allocate from the zone and must not take a zone lock.
 */
@ConsumerType
public interface TracepointHook {
    /**
     * trace_mm_page_alloc_zone_locked (__rmqueue_smallest): a block of {@code order} left the free lists of
     * {@code migratetype}; {@code percpuRefill} when it is for a per-cpu list (rmqueue_bulk). zone->lock held.
     */
    default void allocZoneLocked(long pfn, int order, int migratetype, boolean percpuRefill) {}

    /** trace_mm_page_pcpu_drain (free_pcppages_bulk): a page goes from a per-cpu list back to the buddy. zone->lock held. */
    default void pcpuDrain(long pfn, int order, int migratetype) {}

    /**
     * trace_mm_page_alloc_extfrag (__rmqueue_fallback): an allocation of {@code allocMigratetype} fell back to a
     * block of {@code fallbackOrder} of {@code fallbackMigratetype}; {@code changeOwnership} when the pageblock of
     * {@code pfn} is now of the allocation's type. zone->lock held.
     */
    default void allocExtfrag(long pfn, int allocOrder, int fallbackOrder, int allocMigratetype, int fallbackMigratetype,
                              boolean changeOwnership) {}

    /**
     * A memblock operation as memblock=debug prints it, without the timestamp: {@code "memblock_reserve: [0x..-0x..]
     * caller"}, {@code "memblock_alloc_try_nid: 4096 bytes align=0x1000 nid=-1 from=0x.. max_addr=0x.. caller"}...
     */
    default void memblock(String line) {}

    /**
     * Deferred struct page init made progress on node {@code nid}, zone index {@code zone}: the struct pages of
     * [startPfn, endPfn) are initialised and {@code nrPages} of them were freed to the buddy. {@code growOrder} is -1
     * for deferred_init_memmap's chunks, else the order of the allocation that deferred_grow_zone served.
     */
    default void deferredInit(int nid, int zone, long startPfn, long endPfn, long nrPages, int growOrder) {}
}
