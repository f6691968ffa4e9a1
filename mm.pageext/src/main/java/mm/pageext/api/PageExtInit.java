package mm.pageext.api;

import mm.core.api.ZoneType;
import mm.core.hook.BootContext;
import mm.core.hook.BootPhase;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * An init variant of subsystem {@value #SUBSYSTEM}: where in the boot page_ext gets its storage and initialises its
 * clients. Registered as a service with {@code mm.subsystem=page-ext} and {@code mm.variant=NAME}; page_ext asks the
 * variant registry for the active one when a boot starts and forwards it the boot phases and, for the whole boot,
 * the struct-page init ranges.
 */
@ConsumerType
public interface PageExtInit {
    String SUBSYSTEM = "page-ext";
    /** page_ext_init after page_alloc_init_late (deferred init on: today's kernels; the default). */
    String LATE = "late";
    /** early_page_ext: page_ext_init in mm_core_init; needs deferred struct page init off. */
    String EARLY = "early";
    /** Each page_ext entry initialised with its struct page (the __init_single_page hook of seed 000). */
    String ON_TOUCH = "on-touch";

    /**
     * Why {@code early} cannot run with deferred struct page init: said by the variant constraint, by the launcher
     * when a profile combines them, and in the boot log when a boot defers pages anyway.
     */
    String EARLY_REQUIRES_DEFERRED_OFF = "page_ext early init (early_page_ext) requires deferred struct page init off: "
            + "add 'config mm.variant deferred-init=off' to the profile";

    /** The variant name ({@code late}, {@code early}, {@code on-touch}). */
    String name();

    /** A boot phase was reached; {@code ext} is the storage of this boot. */
    void onPhase(BootPhase phase, BootContext ctx, PageExtStorage ext);

    /**
     * Struct pages [startPfn, endPfn) of one zone were initialised (during the boot: memmap_init, reserved pages in
     * the deferred part, deferred init, deferred_grow_zone; after it: hotplug). May run on any thread, concurrently.
     */
    default void onPagesInitialised(int nid, ZoneType zone, long startPfn, long endPfn, PageExtStorage ext) {}
}
