package mm.core.internal.mm;

import java.util.List;
import mm.core.hook.BootPhaseListener;
import mm.core.hook.FreeListHook;
import mm.core.hook.PageAllocHook;
import mm.core.hook.PageInitHook;

/**
 * The whiteboard hooks bound when a boot starts, snapshotted into arrays. {@code phases} is in calling order
 * (service ranking, highest first, then service id). The page-init hooks also serve deferred_grow_zone after boot.
 */
public record BootHooks(List<BootPhaseListener> phases, PageInitHook[] init, PageAllocHook[] alloc, FreeListHook[] free) {
    /** The PageInitHooks for [s, e) of zone z (after __init_single_page, memmap_init_range or deferred init). */
    void pagesInitialised(Zone z, long s, long e) {
        for (PageInitHook h : init) h.onPagesInitialised(z.nid, z.type, s, e);
    }
}
