package mm.core.hook;

import mm.core.api.ZoneType;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard service: called after struct pages [startPfn, endPfn) of one zone were initialised
 * (__init_single_page in memmap_init_range, deferred init, hotplug). Called per range, never per page. Deferred
 * init calls it for a whole MAX_PAGE_ORDER block it frees right away with the block already prepared for the buddy
 * (refcount 0, as __free_pages_core leaves it), not yet on a free list.
 */
@ConsumerType
public interface PageInitHook {
    void onPagesInitialised(int nid, ZoneType zone, long startPfn, long endPfn);
}
