package mm.core.internal.mm;

import java.util.ArrayList;
import java.util.List;
import mm.core.api.MigrateType;
import mm.core.api.Mm;

/**
 * The primitives deferred init is made of (mm/mm_init.c): the free PFN ranges of a node's deferred zone
 * (for_each_free_mem_pfn_range_in_zone_from, snapshotted from memblock before it is discarded), initialising a
 * range of struct pages (deferred_init_pages), freeing a range into the buddy (deferred_free_range), the
 * first_deferred_pfn hand-over under pgdat_resize_lock, and on-demand growth (deferred_grow_zone).
 */
public final class DeferredOps {
    final Kernel k;
    final BootHooks hooks;
    /** Per node: free PFN ranges [start, end) at or above first_deferred_pfn, in address order. */
    final List<long[]>[] freeRanges;

    @SuppressWarnings("unchecked")
    DeferredOps(Kernel k, BootHooks hooks, List<List<long[]>> ranges) {
        this.k = k;
        this.hooks = hooks;
        this.freeRanges = ranges.toArray(new List[0]);
    }

    /** The zone deferred init works on: the one holding first_deferred_pfn (the node's last zone). */
    public Zone deferredZone(Node n, long firstDeferred) {
        for (Zone z : n.zones) if (z.spanned > 0 && firstDeferred < z.endPfn()) return z;
        return null;
    }

    /**
     * deferred_init_memmap's hand-over: under pgdat_resize_lock read first_deferred_pfn and set it to ULONG_MAX,
     * so a racing deferred_grow_zone sees the change and backs off. Returns the old value (NO_DEFERRED if none).
     */
    public long takeDeferred(Node n) {
        synchronized (n) {
            long first = n.firstDeferredPfn;
            n.firstDeferredPfn = Node.NO_DEFERRED;
            return first;
        }
    }

    /** deferred_pfn_valid + the node check of the two-pass era (early_pfn_in_nid). */
    public boolean pfnValidInNode(long pfn, Node n) {
        return k.mm.valid(pfn) && pfn >= n.startPfn && pfn < n.endPfn;
    }

    /** Free ranges of node {@code n} clipped to [from, zone end). */
    public List<long[]> freeRangesFrom(Node n, Zone z, long from) {
        List<long[]> out = new ArrayList<>();
        for (long[] r : freeRanges[k.nodes.indexOf(n)]) {
            long s = Math.max(r[0], from), e = Math.min(r[1], z.endPfn());
            if (s < e) out.add(new long[] {s, e});
        }
        return out;
    }

    /** deferred_init_pages: __init_single_page for [s, e) of zone z, pageblocks MOVABLE, then the init hook. */
    public void initPages(Zone z, long s, long e) {
        if (s >= e) return;
        k.mm.initRange(s, e, z.nid, z.idx, false, MigrateType.MOVABLE.ordinal());
        hooks.pagesInitialised(z, s, e);
    }

    /**
     * deferred_free_range: a whole MAX_PAGE_ORDER-aligned block goes to the buddy at once, anything else page by page
     * (__free_pages_core adds to managed). Returns pages freed.
     */
    public long freeRange(Zone z, long s, long e) {
        long pfn = s;
        while (pfn < e) {
            if ((pfn & (Mm.MAX_ORDER_NR_PAGES - 1)) == 0 && pfn + Mm.MAX_ORDER_NR_PAGES <= e) {
                z.freePagesCore(pfn, Mm.MAX_PAGE_ORDER);
                pfn += Mm.MAX_ORDER_NR_PAGES;
            } else {
                z.freePagesCore(pfn, 0);
                pfn++;
            }
        }
        return e - s;
    }

    /** Frees [s, e) in pageblock-sized chunks where aligned (the pre-2018 deferred_free_pages shape). */
    public long freeRangePageblocks(Zone z, long s, long e) {
        long pfn = s;
        while (pfn < e) {
            if ((pfn & (Mm.PAGEBLOCK_NR_PAGES - 1)) == 0 && pfn + Mm.PAGEBLOCK_NR_PAGES <= e) {
                z.freePagesCore(pfn, Mm.PAGEBLOCK_ORDER);
                pfn += Mm.PAGEBLOCK_NR_PAGES;
            } else {
                z.freePagesCore(pfn, 0);
                pfn++;
            }
        }
        return e - s;
    }

    /**
     * deferred_init_maxorder over a list of ranges starting at {@code from}: initialise up to the next MAX_PAGE_ORDER
     * boundary across ranges, then free what was initialised (the pages are still hot). Returns pages done.
     */
    public long initAndFreeMaxOrder(Zone z, List<long[]> ranges) {
        long done = 0;
        // whole MAX_PAGE_ORDER blocks are prepared while hot and listed a section at a time (they never merge, so
        // the buddy ends up as if each were freed on its own)
        long[] pending = new long[Mm.PAGES_PER_SECTION / Mm.MAX_ORDER_NR_PAGES];
        int np = 0;
        for (long[] r : ranges) {
            long pfn = r[0];
            while (pfn < r[1]) {
                if (uniformSection(z, pfn, r[1])) {
                    // compact storage: a whole never-touched section, every block free -> one uniform section
                    if (np > 0) { z.freePreparedBlocks(pending, np, Mm.MAX_PAGE_ORDER); np = 0; }
                    hooks.pagesInitialised(z, pfn, pfn + Mm.PAGES_PER_SECTION);
                    z.freeUniformSection(k.mm.section(pfn), MigrateType.MOVABLE.ordinal(), true);
                    done += Mm.PAGES_PER_SECTION;
                    pfn += Mm.PAGES_PER_SECTION;
                    continue;
                }
                long chunkEnd = Math.min(r[1], (pfn | (Mm.MAX_ORDER_NR_PAGES - 1)) + 1);
                if (chunkEnd - pfn == Mm.MAX_ORDER_NR_PAGES) {
                    // __init_single_page and __free_pages_core's per-page part in one pass (refcount 0, not 1 then 0)
                    k.mm.initRangeForFree(pfn, chunkEnd, z.nid, z.idx, MigrateType.MOVABLE.ordinal());
                    hooks.pagesInitialised(z, pfn, chunkEnd);
                    pending[np++] = pfn;
                    done += Mm.MAX_ORDER_NR_PAGES;
                    if (np == pending.length) { z.freePreparedBlocks(pending, np, Mm.MAX_PAGE_ORDER); np = 0; }
                } else {
                    initPages(z, pfn, chunkEnd);
                    done += freeRange(z, pfn, chunkEnd);
                }
                pfn = chunkEnd;
            }
        }
        if (np > 0) z.freePreparedBlocks(pending, np, Mm.MAX_PAGE_ORDER);
        if (!ranges.isEmpty()) traceDeferred(z, ranges.get(0)[0], ranges.get(ranges.size() - 1)[1], done, -1);
        return done;
    }

    /** Deferred init's progress to the tracepoint hooks (one call per chunk of work, not per page). */
    private void traceDeferred(Zone z, long start, long end, long pages, int growOrder) {
        mm.core.hook.TracepointHook[] t = k.traceHooks;
        if (t.length != 0) for (mm.core.hook.TracepointHook h : t) h.deferredInit(z.nid, z.idx, start, end, pages, growOrder);
    }

    /**
     * Under compact storage: [pfn, pfn + PAGES_PER_SECTION) is a whole section inside the free range and the zone,
     * never touched, so its pages can be initialised and freed as one uniform section.
     */
    private boolean uniformSection(Zone z, long pfn, long rangeEnd) {
        if (!k.mm.compact() || (pfn & MemmapImpl.MASK) != 0 || rangeEnd - pfn < Mm.PAGES_PER_SECTION
                || pfn + Mm.PAGES_PER_SECTION > z.endPfn()) return false;
        MemmapImpl.Section s = k.mm.section(pfn);
        return s != null && s.untouched();
    }

    /**
     * deferred_grow_zone (6.x): only for the node's last zone; under pgdat_resize_lock initialise and free
     * MAX_PAGE_ORDER chunks from first_deferred_pfn until at least ALIGN(1 << order, PAGES_PER_SECTION) pages were
     * added, stopping on a section boundary; first_deferred_pfn moves up. Returns whether the caller should retry.
     */
    public boolean growZone(Zone z, int order) {
        Node n = k.node(z.nid);
        if (z.endPfn() != n.endPfn) return false;
        long seen = n.firstDeferredPfn;
        if (seen == Node.NO_DEFERRED) return false;
        long t0 = System.nanoTime();
        synchronized (n) {
            if (!k.pageAlloc.deferredGrowEnabled) return false;
            long first = n.firstDeferredPfn;
            if (first != seen) return true;     // someone grew (or deferred init took over) meanwhile
            long needed = Mm.alignUp(1L << order, Mm.PAGES_PER_SECTION);
            List<long[]> ranges = freeRangesFrom(n, z, first);
            if (ranges.isEmpty()) {
                n.firstDeferredPfn = Node.NO_DEFERRED;
                return true;
            }
            long done = 0, pfn = first;
            outer:
            for (long[] r : ranges) {
                pfn = r[0];
                while (pfn < r[1]) {
                    long chunkStart = pfn;
                    long chunkEnd = Math.min(r[1], (pfn | (Mm.MAX_ORDER_NR_PAGES - 1)) + 1);
                    initPages(z, pfn, chunkEnd);
                    done += freeRange(z, pfn, chunkEnd);
                    pfn = chunkEnd;
                    if ((chunkStart ^ pfn) < Mm.PAGES_PER_SECTION && (pfn & (Mm.PAGES_PER_SECTION - 1)) != 0) continue;
                    if (done >= needed) break outer;
                }
            }
            // a grown range may end before the next free range: resume there
            n.firstDeferredPfn = pfn >= z.endPfn() ? Node.NO_DEFERRED : pfn;
            n.deferredPagesLeft -= done;
            n.growEvents++;
            traceDeferred(z, first, pfn, done, order);
            k.log.log(String.format(java.util.Locale.ROOT,
                    "deferred_grow_zone: node %d zone %s: initialised %d pages for an order-%d allocation, "
                            + "first_deferred_pfn now %#x (%d us)", n.nid, z.type.kernelName(), done, order,
                    n.firstDeferredPfn == Node.NO_DEFERRED ? -1 : n.firstDeferredPfn, (System.nanoTime() - t0) / 1000));
            return done > 0;
        }
    }
}
