package mm.core.hook;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard service: split_page turned the allocated order-{@code order} block at {@code pfn} into 2^order
 * order-0 allocations (alloc_pages_exact does this before freeing the tail). page_owner sets order 0 on every page
 * (split_page_owner). Called after the split, outside the zone lock.
 */
@ConsumerType
public interface PageSplitHook {
    void onSplit(long pfn, int order);
}
