package mm.core.api;

/**
 * A booted node: pgdat's start/spanned/present, its CPUs, and its deferred struct page init state.
 * {@code firstDeferredPfn} is the node's first_deferred_pfn now and {@code bootFirstDeferredPfn} the one
 * free_area_init set ({@link #NO_DEFERRED}: nothing deferred); {@code deferredPages} are pages still deferred and
 * {@code growEvents} the deferred_grow_zone calls that initialised more of them on demand.
 */
public record NodeInfo(int nid, long startPfn, long spannedPages, long presentPages, long firstDeferredPfn,
                       int cpus, long bootFirstDeferredPfn, long deferredPages, int growEvents) {
    /** first_deferred_pfn when nothing is (or was) deferred: ULONG_MAX in the kernel. */
    public static final long NO_DEFERRED = Long.MAX_VALUE;
}
