package mm.core.api;

/**
 * Whiteboard service: called after struct pages [startPfn, endPfn) of one zone were initialised
 * (__init_single_page in memmap_init_range, deferred init, hotplug). Called per range, never per page.
 */
public interface PageInitHook {
    void onPagesInitialised(int nid, ZoneType zone, long startPfn, long endPfn);
}
