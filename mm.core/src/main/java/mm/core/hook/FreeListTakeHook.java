package mm.core.hook;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard service: memory leaves the buddy free lists to be allocated (__rmqueue, called by rmqueue_buddy for a
 * block and by rmqueue_bulk when it fills a per-cpu list), under the zone lock. Never called on the per-cpu fast
 * path: an order-0 allocation served from a per-cpu list, and every free, cost the allocator nothing. It sees the
 * moment the kernel clears PG_reported (__del_page_from_free_list), for blocks that carry it and for those that do
 * not. Must be quick and must not allocate from the zone.
 */
@ConsumerType
public interface FreeListTakeHook {
    /**
     * {@code [pfn, pfn + nrPages)} left the free lists, to be handed out in blocks of {@code order} (a per-cpu refill
     * reports each run of consecutive pages once, with order 0).
     */
    void onTake(long pfn, long nrPages, int order);
}
