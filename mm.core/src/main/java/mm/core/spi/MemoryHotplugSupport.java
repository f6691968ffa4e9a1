package mm.core.spi;

import java.util.List;
import mm.core.api.CallStack;
import mm.core.api.MemoryModel;
import mm.core.api.MigrateType;
import mm.core.api.PageFlags;
import mm.core.api.ZoneType;
import mm.core.hook.MemoryNotifier;
import mm.core.hook.PageMigrateHook;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The mm-core primitives memory hotplug and ZONE_DEVICE are built from (mm/sparse.c, mm/memory_hotplug.c,
 * mm/page_isolation.c, mm/page_alloc.c, the core part of mm/memremap.c). mm.hotplug orchestrates them into
 * add_memory / online_pages / offline_pages / remove_memory / memremap_pages with the kernel's checks, messages and
 * policies; everything here works on the booted model and keeps {@link MemoryModel#check()} clean between the
 * operations that mm.hotplug exposes.
 * <p>
 * The primitives do no policy and little validation: the caller serialises hotplug operations (the kernel's
 * {@code mem_hotplug_lock}; allocations may run concurrently), passes section-aligned ranges for sections and
 * pageblock-aligned ranges for zones, and follows the kernel's order:
 * <pre>
 *   add:      addPages
 *   online:   movePfnRangeToZone(ISOLATE) -> memoryNotify(GOING_ONLINE) -> onlinePagesRange -> finishOnline
 *             -> memoryNotify(ONLINE)      (a veto: removePfnRangeFromZone, memoryNotify(CANCEL_ONLINE))
 *   offline:  drainAllPages -> isolate -> memoryNotify(GOING_OFFLINE) -> { scanMovablePages -> migratePage }*
 *             -> testPagesIsolated -> offlineIsolatedPages -> memoryNotify(OFFLINE) -> removePfnRangeFromZone
 *   remove:   removePages
 *   device:   addPages(device) -> movePfnRangeToZone(DEVICE, altmap) -> memmap_init_zone_device (built by the
 *             caller from the raw struct page writers below) ... removePfnRangeFromZone -> removePages
 * </pre>
 */
@ProviderType
public interface MemoryHotplugSupport {

    // ------------------------------------------------------------------------------------------ state

    /** Changes at every boot: what a client keeps about sections, blocks or pgmaps belongs to one boot. */
    long bootId();

    /** max_pfn of the boot (the end of boot memory, which the x86 memory block size rule looks at). */
    long bootEndPfn();

    /** One past the highest section number that has a memmap now (iteration bound for section walks). */
    long sectionLimit();

    /**
     * The first section number at or above {@code nr} that has a memmap, or -1: walks over sections cost the present
     * ones, not the address width.
     */
    long nextPresentSection(long nr);

    /** A memory section ({@code mem_section[nr]}) as the hotplug code sees it. */
    SectionInfo section(long nr);

    /**
     * @param present  the section has a memmap (SECTION_MARKED_PRESENT; pfn_valid)
     * @param online   SECTION_IS_ONLINE (pfn_to_online_page)
     * @param device   tainted by ZONE_DEVICE (memremap_pages), never a memory block
     * @param early    present since boot (SECTION_IS_EARLY), as opposed to hot-added
     * @param nid      the node the section was added for (boot sections: the node of their memory), -1 if absent
     * @param zone     the zone the section was last onlined to by hotplug, null for boot sections never re-onlined
     *                 and for offline sections
     */
    record SectionInfo(long nr, boolean present, boolean online, boolean device, boolean early, int nid,
                       ZoneType zone) {}

    /** memory_notify: tells every {@link MemoryNotifier}; returns the first veto (null = all agreed). */
    String memoryNotify(MemoryNotifier.Action action, int nid, long startPfn, long nrPages);

    // ------------------------------------------------------------------------------------- transactions

    /** What {@link #checkpoint} captured; only {@link #rollback} reads it. */
    interface Checkpoint {}

    /**
     * Captures, before an add, online or memremap of the sections covering [startPfn, +nrPages), what it can
     * change: the range's sections (present, online, device, pageblock types, which struct pages are
     * uninitialised) and the counters, spans, watermarks and free-list ends of every zone and node. Cheap: no
     * struct page is copied.
     */
    Checkpoint checkpoint(long startPfn, long nrPages);

    /**
     * Undoes everything since {@code checkpoint} for a failure part-way (the kernel's error paths: add_memory's
     * sections removed again, online_pages' zone move undone): the range's free blocks leave the free lists,
     * sections that were absent go away, struct pages that were uninitialised are poisoned again, zones and nodes
     * get their spans and page counts back (what other code allocated meanwhile stays allocated), so
     * {@link MemoryModel#check()} holds. Telling the notifiers is the caller's.
     * A checkpoint of an earlier boot is refused with IllegalStateException.
     */
    void rollback(Checkpoint checkpoint);

    // ------------------------------------------------------------------------------------- add / remove

    /**
     * __add_pages / sparse_add_section for a section-aligned range: every section gets a memmap whose struct pages
     * are poisoned (uninitialised), is marked present and offline, records {@code nid}; {@code device} taints it
     * ZONE_DEVICE. Nothing joins a zone. Throws IllegalStateException if a section is already present.
     */
    void addPages(int nid, long startPfn, long nrPages, boolean device);

    /** __remove_pages / sparse_remove_section: the sections' memmaps go away. Every section must be offline. */
    void removePages(long startPfn, long nrPages);

    // ------------------------------------------------------------------------------------------- online

    /**
     * The vmem_altmap of a ZONE_DEVICE range whose memmap lives in the device itself: the first {@code reserve}
     * pfns from {@code basePfn} are the driver's, the next {@code free} are available for the memmap
     * ({@code alloc} of them used); device pages start at {@code basePfn + offset()}.
     */
    record Altmap(long basePfn, long endPfn, long reserve, long free, long alloc) {
        /** vmem_altmap_offset: leading pfns that are not device pages. */
        public long offset() { return reserve + free; }
    }

    /**
     * move_pfn_range_to_zone: grow the zone's and the node's spans to cover the range (an empty zone starts
     * there: init_currently_empty_zone) and initialise the struct pages with memmap_init_range in MEMINIT_HOTPLUG
     * context: __init_single_page with the zone and node links, PG_reserved when {@code reserved} (the policy of
     * the caller), pageblocks set to {@code mt} (ISOLATE when onlining). For ZONE_DEVICE only the altmap's memmap
     * pages are initialised (none without an altmap) and present/managed stay 0. PageInitHooks are told.
     */
    void movePfnRangeToZone(int nid, ZoneType zone, long startPfn, long nrPages, Altmap altmap, MigrateType mt,
                            boolean reserved);

    /** The online_page_callback_t: hands one naturally aligned chunk of 2^order pages to its owner. */
    @FunctionalInterface
    interface OnlinePageCallback {
        void onlinePage(long pfn, int order);
    }

    /**
     * online_pages_range: walk [startPfn, +nrPages) in the largest naturally aligned chunks (order = min(MAX_PAGE_ORDER,
     * alignment of the pfn)) and call {@code callback} for each. With {@code requireReservedFirstPfn} (the 2018
     * kernel) the callback is only invoked when the first pfn of the range is PG_reserved. Then marks the
     * sections online (online_mem_sections). Returns the number of pages handed to the callback.
     */
    long onlinePagesRange(long startPfn, long nrPages, OnlinePageCallback callback, boolean requireReservedFirstPfn);

    /**
     * generic_online_page: __free_pages_core (PG_reserved and refcount cleared, managed += 2^order, freed to the
     * tail of the free list of its pageblock's type, i.e. into ISOLATE lists while onlining) and totalram grows.
     */
    void genericOnlinePage(long pfn, int order);

    /**
     * The rest of online_pages after online_pages_range: present pages of zone and node grow by {@code nrPages};
     * if the zone was unpopulated its pcp lists are set up and the zonelists rebuilt (with the kernel's "Built N
     * zonelists" lines); undo_isolate_page_range to MOVABLE makes the pages allocatable; watermarks and pcp
     * high/batch are recomputed (init_per_zone_wmark_min).
     */
    void finishOnline(int nid, ZoneType zone, long startPfn, long nrPages);

    /**
     * remove_pfn_range_from_zone: poison the struct pages (they are uninitialised again) and, except for
     * ZONE_DEVICE (whose span the kernel never shrinks), shrink the zone's span to what is still online in it and
     * the node's span to its zones.
     */
    void removePfnRangeFromZone(int nid, ZoneType zone, long startPfn, long nrPages);

    // ------------------------------------------------------------------------------------------ offline

    /** drain_all_pages: every per-cpu list goes back to the buddy. */
    void drainAllPages();

    /**
     * zone_pcp_disable, before offline_pages isolates its range: the zone's pcp->high becomes 0 and batch 1 (a freed
     * page goes straight to the buddy, a refill takes one page) and every per-cpu list is drained, so no page of the
     * range can sit on a per-cpu list and be allocated after the isolation. Until {@link #zonePcpEnable}.
     */
    void zonePcpDisable(int nid, ZoneType zone);

    /** zone_pcp_enable: the zone's pcp->high and batch back to what zone_pcp_update computes. */
    void zonePcpEnable(int nid, ZoneType zone);

    /**
     * start_isolate_page_range: set every pageblock of the range to MIGRATE_ISOLATE, moving its free pages to the
     * isolate lists so nothing can allocate them. With {@code checkUnmovable} (every zone but ZONE_MOVABLE) each
     * pageblock is first checked with has_unmovable_pages: a PG_reserved page or an allocated page without PG_lru
     * fails the isolation, the blocks already isolated are restored and nothing has changed.
     */
    Isolation isolate(long startPfn, long nrPages, boolean checkUnmovable);

    /**
     * The outcome of {@link #isolate}: {@code unmovablePfn} is the page that made it fail (-1: isolated). The
     * previous migratetype of every pageblock is kept so a failed offline can restore it exactly.
     */
    record Isolation(long startPfn, long nrPages, long unmovablePfn, byte[] previousTypes) {
        public boolean ok() { return unmovablePfn < 0; }
    }

    /** undo_isolate_page_range for a failed offline: every pageblock gets its previous migratetype back. */
    void undoIsolation(Isolation iso);

    /**
     * scan_movable_pages: the first allocated block in [from, end) that can be migrated (PG_lru: allocated with
     * __GFP_MOVABLE), or -1 (ENOENT) when there is none.
     */
    long scanMovablePages(long from, long end);

    /**
     * migrate_pages for the allocated block headed at {@code pfn}: a target block of the same order (and
     * compound-ness) is allocated as alloc_migration_target does (GFP_USER|__GFP_MOVABLE|__GFP_RETRY_MAYFAIL,
     * plus __GFP_HIGHMEM for a page of ZONE_MOVABLE) on the page's node, falling back along the zonelist
     * (isolated pageblocks are never used); the contents and owner move ({@link PageMigrateHook}s are told) and
     * the old block is freed (into its isolated pageblock). {@code caller} is the stack of the target allocation.
     * Returns the new pfn, or a negative errno: -12 (ENOMEM) when no target could be allocated, -11 (EAGAIN) when
     * the page holds extra references (pinned).
     */
    long migratePage(long pfn, CallStack caller);

    /** The order of the allocated block headed at {@code pfn}, or -1 when pfn is not an allocated head. */
    int allocatedOrder(long pfn);

    /**
     * test_pages_isolated (MEMORY_OFFLINE): -1 when every page of the range is free in an isolated pageblock,
     * else the first pfn that is not.
     */
    long testPagesIsolated(long startPfn, long nrPages);

    /**
     * __offline_isolated_pages and the accounting after it: every free block of the range is taken off the buddy
     * (take_page_off_buddy), the sections are marked offline, managed and present pages of zone and node shrink by
     * {@code nrPages}; a zone left unpopulated leaves the zonelists (rebuilt, with the kernel's lines); watermarks
     * and pcp high/batch are recomputed. Returns the pages taken off the buddy.
     */
    long offlineIsolatedPages(long startPfn, long nrPages);

    // ------------------------------------------------------------------- struct pages (raw, for mm code)

    /**
     * One emulated struct page as stored: {@code flags} (PG bits, page_type bits, zone and node links; {@link
     * PageFlags#POISON} when uninitialised), {@code _refcount}, {@code private}, and the two list words
     * ({@code lru.next}/{@code lru.prev}), which ZONE_DEVICE pages use as {@code pgmap} and
     * {@code zone_device_data}. The words are given as their low 32 bits: all of an id or a zone_device_data; the
     * free-list links of buddy pages are PFNs of up to 40 bits and are not what this raw view is for.
     */
    record RawPage(boolean initialised, long flags, int refcount, int priv, int word0, int word1) {
        public int pgmap() { return word0; }
        public int zoneDeviceData() { return word1; }
        public boolean reserved() { return initialised && (flags & PageFlags.bit(PageFlags.PG_reserved)) != 0; }
    }

    RawPage readPage(long pfn);

    /** Pageblock migratetype of the pageblock holding pfn. */
    MigrateType pageblockMigratetype(long pfn);

    /** pfn_to_online_page(pfn) != NULL: the section is online and the page is not ZONE_DEVICE. */
    boolean pfnToOnlinePage(long pfn);

    /**
     * __init_single_page: the struct page is zeroed, gets the zone/node links, refcount 1, mapcount -1, an empty
     * list head (no PG_reserved).
     */
    void initSinglePage(long pfn, int nid, ZoneType zone);

    /**
     * {@link #initSinglePage} for every page of [startPfn, +nrPages): the generic memmap init pass over a run. Under
     * the compact memmap a whole section costs O(1) (docs/memmap.md).
     */
    void initSinglePages(long startPfn, long nrPages, int nid, ZoneType zone);

    /**
     * A dev_pagemap's page constructor over [startPfn, +nrPages), pages already initialised: PG_reserved set,
     * page->pgmap and page->zone_device_data stored, and the refcount set to {@code refcount}. Under the compact
     * memmap a whole section that is one struct page stays one (O(1)).
     */
    void constructDevicePages(long startPfn, long nrPages, int pgmapId, int zoneDeviceData, int refcount);

    /**
     * Writes the same struct page into [startPfn, +nrPages) field by field (the one-template memcpy/memset shape);
     * {@code value.flags()} must carry the zone/node links. Under the compact memmap a whole section costs O(1).
     */
    void writePages(long startPfn, long nrPages, RawPage value);

    void setPageReserved(long pfn);

    void setPageRefcount(long pfn, int refcount);

    /** page->pgmap (ZONE_DEVICE): the id of the dev_pagemap. */
    void setPagePgmap(long pfn, int pgmapId);

    /** page->zone_device_data (ZONE_DEVICE). */
    void setPageZoneDeviceData(long pfn, int data);

    /** set_pageblock_migratetype for pages that are not in the buddy (no free pages move). */
    void setPageblockMigratetype(long pfn, MigrateType mt);

    /**
     * dump_page: the lines the kernel prints for a page ({@code page: refcount:1 ... pfn:0x...}, {@code flags:
     * ...}, {@code page dumped because: REASON}).
     */
    List<String> dumpPage(long pfn, String reason);
}
