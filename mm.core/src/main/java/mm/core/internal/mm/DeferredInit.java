package mm.core.internal.mm;

/**
 * A deferred struct page init strategy (page_alloc_init_late's pgdatinit work). Variants are DS components with
 * {@code mm.subsystem=deferred-init} and {@code mm.variant=NAME}; they share the primitives of {@link DeferredOps}
 * and differ in how they walk, chunk and parallelise the work.
 */
public interface DeferredInit {
    String SUBSYSTEM = mm.core.api.DeferredInitVariants.SUBSYSTEM;

    /** The variant's name ({@code off}, {@code two-pass}, {@code per-node}, {@code multithreaded}). */
    String name();

    /** Whether free_area_init defers at all under this variant. */
    default boolean defers() { return true; }

    /**
     * Initialises and frees every deferred page of {@code node}, from {@code ops.takeDeferred(node)} on, and
     * returns the number of pages initialised. Called on one thread per node (pgdatinit%d), concurrently.
     */
    long initNode(DeferredOps ops, Node node);
}
