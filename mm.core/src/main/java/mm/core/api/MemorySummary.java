package mm.core.api;

/**
 * What a pfn range [{@link #startPfn}, {@link #endPfn}) of physical memory holds, in pages, counted from the memmap
 * ({@link MemoryModel#summarize}): every page is in exactly one of the counts {@link #noMemmap}, {@link #offline},
 * {@link #device}, {@link #uninitialised}, {@link #reserved}, {@link #allocatedByMigratetype},
 * {@link #isolatedForReporting}, {@link #freePcp} and {@link #freeByOrder}. For pictures of memory (mm:map): read
 * it, never write the arrays.
 *
 * @param noMemmap pages whose section has no memmap (holes: pfn_valid is false)
 * @param offline pages of present sections that are offline (a memory block offlined or hot-added, not onlined)
 * @param device pages of ZONE_DEVICE sections (memremap)
 * @param uninitialised struct pages never initialised (deferred, or poisoned)
 * @param reserved PG_reserved pages
 * @param allocatedByMigratetype allocated pages by their pageblock's migratetype ({@link MigrateType} ordinal)
 * @param isolatedForReporting pages of free blocks taken off the free lists by free page reporting
 * @param freePcp free pages on the per-cpu lists
 * @param freeByOrder free pages in the buddy by the order of the free block holding them (0..MAX_PAGE_ORDER)
 * @param byZone initialised pages by the zone of their struct page ({@link ZoneType} ordinal)
 * @param nid the node of the range's first initialised struct page (page_to_nid), or -1 when none is
 */
public record MemorySummary(long startPfn, long endPfn, long noMemmap, long offline, long device, long uninitialised,
                            long reserved, long[] allocatedByMigratetype, long isolatedForReporting, long freePcp,
                            long[] freeByOrder, long[] byZone, int nid) {
    public long pages() { return endPfn - startPfn; }

    public long free() {
        long n = freePcp;
        for (long f : freeByOrder) n += f;
        return n;
    }

    public long allocated() {
        long n = 0;
        for (long a : allocatedByMigratetype) n += a;
        return n;
    }

    /** The zone holding most of the initialised pages, or null when none is initialised. */
    public ZoneType mainZone() {
        int best = -1;
        for (int z = 0; z < byZone.length; z++) if (byZone[z] > 0 && (best < 0 || byZone[z] > byZone[best])) best = z;
        return best < 0 ? null : ZoneType.values()[best];
    }
}
