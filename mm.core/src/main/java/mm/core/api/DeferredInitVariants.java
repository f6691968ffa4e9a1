package mm.core.api;

/**
 * The variants of deferred struct page init (subsystem {@value #SUBSYSTEM}, chosen with
 * {@code mm:variant deferred-init NAME} or {@code config mm.variant deferred-init=NAME}): how
 * page_alloc_init_late's pgdatinit work walks, chunks and parallelises the deferred struct pages.
 */
public final class DeferredInitVariants {
    private DeferredInitVariants() {}

    public static final String SUBSYSTEM = "deferred-init";
    /** One pgdatinit thread per node, one pass per MAX_PAGE_ORDER block (6.x before padata; the default). */
    public static final String PER_NODE = "per-node";
    /** padata_do_multithreaded: the node's range split into chunks run by several threads (v5.9+). */
    public static final String MULTITHREADED = "multithreaded";
    /** The pre-2018 two passes: initialise every struct page, then free them (seed 002's baseline). */
    public static final String TWO_PASS = "two-pass";
    /** No deferral (CONFIG_DEFERRED_STRUCT_PAGE_INIT=n, or early_page_ext): free_area_init initialises everything. */
    public static final String OFF = "off";
}
