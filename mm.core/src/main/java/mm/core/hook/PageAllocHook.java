package mm.core.hook;

import mm.core.api.CallStack;
import mm.core.api.Task;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard service: post_alloc_hook / free_pages_prepare. Called once per allocated or freed block, outside the
 * zone lock, with the emulated task and clock of the caller.
 */
@ConsumerType
public interface PageAllocHook {
    void postAlloc(long pfn, int order, int gfp, CallStack stack, Task task, long tsNanos);

    void preFree(long pfn, int order, CallStack stack, Task task, long tsNanos);

    /**
     * free_pages_prepare of each page of {@code [pfn, pfn + nrPages)}, freed one by one as order-0 pages at the same
     * emulated time (make_alloc_exact's tail). By default one {@link #preFree} per page.
     */
    default void preFreeRun(long pfn, long nrPages, CallStack stack, Task task, long tsNanos) {
        for (long p = pfn, end = pfn + nrPages; p < end; p++) preFree(p, 0, stack, task, tsNanos);
    }
}
