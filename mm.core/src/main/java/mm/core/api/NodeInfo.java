package mm.core.api;

/** A booted node: pgdat's start/spanned/present and deferred-init state. */
public record NodeInfo(int nid, long startPfn, long spannedPages, long presentPages, long firstDeferredPfn,
                       int cpus) {}
