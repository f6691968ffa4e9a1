package mm.core.internal.mm;

import static mm.core.internal.mm.MemmapImpl.MASK;
import static mm.core.internal.mm.MemmapImpl.NONE;

import java.util.Locale;
import mm.core.api.BadPageException;
import mm.core.api.CallStack;
import mm.core.api.Gfp;
import mm.core.api.MigrateType;
import mm.core.api.Mm;
import mm.core.api.PageFlags;
import mm.core.api.PageState;
import mm.core.api.Task;
import mm.core.api.ZoneType;
import mm.core.hook.FreeListTakeHook;
import mm.core.hook.PageAllocHook;
import mm.core.hook.PageSplitHook;

/**
 * mm/page_alloc.c of one booted kernel: alloc_pages / __free_pages with the per-cpu lists (rmqueue, rmqueue_pcplist,
 * free_unref_page, free_pcppages_bulk, drain_all_pages), split_page, zone_pcp_update and free_reserved_area. The
 * buddy free lists themselves (__free_one_page, __rmqueue, expand) are {@link Zone}'s, under zone->lock.
 */
public final class PageAlloc {
    /** Allocated-block markers in the link words of allocated pages (free pages use them as list links). */
    static final int ALLOC_HEAD = -2, ALLOC_TAIL = -3, ON_PCP = -4;
    /** Head of a block isolated for free page reporting (lru.next holds its order): neither free nor allocated. */
    static final int ISOLATED = -5;
    static final long LRU = PageFlags.bit(PageFlags.PG_lru);
    static final long HEAD = PageFlags.bit(PageFlags.PG_head);

    private final Kernel k;
    private final MemmapImpl mm;
    private final Cpus cpus;
    private final Zonelists zonelists;
    volatile PageAllocHook[] allocHooks = new PageAllocHook[0];
    volatile PageSplitHook[] splitHooks = new PageSplitHook[0];
    /** Told when memory leaves the buddy lists for an allocation (rmqueue_buddy, rmqueue_bulk), never on pcp hits. */
    volatile FreeListTakeHook[] takeHooks = new FreeListTakeHook[0];
    /** The deferred_pages static key: on-demand growth allowed until page_alloc_init_late switches it off. */
    volatile boolean deferredGrowEnabled;
    /** Serves deferred_grow_zone; set by memblock_free_all when deferred init is on. */
    volatile DeferredGrower grower;

    /** deferred_grow_zone as a callback so the deferred-init code stays in one place (mm_init.c). */
    interface DeferredGrower {
        boolean grow(Zone zone, int order);
    }

    PageAlloc(Kernel k) {
        this.k = k;
        this.mm = k.mm;
        this.cpus = k.cpus;
        this.zonelists = k.zonelists;
    }

    // ------------------------------------------------------------------------------------------------ allocation

    /**
     * alloc_pages_node(nid, gfp, order) with a caller tag; -1 on failure. The fast path (first zone that passes the
     * low watermark) is kept small so the JIT inlines it; the min-watermark retry, deferred growth and the failure
     * report are in {@link #allocSlowpath}.
     */
    public long alloc(int order, int gfp, int nid, CallStack caller) {
        if (order < 0 || order > Mm.MAX_PAGE_ORDER) throw invalidOrder(order);
        int cpu = cpus.cpu();
        if (nid < 0) {
            // alloc_pages: the task's policy; the boot tasks' is MPOL_INTERLEAVE until numa_default_policy
            if (k.bootInterleave) return allocInterleave(order, gfp, k.interleaveNid(), caller);
            nid = cpus.cpuNode[cpu];
        }
        int zoneMt = ZONE_AND_MT[gfp & GFP_ZONE_MT_BITS];
        int high = zoneMt >>> 4, mt = zoneMt & 15;
        Zone[][] lists = (gfp & Gfp.__GFP_THISNODE) != 0 ? zonelists.thisNodeByNid : zonelists.byNid;
        Zone[] zl;
        if (nid >= lists.length >>> Zonelists.SHIFT || (zl = lists[nid << Zonelists.SHIFT | high]) == null)
            throw new IllegalArgumentException("no node " + nid + " on this machine");
        long pfn = getPageFromFreelist(zl, order, mt, high, true, cpu);
        if (pfn < 0 && (pfn = allocSlowpath(zl, order, gfp, mt, high, cpu)) < 0) return -1;
        prepNewPage(pfn, order, gfp);
        PageAllocHook[] hooks = allocHooks;
        if (hooks.length != 0) postAlloc(hooks, pfn, order, gfp, caller);
        return pfn;
    }

    /**
     * alloc_pages_mpol under MPOL_INTERLEAVE, the interleave having chosen {@code nid}: the allocation, then
     * NUMA_INTERLEAVE_HIT on the page's zone when the page is on that node (not the fast path: boot tasks only).
     */
    public long allocInterleave(int order, int gfp, int nid, CallStack caller) {
        long pfn = alloc(order, gfp, nid, caller);
        if (pfn >= 0) {
            Zone z = k.pageZone(mm.f(pfn));
            if (z.nid == nid) synchronized (z) { z.events[VmStat.NUMA_INTERLEAVE]++; }
        }
        return pfn;
    }

    /** gfp_zone() and gfp_migratetype() of the five GFP bits they read, as one table lookup (like GFP_ZONE_TABLE). */
    private static final int GFP_ZONE_MT_BITS = Gfp.__GFP_DMA | Gfp.__GFP_HIGHMEM | Gfp.__GFP_DMA32 | Gfp.__GFP_MOVABLE
            | Gfp.__GFP_RECLAIMABLE;
    private static final int[] ZONE_AND_MT = new int[GFP_ZONE_MT_BITS + 1];
    static {
        for (int g = 0; g <= GFP_ZONE_MT_BITS; g++)
            ZONE_AND_MT[g] = Gfp.highestZone(g).ordinal() << 4 | Gfp.migratetype(g).ordinal();
    }

    static IllegalArgumentException invalidOrder(int order) {
        return new IllegalArgumentException("invalid order " + order + " (orders are 0.." + Mm.MAX_PAGE_ORDER + ")");
    }

    /** __alloc_pages_slowpath as far as boot needs it: the min watermark, then deferred_grow_zone (seed 001). */
    private long allocSlowpath(Zone[] zl, int order, int gfp, int mt, int high, int cpu) {
        long pfn = getPageFromFreelist(zl, order, mt, high, false, cpu);
        // deferred_grow_zone: while the static key is on, grow the node's last zone and retry (seed 001)
        while (pfn < 0 && deferredGrowEnabled) {
            boolean grew = false;
            DeferredGrower g = grower;
            for (Zone z : zl) if (g != null && g.grow(z, order)) { grew = true; break; }
            if (!grew) break;
            pfn = getPageFromFreelist(zl, order, mt, high, false, cpu);
        }
        if (pfn < 0 && (gfp & Gfp.__GFP_NOWARN) == 0) {
            Task t = cpus.currentTask();
            k.log.log(String.format(Locale.ROOT, "%s: page allocation failure: order:%d, mode:%s, nodemask=(null)",
                    t.comm(), order, Gfp.format(gfp)));
        }
        return pfn;
    }

    private void postAlloc(PageAllocHook[] hooks, long pfn, int order, int gfp, CallStack caller) {
        Task t = cpus.currentTask();
        long ts = k.clock.incrementAndGet();
        for (PageAllocHook h : hooks) h.postAlloc(pfn, order, gfp, caller, t, ts);
    }

    /**
     * get_page_from_freelist: the first zone of the zonelist that passes the watermark. A block taken counts
     * zone_statistics' events (numa_hit or numa_miss on the zone, numa_foreign on the preferred zone, numa_local or
     * numa_other by the allocating CPU's node) and PGALLOC, under the lock that already guards the take.
     */
    private long getPageFromFreelist(Zone[] zl, int order, int mt, int highIdx, boolean lowMark, int cpu) {
        if (zl.length == 0) return -1;
        int preferredNid = zl[0].nid, localNid = cpus.cpuNode[cpu];
        boolean allocCma = mt == Zone.MT_MOVABLE;
        for (Zone z : zl) {
            if (z.managed == 0) continue;
            // below the high watermark? ZONE_BELOW_HIGH makes the pagesets shrink on frees (nr_pcp_high); above
            // it the allocation watermark, which is lower, passes too
            boolean ok = !z.belowHigh && z.watermarkOk(order, z.wmarkHigh, highIdx, allocCma);
            if (!ok) {
                if (!z.belowHigh) z.belowHigh = true;
                if (!z.watermarkOk(order, lowMark ? z.wmarkLow : z.wmarkMin, highIdx, allocCma)) continue;
            }
            int remote = (z.nid != preferredNid ? REMOTE_MISS : 0) | (z.nid != localNid ? REMOTE_OTHER : 0);
            long pfn = order == 0 ? rmqueuePcp(z, mt, cpu, remote) : rmqueueBuddy(z, order, mt, remote);
            if (pfn >= 0) {
                if ((remote & REMOTE_MISS) != 0) countForeign(zl[0]);
                return pfn;
            }
        }
        return -1;
    }

    /** numa_foreign: counted on the preferred zone when the block came from another node (not the fast path). */
    private static void countForeign(Zone preferred) {
        synchronized (preferred) { preferred.events[VmStat.NUMA_FOREIGN]++; }
    }

    /** zone_statistics' verdict on a zone, as bits: on another node than the preferred zone, than the CPU. */
    static final int REMOTE_MISS = 1, REMOTE_OTHER = 2;

    /** rmqueue_buddy: one block from the free lists under zone->lock; zone_statistics counts it, the take hooks see it. */
    private long rmqueueBuddy(Zone z, int order, int mt, int remote) {
        synchronized (z) {
            long pfn = z.rmqueueLocked(order, mt);
            if (pfn >= 0) {
                long[] e = z.events;
                e[(remote & REMOTE_MISS) != 0 ? VmStat.NUMA_MISS : VmStat.NUMA_HIT]++;
                e[(remote & REMOTE_OTHER) != 0 ? VmStat.NUMA_OTHER : VmStat.NUMA_LOCAL]++;
                e[VmStat.PGALLOC] += 1L << order;
                FreeListTakeHook[] hooks = takeHooks;
                if (hooks.length != 0) for (FreeListTakeHook h : hooks) h.onTake(pfn, 1L << order, order);
            }
            return pfn;
        }
    }

    /** The NUMA events of a block that came from another node (pcp->lock held; not the common case). */
    private static void countRemote(Zone.Pcp p, int remote) {
        if ((remote & REMOTE_MISS) != 0) p.misses++;
        if ((remote & REMOTE_OTHER) != 0) p.others++;
    }

    /**
     * rmqueue_pcplist: pop the hottest page; refill a batch under zone->lock when empty. When the pcp lock is taken
     * (a drain from another thread, or two threads on one emulated CPU) rmqueue takes the page from the buddy.
     */
    private long rmqueuePcp(Zone z, int mt, int cpu, int remote) {
        Zone.Pcp p = z.pcp(cpu);
        if (!p.tryLock()) return rmqueueBuddy(z, 0, mt, remote);
        p.freeCount >>= 1; // an allocation ends a run of frees (nr_pcp_free frees less at a time again)
        long[] l = p.list(mt);
        int c = (int) l[0];
        if (c == 0) return refillPopAndUnlock(z, p, mt, remote);
        long pfn = l[c];
        l[0] = c - 1;
        p.count--;
        p.allocs++;
        if (remote != 0) countRemote(p, remote);
        p.unlock();
        return pfn;
    }

    /** rmqueue_bulk of nr_pcp_alloc's count into an empty pcp list, then pop; -1 when the zone has nothing of the type either. */
    private long refillPopAndUnlock(Zone z, Zone.Pcp p, int mt, int remote) {
        try {
            int n = nrPcpAlloc(z, p);
            synchronized (z) {
                for (int i = 0; i < n; i++) {
                    long pfn = z.rmqueueLocked(0, mt);
                    if (pfn < 0) break;
                    // rmqueue_bulk keeps allocation order: the first page taken ends up on top
                    p.push(mt, pfn);
                    mm.setPrev(pfn, ON_PCP);
                }
                reverseTop(p, mt);
                FreeListTakeHook[] hooks = takeHooks;
                if (hooks.length != 0) tellTaken(hooks, p.list(mt));
            }
            long[] l = p.list(mt);
            int c = (int) l[0];
            if (c == 0) return -1;
            l[0] = c - 1;
            p.count--;
            p.allocs++;
            if (remote != 0) countRemote(p, remote);
            return l[c];
        } finally {
            p.unlock();
        }
    }

    /**
     * The pages rmqueue_bulk just put on an empty pcp list ({@code l[1..l[0]]}), to the take hooks: one call per run
     * of consecutive pfns (a refill usually splits one larger block, so a batch is one or a few runs).
     */
    private static void tellTaken(FreeListTakeHook[] hooks, long[] l) {
        int c = (int) l[0];
        for (int i = 1; i <= c; ) {
            long lo = l[i], hi = lo;
            int j = i + 1;
            // runs in either direction (reverseTop leaves the first page taken on top)
            while (j <= c && (l[j] == hi + 1 || l[j] == lo - 1)) {
                if (l[j] == hi + 1) hi++; else lo--;
                j++;
            }
            for (FreeListTakeHook h : hooks) h.onTake(lo, hi - lo + 1, 0);
            i = j;
        }
    }

    private static void reverseTop(Zone.Pcp p, int mt) {
        long[] l = p.list(mt);
        for (int i = 1, j = (int) l[0]; i < j; i++, j--) { long t = l[i]; l[i] = l[j]; l[j] = t; }
    }

    /** prep_new_page + the allocated-block markers: head refcount 1, tails marked, compound if __GFP_COMP. */
    private void prepNewPage(long pfn, int order, int gfp) {
        MemmapImpl.Section s = mm.section(pfn);
        int i = (int) (pfn & MASK);
        s.refcount[i] = 1;
        s.setSmallLinks(i, ALLOC_HEAD, order);
        s.setPriv(i, 0);
        long f = s.flags[i] & ~(Zone.REPORTED);
        if ((gfp & Gfp.__GFP_MOVABLE) != 0) f |= LRU;
        if (order == 0) { s.flags[i] = f; return; }
        if ((gfp & Gfp.__GFP_COMP) != 0) f |= HEAD;
        s.flags[i] = f;
        markTails(s, pfn, order);
    }

    /** Every tail page of the block: lru (ALLOC_TAIL, head), private 0; a section's run at a time. */
    private void markTails(MemmapImpl.Section s, long pfn, int order) {
        long end = pfn + (1L << order);
        for (long p = pfn + 1; p < end; ) {
            MemmapImpl.Section t = (p & MASK) == 0 ? mm.section(p) : s;
            int a = (int) (p & MASK), b = (int) Math.min(Mm.PAGES_PER_SECTION, a + (end - p));
            t.setLinksRange(a, b, ALLOC_TAIL, pfn);
            t.clearPriv(a, b);
            p += b - a;
        }
    }

    // ------------------------------------------------------------------------------------------------ freeing

    /** __free_pages: validates like free_pages_prepare's bad_page checks, then frees (pcp for order 0). */
    public void free(long pfn, int order) { free(pfn, order, null); }

    public void free(long pfn, int order, CallStack caller) { free(pfn, order, caller, false); }

    /**
     * __free_pages_ok(page, order, FPI_TO_TAIL): checked and hooked like any free, then straight into the buddy at
     * the tail of its free list, never through the per-cpu lists (make_alloc_exact frees its tail pages so).
     */
    public void freePagesOkToTail(long pfn, int order, CallStack caller) { free(pfn, order, caller, true); }

    private void free(long pfn, int order, CallStack caller, boolean okToTail) {
        if (order < 0 || order > Mm.MAX_PAGE_ORDER) throw invalidOrder(order);
        MemmapImpl.Section s = mm.section(pfn);
        int i = (int) (pfn & MASK);
        long f, head = MemmapImpl.links(ALLOC_HEAD, order);
        if (s == null || ((f = s.flags[i]) & (MemmapImpl.INIT | Zone.BUDDY | Zone.RESERVED)) != MemmapImpl.INIT
                || s.lruWord(i) != head || s.refcount[i] != 1)
            throw badFree(pfn, order, s, i);
        // claim the block (put_page_testzero): of two racing frees of one page only one gets past this
        if (!s.casLinks(i, head, MemmapImpl.links(NONE, NONE)))
            throw new BadPageException(pfn, "double free: page was freed concurrently (refcount " + s.refcount[i] + ")");
        s.refcount[i] = 0;
        PageAllocHook[] hooks = allocHooks;
        if (hooks.length != 0) preFree(hooks, pfn, order, caller);
        s.flags[i] = f & ~(LRU | HEAD | Zone.REPORTED);
        if (order != 0) clearTails(pfn, order);
        int mt = s.pageblockMt[i >>> Mm.PAGEBLOCK_ORDER];
        // free_unref_page: a page of a HighAtomic or CMA pageblock goes on the movable list (its pageblock's list
        // again when the pcp drains); an isolated one straight to the buddy
        if (mt > Zone.MT_RECLAIMABLE && mt != Zone.MT_ISOLATE) mt = Zone.MT_MOVABLE;
        Zone z = k.pageZone(f);
        if (okToTail) freeOne(z, pfn, order, true);
        else if (order != 0 || mt >= MigrateType.PCPTYPES || !freeToPcp(z, s, i, pfn, mt)) freeOne(z, pfn, order, false);
    }

    private void preFree(PageAllocHook[] hooks, long pfn, int order, CallStack caller) {
        Task t = cpus.currentTask();
        long ts = k.clock.incrementAndGet();
        for (PageAllocHook h : hooks) h.preFree(pfn, order, caller, t, ts);
    }

    private void clearTails(long pfn, int order) {
        for (long p = pfn + 1; p < pfn + (1L << order); p++) mm.sectionOrThrow(p).setSmallLinks((int) (p & MASK), NONE, NONE);
    }

    /**
     * free_one_page: the pageblock's migratetype is read again under the zone lock (as 6.12 does): a pageblock isolated
     * since the caller looked (hotplug offline) gets the page on its MIGRATE_ISOLATE list, never on the list the
     * caller saw, which offline would then take apart from the wrong list. At the list's tail for FPI_TO_TAIL.
     */
    private void freeOne(Zone z, long pfn, int order, boolean toTail) {
        synchronized (z) {
            z.events[VmStat.PGFREE] += 1L << order;
            z.freeOneLocked(pfn, order, mm.pageblockMt(pfn), toTail, true);
        }
    }

    /** The bad_page report for a free that failed the fast checks, in free_pages_prepare's order. */
    private BadPageException badFree(long pfn, int order, MemmapImpl.Section s, int i) {
        if (s == null) return new BadPageException(pfn, "pfn outside the machine's memory (no struct page)");
        long f = s.flags[i];
        if ((f & MemmapImpl.INIT) == 0)
            return new BadPageException(pfn, "struct page is not initialised (deferred or never initialised)");
        BadPageException bad = validateFree(pfn, order, s, i, f);
        return bad != null ? bad : new BadPageException(pfn, "page changed while it was being freed (" + describe(pfn) + ")");
    }

    /** free_pages_prepare's bad_page checks: the reason a free is refused, or null. */
    private BadPageException validateFree(long pfn, int order, MemmapImpl.Section s, int i, long f) {
        if ((f & Zone.BUDDY) != 0)
            return new BadPageException(pfn, "double free: page is already free (PageBuddy, order " + s.priv(i) + ")");
        if ((f & Zone.RESERVED) != 0)
            return new BadPageException(pfn, "PG_reserved is set (" + PageFlags.names(f & ~MemmapImpl.INIT)
                    + "): reserved pages are never freed with __free_pages");
        if (s.prev(i) == ON_PCP)
            return new BadPageException(pfn, "double free: page is free on a per-cpu list (refcount 0)");
        if (s.prev(i) == ALLOC_TAIL)
            return new BadPageException(pfn, String.format(Locale.ROOT,
                    "tail page: it belongs to the block allocated at pfn %#x, free that head instead", s.next(i)));
        if (s.prev(i) != ALLOC_HEAD)
            return new BadPageException(pfn, "page is not allocated (refcount " + s.refcount[i] + ", flags "
                    + PageFlags.names(f & ~MemmapImpl.INIT) + ")");
        if (s.next(i) != order)
            return new BadPageException(pfn, "freed with order " + order + " but allocated with order " + s.next(i));
        if (s.refcount[i] != 1)
            return new BadPageException(pfn, "nonzero refcount after put: refcount " + s.refcount[i]);
        return null;
    }

    /**
     * free_unref_page: push on the pcp list; above pcp->high return a batch to the buddy. False when the pcp lock
     * is busy: the caller then frees straight to the buddy (free_one_page), as 6.x does.
     */
    private boolean freeToPcp(Zone z, MemmapImpl.Section s, int i, long pfn, int mt) {
        Zone.Pcp p = z.pcp(cpus.cpu());
        if (!p.tryLock()) return false;
        long[] l = p.list(mt);
        int c = (int) l[0] + 1;
        if (c == l.length) l = p.grow(mt);
        l[c] = pfn; // Pcp.push, kept inline: this is the free fast path
        l[0] = c;
        s.setSmallLinks(i, ON_PCP, NONE);
        p.frees++;
        p.count++;
        // free_unref_page_commit: a free halves the refill scaling; an order-0 free clears PCPF_PREV_FREE_HIGH_ORDER
        // (never set here: see Zone.Pcp); free_count counts the run of frees up to batch << PCP_BATCH_SCALE_MAX
        p.allocFactor >>= 1;
        int batch = p.batch;
        if (p.freeCount < batch << PCP_BATCH_SCALE_MAX) p.freeCount++;
        int high = nrPcpHigh(z, p, batch);
        if (p.count >= high) drainAndUnlock(z, p, nrPcpFree(p, batch, high), mt);
        else p.unlock();
        return true;
    }

    private void drainAndUnlock(Zone z, Zone.Pcp p, int n, int mt) {
        try {
            drainPcpLocked(z, p, n, mt);
        } finally {
            p.unlock();
        }
        // the drain may have lifted the zone over its high watermark again (zone_watermark_ok at ZONE_MOVABLE,
        // without ALLOC_CMA)
        if (z.belowHigh && z.watermarkOk(0, z.wmarkHigh, ZONE_MOVABLE, false)) z.belowHigh = false;
    }

    // ------------------------------------------------------------------ pcp high auto-tuning (6.7+, 6.12's rules)

    /** CONFIG_PCP_BATCH_SCALE_MAX: refills and free runs scale up to batch << 5. */
    static final int PCP_BATCH_SCALE_MAX = 5;
    /** MIN_PERCPU_PAGELIST_HIGH_FRACTION: high_max is managed / 8 split over the node's CPUs. */
    static final int MIN_PERCPU_PAGELIST_HIGH_FRACTION = 8;
    private static final int ZONE_MOVABLE = ZoneType.MOVABLE.ordinal();

    /** clamp(): min(max(v, lo), hi), as the kernel's macro (hi wins should lo exceed it). */
    private static int clamp(int v, int lo, int hi) { return Math.min(Math.max(v, lo), hi); }

    /**
     * nr_pcp_alloc for order 0 (pcp->lock held): how many pages rmqueue_bulk takes into an empty list. pcp->high
     * is clamped into [high_min, high_max] and, unless the zone is below its high watermark, grows by the refill
     * (a CPU that keeps refilling would rather hold more); the refill doubles with each refill without a free in
     * between (alloc_factor), but leaves room for a batch of frees under high.
     */
    static int nrPcpAlloc(Zone z, Zone.Pcp p) {
        int base = p.batch, lo = p.highMin, hi = p.highMax;
        int high = p.high = clamp(p.high, lo, hi);
        if (high < base) return 1; // pcp disabled, or the boot pageset
        int batch = base << p.allocFactor;
        if (lo != hi && !z.belowHigh) high = p.high = Math.min(high + batch, hi);
        int maxNrAlloc = Math.max(high - p.count - base, base);
        if (batch <= maxNrAlloc && p.allocFactor < PCP_BATCH_SCALE_MAX) p.allocFactor++;
        return Math.min(batch, maxNrAlloc); // order 0: no scaling by order
    }

    /**
     * nr_pcp_high (pcp->lock held, free_high false): the count at which a free drains. pcp->high is clamped into
     * [high_min, high_max]; a zone below its high watermark shrinks it by the run of frees (the list drains down
     * towards high_min), otherwise a list that fills up raises it to hold the run of frees plus a batch.
     */
    static int nrPcpHigh(Zone z, Zone.Pcp p, int batch) {
        int lo = p.highMin, hi = p.highMax;
        int high = p.high = clamp(p.high, lo, hi);
        if (high == 0) return 0;
        if (lo == hi) return high;
        if (z.belowHigh) {
            p.high = Math.max(high - Math.max(p.freeCount, batch), lo);
            return Math.max(p.count, lo);
        }
        if (p.count >= high) {
            int needHigh = p.freeCount + batch;
            if (p.high < needHigh) p.high = clamp(needHigh, lo, hi);
        }
        return high;
    }

    /** nr_pcp_free (free_high false): the run of frees, at least a batch, leaving at least a batch on the list. */
    static int nrPcpFree(Zone.Pcp p, int batch, int high) {
        if (high < batch) return 1;
        return clamp(p.freeCount, batch, high - batch);
    }

    /**
     * decay_pcp_high (the pageset unlocked by the caller's view: it takes pcp->lock): every second vmstat_update
     * lowers pcp->high by an eighth towards high_min, by no more than batch << PCP_BATCH_SCALE_MAX below the count,
     * and gives what the list holds above it back to the buddy. True while there is more to do.
     */
    boolean decayPcpHigh(Zone z, Zone.Pcp p) {
        p.lock();
        try {
            boolean todo = false;
            int lo = p.highMin, batch = p.batch;
            if (p.high > lo) {
                p.high = Math.max(Math.max(p.count - (batch << PCP_BATCH_SCALE_MAX), p.high - (p.high >> 3)), lo);
                if (p.high > lo) todo = true;
            }
            int toDrain = p.count - p.high;
            if (toDrain > 0) {
                drainPcpLocked(z, p, toDrain, 0);
                todo = true;
            }
            return todo;
        } finally {
            p.unlock();
        }
    }

    /**
     * refresh_cpu_vm_stats(do_pagesets) of every CPU: decay_pcp_high on each of its pagesets (vmstat_update runs
     * on every CPU each second, sysctl_stat_interval). True while some pageset has more to do.
     */
    boolean refreshCpuVmStats() {
        boolean[] todo = {false};
        for (Node n : k.nodes) for (Zone z : n.zones) z.forEachPcp((cpu, p) -> { if (decayPcpHigh(z, p)) todo[0] = true; });
        return todo[0];
    }

    /**
     * free_pcppages_bulk (6.x): return up to {@code n} pages to the buddy, starting with list {@code pindex} (the
     * requested list is drained first) and emptying each list, oldest page first, before moving on to the next
     * (kernels before 5.14 took one page from each list in turn).
     */
    void drainPcpLocked(Zone z, Zone.Pcp p, int n, int pindex) {
        pindex--;
        synchronized (z) {
            while (n > 0 && p.count > 0) {
                do { if (++pindex >= MigrateType.PCPTYPES) pindex = 0; } while (p.size(pindex) == 0);
                long[] l = p.list(pindex);
                int take = (int) Math.min(n, l[0]);
                mm.core.hook.TracepointHook[] t = z.traceHooks;
                for (int k = 1; k <= take; k++) {
                    long pfn = l[k];
                    mm.setPrev(pfn, NONE);
                    int mt = mm.pageblockMt(pfn);
                    z.freeOneLocked(pfn, 0, mt, false, true);
                    // trace_mm_page_pcpu_drain(page, order, mt) after __free_one_page, as free_pcppages_bulk does
                    if (t.length != 0) for (mm.core.hook.TracepointHook h : t) h.pcpuDrain(pfn, 0, mt);
                }
                p.removeOldest(pindex, take);
                n -= take;
            }
        }
    }

    /** drain_all_pages: empty every pcp list (before checks, offlining, reporting hand-over). */
    public void drainAllPages() {
        for (Node n : k.nodes) {
            for (Zone z : n.zones) {
                z.forEachPcp((cpu, p) -> {
                    p.lock();
                    try { drainPcpLocked(z, p, Integer.MAX_VALUE, 0); } finally { p.unlock(); }
                });
            }
        }
    }

    /** Pages on the per-cpu lists of a zone. */
    public long pcpPages(Zone z) {
        long[] n = {0};
        z.forEachPcp((cpu, p) -> {
            p.lock();
            try { n[0] += p.count; } finally { p.unlock(); }
        });
        return n[0];
    }

    /** split_page: every page of the allocated block becomes an order-0 allocation with refcount 1. */
    public void split(long pfn, int order) {
        if (order < 0 || order > Mm.MAX_PAGE_ORDER) throw new IllegalArgumentException("invalid order " + order);
        MemmapImpl.Section s = mm.section(pfn);
        if (s == null) throw new BadPageException(pfn, "pfn outside the machine's memory (no struct page)");
        Zone z = k.pageZone(mm.flags(pfn) | MemmapImpl.INIT);
        synchronized (z) {
            int i = (int) (pfn & MASK);
            if (s.prev(i) != ALLOC_HEAD || s.next(i) != order)
                throw new BadPageException(pfn, "split_page of a block that is not an allocated order-" + order + " head ("
                        + describe(pfn) + ")");
            if ((s.flags[i] & HEAD) != 0) throw new BadPageException(pfn, "split_page of a compound page");
            long lru = s.flags[i] & LRU, end = pfn + (1L << order);
            // a section's run at a time: the links, refcounts and PG_lru of every page
            for (long p = pfn; p < end; ) {
                MemmapImpl.Section t = mm.section(p);
                int a = (int) (p & MASK), b = (int) Math.min(Mm.PAGES_PER_SECTION, a + (end - p));
                t.setSmallLinksRange(a, b, ALLOC_HEAD, 0);
                java.util.Arrays.fill(t.refcount, a, b, 1);
                long[] fl = t.flags;
                for (int j = p == pfn ? a + 1 : a; j < b; j++) fl[j] = (fl[j] & ~LRU) | lru;
                p += b - a;
            }
        }
        for (mm.core.hook.PageSplitHook h : splitHooks) h.onSplit(pfn, order);
    }

    /**
     * make_alloc_exact: split_page, then __free_pages_ok(page, 0, FPI_TO_TAIL) for every page past {@code nrPages}.
     * Those order-0 frees, one after the other at the list tails, leave the buddy as freeing the run's largest aligned
     * blocks in address order does (each merges with what is free around it, and lands at its list's tail when it
     * is complete), so the run is freed so: O(blocks) instead of a merge walk per page.
     */
    public void makeAllocExact(long pfn, int order, long nrPages, CallStack caller) {
        if (order < 0 || order > Mm.MAX_PAGE_ORDER) throw invalidOrder(order);
        if (nrPages < 1 || nrPages > 1L << order)
            throw new IllegalArgumentException("make_alloc_exact: " + nrPages + " pages of an order-" + order + " block");
        split(pfn, order);
        long from = pfn + nrPages, end = pfn + (1L << order);
        if (from == end) return;
        for (long p = from; p < end; p++) {
            MemmapImpl.Section s = mm.section(p);
            int i = (int) (p & MASK);
            if (s.prev(i) != ALLOC_HEAD || s.next(i) != 0 || s.refcount[i] != 1)
                throw new BadPageException(p, "make_alloc_exact: page changed after split_page (" + describe(p) + ")");
        }
        PageAllocHook[] hooks = allocHooks;
        if (hooks.length != 0) {
            Task t = cpus.currentTask();
            long ts = k.clock.incrementAndGet();
            for (PageAllocHook h : hooks) h.preFreeRun(from, end - from, caller, t, ts);
        }
        Zone z = k.pageZone(mm.flags(pfn) | MemmapImpl.INIT);
        synchronized (z) {
            for (long p = from; p < end; p++) {
                MemmapImpl.Section s = mm.section(p);
                int i = (int) (p & MASK);
                s.own();
                s.refcount[i] = 0;
                s.setSmallLinks(i, NONE, NONE);
                s.flags[i] &= ~(LRU | HEAD | Zone.REPORTED);
            }
            z.events[VmStat.PGFREE] += end - from;
            for (long p = from; p < end; ) {
                int o = Math.min(Long.numberOfTrailingZeros(p), 63 - Long.numberOfLeadingZeros(end - p));
                z.freeOneLocked(p, o, mm.pageblockMt(p), true, true);
                p += 1L << o;
            }
        }
    }

    /** The order of the allocated block headed at pfn, or -1. */
    public int allocatedOrder(long pfn) {
        MemmapImpl.Section s = mm.section(pfn);
        if (s == null) return -1;
        int i = (int) (pfn & MASK);
        return s.prev(i) == ALLOC_HEAD ? (int) s.next(i) : -1;
    }


    /** What pfn is to the allocator, for mm:page, the checker and error messages (no object per call but the enum). */
    PageState pageState(long pfn) {
        MemmapImpl.Section s = mm.section(pfn);
        if (s == null) return PageState.INVALID;
        int i = (int) (pfn & MASK);
        long f = s.flags[i];
        if ((f & MemmapImpl.INIT) == 0) return PageState.UNINITIALISED;
        if ((f & Zone.BUDDY) != 0) return PageState.FREE_BUDDY;
        if (s.prev(i) == ON_PCP) return PageState.FREE_PCP;
        if (s.prev(i) == ISOLATED) return PageState.ISOLATED_FOR_REPORTING;
        if ((f & Zone.RESERVED) != 0) return PageState.RESERVED;
        if (s.prev(i) == ALLOC_HEAD) return PageState.ALLOCATED_HEAD;
        if (s.prev(i) == ALLOC_TAIL) return PageState.ALLOCATED_TAIL;
        if (s.refcount[i] == 0 && freeBlockHead(pfn) >= 0) return PageState.FREE_INSIDE_BUDDY_BLOCK;
        return PageState.ALLOCATED;
    }

    /**
     * The head of the free buddy block pfn lies inside, or -1: only the block's head is PageBuddy
     * (page_is_buddy / find_buddy_page_pfn).
     */
    private long freeBlockHead(long pfn) {
        for (int o = 1; o <= Mm.MAX_PAGE_ORDER; o++) {
            long head = pfn & -(1L << o);
            MemmapImpl.Section hs = mm.section(head);
            if (hs == null) break;
            int hi = (int) (head & MASK);
            if ((hs.flags[hi] & (MemmapImpl.INIT | Zone.BUDDY)) == (MemmapImpl.INIT | Zone.BUDDY) && hs.priv(hi) >= o)
                return head;
        }
        return -1;
    }

    /** {@link #pageState} in words, with the order / head it refers to (mm:page's State line). */
    String describe(long pfn) {
        PageState st = pageState(pfn);
        return switch (st) {
            case INVALID -> "invalid";
            case UNINITIALISED -> "uninitialised";
            case FREE_BUDDY -> "free (buddy, order " + mm.priv(pfn) + ")";
            case FREE_PCP -> "free (per-cpu list)";
            case ISOLATED_FOR_REPORTING -> "isolated for reporting (order " + mm.next(pfn) + ")";
            case RESERVED -> "reserved";
            case ALLOCATED_HEAD -> "allocated (head, order " + mm.next(pfn) + ")";
            case ALLOCATED_TAIL -> String.format(Locale.ROOT, "allocated (tail of %#x)", mm.next(pfn));
            case FREE_INSIDE_BUDDY_BLOCK -> {
                long head = freeBlockHead(pfn);
                yield String.format(Locale.ROOT, "free (buddy, inside the order-%d block at %#x)", mm.priv(head), head);
            }
            case ALLOCATED -> "allocated";
        };
    }

    // ------------------------------------------------------------------------------------- per-cpu pagesets

    /**
     * The boot pagesets build_all_zonelists_init gives every zone (pcp->high 0, batch 1) before the real ones; a
     * CPU's pageset of a zone is created when the CPU first uses the zone.
     */
    void bootPagesets(mm.core.hook.FreeListHook[] freeHooks) {
        for (Node n : k.nodes) for (Zone z : n.zones) {
            z.initPagesets(cpus.count(), 0, 0, 1);
            z.freeHooks = freeHooks;
            z.traceHooks = k.traceHooks;
        }
    }

    /**
     * The zone's event counters (VmStat event indexes): the zone's own plus every pageset's, each read under its lock,
     * as fold_vm_zone_numa_events and all_vm_events sum the per-cpu counters.
     */
    long[] zoneEvents(Zone z) {
        long[] sum = new long[VmStat.NR_EVENTS];
        synchronized (z) { for (int i = 0; i < sum.length; i++) sum[i] += z.events[i]; }
        z.forEachPcp((cpu, p) -> {
            p.lock();
            try {
                long numa = p.allocs - p.allocsBeforeSetup;
                sum[VmStat.NUMA_HIT] += numa - p.misses;
                sum[VmStat.NUMA_MISS] += p.misses;
                sum[VmStat.NUMA_LOCAL] += numa - p.others;
                sum[VmStat.NUMA_OTHER] += p.others;
                sum[VmStat.PGALLOC] += p.allocs;
                sum[VmStat.PGFREE] += p.frees;
            } finally {
                p.unlock();
            }
        });
        return sum;
    }

    /**
     * setup_per_cpu_pageset gives every populated zone its real per-cpu zonestats and zeroes the NUMA events of the
     * boot ones: what zone_statistics counted before is gone (PGALLOC and PGFREE, vm events, stay).
     */
    void discardBootNumaEvents() {
        for (Node n : k.nodes) for (Zone z : n.zones) {
            synchronized (z) { java.util.Arrays.fill(z.events, 0, VmStat.NR_NUMA_EVENTS, 0); }
            z.forEachPcp((cpu, p) -> {
                p.lock();
                try {
                    p.allocsBeforeSetup = p.allocs;
                    p.misses = 0;
                    p.others = 0;
                } finally {
                    p.unlock();
                }
            });
        }
    }

    /** setup_per_cpu_pageset: zone_pcp_update for every zone. */
    void setupPerCpuPagesets() {
        for (Node n : k.nodes) for (Zone z : n.zones) zonePcpUpdate(z, n, cpus.count());
    }

    /**
     * zone_pcp_update (zone_set_high_and_batch): batch from zone_batchsize, high_min from the low watermark and
     * high_max from managed / MIN_PERCPU_PAGELIST_HIGH_FRACTION (zone_highsize), both split over the node's CPUs
     * (all CPUs for a node without any) and at least 4 batches. An unpopulated zone keeps the boot values.
     */
    static void zonePcpUpdate(Zone z, Node n, int allCpus) {
        long batch = Math.min(z.managed >> 10, (1L << 20) / Mm.PAGE_SIZE) / 4;
        if (batch < 1) batch = 1;
        batch = Long.highestOneBit(batch + batch / 2) - 1;
        batch = Math.max(1, batch);
        if (!z.populated()) { z.setPcpHighBatch(0, 0, (int) batch); return; }
        long splitCpus = n.cpus > 0 ? n.cpus : Math.max(1, allCpus);
        long highMin = Math.max(z.wmarkLow / splitCpus, batch << 2);
        long highMax = Math.max(z.managed / MIN_PERCPU_PAGELIST_HIGH_FRACTION / splitCpus, batch << 2);
        z.setPcpHighBatch((int) highMin, (int) highMax, (int) batch);
    }

    // ---------------------------------------------------------------------------------- free_reserved_area

    /** free_reserved_area: free_reserved_page for every reserved page of [s, e) (clear PG_reserved, managed++, free). */
    long freeReservedArea(long s, long e) {
        long n = 0;
        for (long pfn = s; pfn < e; pfn++) {
            MemmapImpl.Section sec = mm.section(pfn);
            if (sec == null) continue;
            int i = (int) (pfn & MASK);
            if ((sec.flags[i] & (MemmapImpl.INIT | Zone.RESERVED)) != (MemmapImpl.INIT | Zone.RESERVED)) continue;
            Zone z = k.pageZone(sec.flags[i]);
            // a reserved page beyond its zone's span (the tail of a section past mem= or the end of RAM) is no
            // memory the buddy may have
            if (!z.spans(pfn)) continue;
            sec.own();
            sec.flags[i] &= ~Zone.RESERVED;
            sec.refcount[i] = 1;
            sec.setPrev(i, ALLOC_HEAD);
            sec.setNext(i, 0);
            synchronized (z) { z.managed++; }
            free(pfn, 0);
            n++;
        }
        return n;
    }
}
