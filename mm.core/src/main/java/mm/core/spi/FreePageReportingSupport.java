package mm.core.spi;

import java.util.List;
import mm.core.api.MigrateType;
import mm.core.api.ZoneType;
import mm.core.hook.FreeListHook;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The buddy-side primitives of free page reporting (mm/page_reporting.c lives in mm core and works on the free lists
 * directly): walking a zone's free lists, {@code __isolate_free_page} / {@code __putback_isolated_page}, the
 * {@code PageReported} flag, per-order counters and bitmap captures for the bitmap variant. Every method takes the
 * zone lock itself (the monitor is re-entrant, so a {@link FreeListHook}, which runs under it, may call them too).
 *
 * <p>A page isolated for reporting is neither free nor allocated: it is off the free lists (NR_FREE_PAGES does not
 * count it), cannot be allocated, and {@code check()} accounts it as <em>isolated</em> until it is put back.
 * Whoever isolates a block must put it back with {@link #putback}.
 */
@ProviderType
public interface FreePageReportingSupport {
    /** {@link #isolateBlock} results (an order {@code >= 0} means success). */
    int NOT_FREE = -1, ALREADY_REPORTED = -2, WATERMARK = -3, TOO_SMALL = -4;

    /**
     * A populated zone of one boot. Handles of an earlier boot stay usable but act on the discarded kernel
     * ({@link #current()} is then false), so a worker that outlives a reboot cannot corrupt the new one.
     */
    interface ZoneHandle {
        int nid();

        ZoneType type();

        long startPfn();

        /** zone_end_pfn. */
        long endPfn();

        long managedPages();

        /** NR_FREE_PAGES (pages in the buddy lists, not counting pcp lists or isolated pages). */
        long freePages();

        /** Pages isolated for reporting right now. */
        long isolatedPages();

        /** True while this handle belongs to the booted kernel. */
        boolean current();

        /** A small dense index of the zone within its boot (0..{@link #zoneSlots()}-1), for per-zone arrays. */
        int slot();
    }

    /** Visits one free block (zone lock held: do not call back into the allocator). */
    @FunctionalInterface
    interface FreeBlockVisitor {
        void visit(long pfn, int order, MigrateType mt, boolean reported);
    }

    /** True once a kernel is booted. */
    boolean booted();

    /** Increases with every boot and every change of the populated zones; older handles are stale. */
    long bootId();

    /** The populated zones of the booted kernel, node by node. */
    List<ZoneHandle> zones();

    /** Number of zone slots of the booted kernel (for arrays indexed by {@link ZoneHandle#slot()}). */
    int zoneSlots();

    /** The slot of (nid, zone) in the booted kernel, or -1 (for FreeListHook callbacks). */
    int slotOf(int nid, ZoneType zone);

    /** The zone holding pfn in the booted kernel, or null. */
    ZoneHandle zoneOfPfn(long pfn);

    /** nr_free of {@code order}: free blocks of that order, all migratetypes. */
    long nrFree(ZoneHandle z, int order);

    /** Free blocks of {@code order} on the {@code mt} list. */
    long nrFree(ZoneHandle z, int order, MigrateType mt);

    /**
     * page_reporting_process_zone's gate: zone_watermark_ok(zone, 0, low_wmark + (capacity << order)), i.e. the zone
     * has enough free memory that taking {@code capacity} blocks of {@code order} away for a report is harmless.
     */
    boolean reportingWatermarkOk(ZoneHandle z, int order, int capacity);

    /**
     * The isolation step of page_reporting_cycle: walks the (order, mt) free list from its head, skips PageReported
     * blocks, isolates up to {@code max} unreported blocks ({@code __isolate_free_page}: stops when taking one would
     * break the zone's min watermark) writing their pfns to {@code out[off..]}, then rotates the list so the first
     * block not looked at is its head (the next walk starts there). Returns the number isolated.
     */
    int isolateUnreported(ZoneHandle z, int order, MigrateType mt, long[] out, int off, int max);

    /**
     * {@code __isolate_free_page} of one known block: when {@code pfn} heads a free block of order {@code >= minOrder}
     * (not PageReported when {@code skipReported}, not in a MIGRATE_ISOLATE pageblock, watermark permitting), takes it
     * off its free list and returns its order; else {@link #NOT_FREE}, {@link #TOO_SMALL}, {@link #ALREADY_REPORTED}
     * or {@link #WATERMARK}.
     */
    int isolateBlock(ZoneHandle z, long pfn, int minOrder, boolean skipReported);

    /**
     * {@code __putback_isolated_page}: frees the isolated block back to the TAIL of its list (it may merge) without
     * notifying the free-list hooks (FPI_SKIP_REPORT_NOTIFY); when {@code reported} and the block did not merge, sets
     * PageReported on it. Returns true when the flag was set.
     *
     * @throws IllegalStateException when pfn is not a block of {@code order} isolated for reporting
     */
    boolean putback(ZoneHandle z, long pfn, int order, boolean reported);

    /** Visits every free block of order {@code >= minOrder} (all migratetypes) under the zone lock. */
    void forEachFreeBlock(ZoneHandle z, int minOrder, FreeBlockVisitor v);

    /**
     * A bitmap capture for the bitmap variant: bit {@code i} stands for the {@code 2^order}-page chunk starting at
     * {@code (startPfn aligned down to 2^order) + i * 2^order} and is set when a free block of order {@code >= order}
     * (unreported only, if asked) starts there.
     */
    long[] captureFreeBitmap(ZoneHandle z, int order, boolean unreportedOnly);

    /** Clears PageReported on every free block of the zone; returns the pages that were marked. */
    long clearReported(ZoneHandle z);

    /** Pages in free blocks marked PageReported, per order (index = order). */
    long[] reportedFreePages(ZoneHandle z);

    /** Whether {@code pfn} heads a block isolated for reporting (off the free lists until {@link #putback}). */
    boolean isIsolated(long pfn);

    /** Whether pfn heads a free block marked PageReported. */
    boolean isReported(long pfn);
}
