package mm.core.internal.mm;

import static mm.core.internal.mm.MemmapImpl.MASK;
import static mm.core.internal.mm.MemmapImpl.NONE;
import static mm.core.internal.mm.MemmapImpl.SHIFT;

import mm.core.api.MigrateType;
import mm.core.api.Mm;
import mm.core.api.PageFlags;
import mm.core.api.ZoneType;
import mm.core.hook.FreeListHook;
import mm.core.hook.TracepointHook;

/**
 * struct zone with its buddy allocator: per order x migratetype free lists threaded through the memmap's link
 * words, nr_free per order, NR_FREE_PAGES, watermarks, lowmem_reserve and per-cpu page lists. The zone's monitor
 * is zone->lock; every free-list method below expects it held (the {@code *Locked} suffix says so).
 */
public final class Zone {
    public static final int NMT = MigrateType.VALUES.length;
    static final int MT_UNMOVABLE = 0, MT_MOVABLE = 1, MT_RECLAIMABLE = 2, MT_HIGHATOMIC = 3, MT_ISOLATE = 4, MT_CMA = 5;
    static final long BUDDY = PageFlags.TYPE_BUDDY;
    static final long RESERVED = PageFlags.bit(PageFlags.PG_reserved);
    static final long REPORTED = PageFlags.bit(PageFlags.PG_reported);
    /** fallbacks[] of mm/page_alloc.c (6.x). */
    static final int[][] FALLBACKS = {
        {MT_RECLAIMABLE, MT_MOVABLE}, {MT_RECLAIMABLE, MT_UNMOVABLE}, {MT_UNMOVABLE, MT_MOVABLE},
    };

    public final int nid;
    public final ZoneType type;
    public final int idx;
    final MemmapImpl mm;
    final long zoneLinks;

    public long zoneStartPfn;
    public long spanned;
    public long present;
    public long presentEarly;
    public volatile long managed;
    /** NR_FREE_PAGES: pages in the buddy free lists (not on pcp lists). */
    volatile long freePages;
    /** NR_FREE_CMA_PAGES: the free pages of the MIGRATE_CMA lists; cma_pages: the zone's activated CMA pages. */
    volatile long freeCma;
    public volatile long cmaPages;
    /** Pages taken off the free lists by __isolate_free_page for free page reporting (zone->lock). */
    long isolated;
    public final long[] nrFree = new long[Mm.NR_PAGE_ORDERS];
    final long[] nrFreeMt = new long[Mm.NR_PAGE_ORDERS * NMT];
    final long[] head = new long[Mm.NR_PAGE_ORDERS * NMT];
    final long[] tail = new long[Mm.NR_PAGE_ORDERS * NMT];
    public long wmarkMin, wmarkLow, wmarkHigh, wmarkPromo;
    public final long[] lowmemReserve = new long[ZoneType.VALUES.length];
    /**
     * The per-cpu pagesets, created for a CPU when it first allocates or frees in this zone (the kernel allocates
     * them for every possible CPU; here a CPU that never touches the zone costs nothing): chunks of
     * {@link #PCP_CHUNK} CPUs, so even 8192 CPUs x 1024 nodes x every zone cost one small array per zone.
     */
    private Pcp[][] pcpChunks = new Pcp[0][];
    /** Guards creating pagesets and pcp->high / pcp->batch updates (never taken with a pcp or zone lock held). */
    private final Object pcpSetup = new Object();
    /**
     * Number of possible CPUs, and zone->pageset_high_min / pageset_high_max / pageset_batch: the values
     * zone_set_pageset_high_and_batch gave every pageset, present and future (pageset_update). pcp->high itself
     * moves between high_min and high_max with the pageset's own traffic (PageAlloc's nr_pcp_alloc / nr_pcp_high,
     * decay_pcp_high).
     */
    int pcpCpus;
    int pcpHighMin, pcpHighMax, pcpBatch = 1;
    /**
     * ZONE_BELOW_HIGH of zone->flags: an allocation found the zone's free pages below its high watermark (set in
     * get_page_from_freelist, cleared by free_unref_page_commit once a pcp drain brings it back over it). While it
     * is set the pagesets shrink on frees and do not grow on refills. (ZONE_RECLAIM_ACTIVE, the other flag
     * nr_pcp_high reads, is kswapd's and direct reclaim's; mmkit does not reclaim, so it is never set.)
     */
    volatile boolean belowHigh;
    static final int PCP_CHUNK_SHIFT = 6, PCP_CHUNK = 1 << PCP_CHUNK_SHIFT;
    private static final java.lang.invoke.VarHandle PCPS = java.lang.invoke.MethodHandles.arrayElementVarHandle(Pcp[].class);
    private static final java.lang.invoke.VarHandle CHUNKS = java.lang.invoke.MethodHandles.arrayElementVarHandle(Pcp[][].class);
    volatile FreeListHook[] freeHooks = new FreeListHook[0];
    /** The tracepoints of the buddy (zone_locked, extfrag, pcpu_drain): empty unless a tracer is bound. */
    volatile TracepointHook[] traceHooks = NO_TRACE;
    static final TracepointHook[] NO_TRACE = new TracepointHook[0];
    /** zone_stat_item counters after NR_FREE_PAGES (VmStat, under its monitor). */
    final long[] stat = new long[VmStat.NR_ZONE_STATS];
    /** The allocator's events in this zone counted under zone->lock (VmStat event indexes); the pagesets keep theirs. */
    final long[] events = new long[VmStat.NR_EVENTS];

    Zone(int nid, ZoneType type, MemmapImpl mm) {
        this.nid = nid;
        this.type = type;
        this.idx = type.ordinal();
        this.mm = mm;
        this.zoneLinks = PageFlags.links(nid, idx);
        java.util.Arrays.fill(head, NONE);
        java.util.Arrays.fill(tail, NONE);
    }

    /**
     * Sets up empty pagesets for {@code cpus} possible CPUs with high_min, high_max and batch (the boot pagesets:
     * BOOT_PAGESET_HIGH 0, BOOT_PAGESET_BATCH 1).
     */
    void initPagesets(int cpus, int highMin, int highMax, int batch) {
        pcpCpus = cpus;
        pcpHighMin = highMin;
        pcpHighMax = highMax;
        pcpBatch = batch;
        belowHigh = false;
        pcpChunks = new Pcp[(cpus + PCP_CHUNK - 1) >>> PCP_CHUNK_SHIFT][];
    }

    /** this_cpu_ptr(zone->per_cpu_pageset): the CPU's pageset, created on its first use. */
    Pcp pcp(int cpu) {
        Pcp[] c = (Pcp[]) CHUNKS.getAcquire(pcpChunks, cpu >>> PCP_CHUNK_SHIFT);
        Pcp p;
        if (c == null || (p = (Pcp) PCPS.getAcquire(c, cpu & (PCP_CHUNK - 1))) == null) return createPcp(cpu);
        return p;
    }

    /** The CPU's pageset if it has one (views, drains and the checker do not create them), else null. */
    Pcp pcpOrNull(int cpu) {
        Pcp[][] chunks = pcpChunks;
        if (cpu < 0 || cpu >>> PCP_CHUNK_SHIFT >= chunks.length) return null;
        Pcp[] c = (Pcp[]) CHUNKS.getAcquire(chunks, cpu >>> PCP_CHUNK_SHIFT);
        return c == null ? null : (Pcp) PCPS.getAcquire(c, cpu & (PCP_CHUNK - 1));
    }

    private Pcp createPcp(int cpu) {
        Pcp[][] chunks = pcpChunks;
        if (cpu < 0 || cpu >= pcpCpus) throw new IllegalArgumentException("no CPU " + cpu + " on this machine");
        synchronized (pcpSetup) {
            Pcp[] c = chunks[cpu >>> PCP_CHUNK_SHIFT];
            if (c == null) {
                c = new Pcp[PCP_CHUNK];
                CHUNKS.setRelease(chunks, cpu >>> PCP_CHUNK_SHIFT, c);
            }
            Pcp p = c[cpu & (PCP_CHUNK - 1)];
            if (p == null) {
                // per_cpu_pages_init: high 0 (BOOT_PAGESET_HIGH) until the pageset's first refill or free
                // clamps it into [high_min, high_max]; pageset_update's values
                p = new Pcp();
                p.highMin = pcpHighMin;
                p.highMax = pcpHighMax;
                p.batch = pcpBatch;
                PCPS.setRelease(c, cpu & (PCP_CHUNK - 1), p);
            }
            return p;
        }
    }

    /** Calls {@code action} for every pageset created so far, in CPU order. */
    void forEachPcp(java.util.function.BiConsumer<Integer, Pcp> action) {
        Pcp[][] chunks = pcpChunks;
        for (int ci = 0; ci < chunks.length; ci++) {
            Pcp[] c = (Pcp[]) CHUNKS.getAcquire(chunks, ci);
            if (c == null) continue;
            for (int j = 0; j < PCP_CHUNK; j++) {
                Pcp p = (Pcp) PCPS.getAcquire(c, j);
                if (p != null) action.accept(ci << PCP_CHUNK_SHIFT | j, p);
            }
        }
    }

    /**
     * Runs {@code r} with every pageset of the zone locked and then zone->lock held (the allocator's lock order), no
     * pageset created meanwhile; {@code r} gets the pagesets. Locks are taken in a loop, not by recursion, so the
     * depth does not grow with the number of CPUs.
     */
    void withAllPcpsAndZoneLocked(java.util.function.Consumer<java.util.List<Pcp>> r) {
        synchronized (pcpSetup) {
            java.util.List<Pcp> ps = new java.util.ArrayList<>();
            forEachPcp((c, p) -> ps.add(p));
            int locked = 0;
            try {
                for (Pcp p : ps) { p.lock(); locked++; }
                synchronized (this) { r.accept(ps); }
            } finally {
                for (int i = 0; i < locked; i++) ps.get(i).unlock();
            }
        }
    }

    /**
     * __zone_set_pageset_high_and_batch: pageset_update of every pageset, present and future. Only high_min,
     * high_max and batch change; pcp->high stays where the pageset's traffic left it until its next refill, free
     * or decay clamps it into the new range, as in the kernel.
     */
    void setPcpHighBatch(int highMin, int highMax, int batch) {
        synchronized (pcpSetup) {
            pcpHighMin = highMin;
            pcpHighMax = highMax;
            pcpBatch = batch;
            forEachPcp((c, p) -> { p.highMin = highMin; p.highMax = highMax; p.batch = batch; });
        }
    }

    public long endPfn() { return zoneStartPfn + spanned; }
    public boolean populated() { return present > 0; }
    public boolean spans(long pfn) { return pfn >= zoneStartPfn && pfn < zoneStartPfn + spanned; }
    public long freePages() { return freePages; }

    /**
     * Per-cpu pageset: order-0 pages cached per migratetype (LIFO: the hottest page first), guarded by pcp->lock.
     * As in 6.x the allocator only tries the lock (pcp_spin_trylock) and goes to the buddy when it is busy; drains
     * and views from other threads spin on it. A CAS word rather than a monitor: one atomic per operation instead
     * of two, which is most of the order-0 fast path's cost.
     */
    static final class Pcp {
        private static final java.lang.invoke.VarHandle LOCK;
        static {
            try {
                LOCK = java.lang.invoke.MethodHandles.lookup().findVarHandle(Pcp.class, "lock", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        /**
         * One list per pcp migratetype (unmovable, movable, reclaimable: fields rather than an array, one load less
         * on the fast paths). Element 0 holds the list's length, the pages follow oldest first, so the hottest page
         * is at {@code list[list[0]]} and a pop or push touches one array.
         */
        private long[] l0 = new long[64], l1 = new long[64], l2 = new long[64];
        int count;
        /**
         * pcp->high (0 until the first nr_pcp_alloc / nr_pcp_high clamps it), high_min and high_max
         * (pageset_update), batch, and the auto-tuning state: alloc_factor (refills double while the CPU only
         * allocates, up to CONFIG_PCP_BATCH_SCALE_MAX) and free_count (consecutive frees, halved on every
         * allocation). pcp->flags (PCPF_PREV_FREE_HIGH_ORDER, PCPF_FREE_HIGH_BATCH) only matter for the order 1..3
         * pages the kernel also keeps on its lists; mmkit's lists hold order 0 only, so free_high never arises.
         */
        int high, highMin, highMax;
        int batch = 1;
        int allocFactor, freeCount;
        /**
         * The allocator's events of this CPU in this zone, under pcp->lock, as cheap as a counter can be on the
         * fast paths: order-0 blocks taken (each one page of PGALLOC and one zone_statistics event), of which
         * {@code misses} were numa_miss and {@code others} numa_other (the rest hit and local), pages freed to the
         * list (PGFREE), and the blocks taken before setup_per_cpu_pageset (no NUMA events: the boot pagesets').
         */
        long allocs, misses, others, frees, allocsBeforeSetup;
        @SuppressWarnings("unused") private volatile int lock;

        long[] list(int mt) { return mt == 0 ? l0 : mt == 1 ? l1 : l2; }

        int size(int mt) { return (int) list(mt)[0]; }

        /** The k-th page of list mt, oldest first. */
        long at(int mt, int k) { return list(mt)[1 + k]; }

        /** pcp_spin_trylock. */
        boolean tryLock() { return LOCK.weakCompareAndSetAcquire(this, 0, 1) || LOCK.compareAndSet(this, 0, 1); }

        /** spin_lock(&pcp->lock) for drains and views from any thread. */
        void lock() {
            for (int spins = 0; !tryLock(); spins++) {
                if (spins < 100) Thread.onSpinWait(); else Thread.yield();
            }
        }

        void unlock() { LOCK.setRelease(this, 0); }

        void push(int mt, long pfn) {
            long[] l = list(mt);
            int c = (int) l[0] + 1;
            if (c == l.length) l = grow(mt);
            l[c] = pfn;
            l[0] = c;
            count++;
        }

        /** Drops the {@code n} oldest pages of list mt (free_pcppages_bulk takes from the tail). */
        void removeOldest(int mt, int n) {
            long[] l = list(mt);
            int c = (int) l[0];
            System.arraycopy(l, 1 + n, l, 1, c - n);
            l[0] = c - n;
            count -= n;
        }

        long[] grow(int mt) {
            long[] l = java.util.Arrays.copyOf(list(mt), list(mt).length * 2);
            if (mt == 0) l0 = l; else if (mt == 1) l1 = l; else l2 = l;
            return l;
        }
    }

    // ------------------------------------------------------------------ free lists (zone->lock held)

    private void addToList(long pfn, int order, int mt, boolean toTail) {
        MemmapImpl.Section s = mm.section(pfn);
        int i = (int) (pfn & MASK);
        s.own();
        // PageBuddy + set_buddy_order (the order goes to the flags' hidden bits, see MemmapImpl)
        s.flags[i] = (s.flags[i] & ~MemmapImpl.BUDDY_ORDER_MASK) | BUDDY | (long) order << MemmapImpl.BUDDY_ORDER_SHIFT;
        int li = order * NMT + mt;
        long p = pfn;
        if (head[li] == NONE) {
            head[li] = tail[li] = p;
            s.setSmallLinks(i, NONE, NONE);
        } else if (toTail) {
            long t = tail[li];
            mm.setNext(t, p);
            s.setLinks(i, t, NONE);
            tail[li] = p;
        } else {
            long h = head[li];
            mm.setPrev(h, p);
            s.setLinks(i, NONE, h);
            head[li] = p;
        }
        nrFree[order]++;
        nrFreeMt[li]++;
        if (mt == MT_CMA) freeCma += 1L << order;
    }

    /** del_page_from_free_list: unlink, clear PageBuddy and PageReported, private = 0. */
    void delFromList(long pfn, int order, int mt) {
        MemmapImpl.Section s = mm.section(pfn);
        int i = (int) (pfn & MASK);
        s.own();
        int li = order * NMT + mt;
        long n = s.next(i), p = s.prev(i);
        if (p == NONE) head[li] = n; else mm.setNext(p, n);
        if (n == NONE) tail[li] = p; else mm.setPrev(n, p);
        s.setSmallLinks(i, NONE, NONE);
        s.flags[i] &= ~(BUDDY | REPORTED | MemmapImpl.BUDDY_ORDER_MASK); // and page->private back to 0
        nrFree[order]--;
        nrFreeMt[li]--;
        if (mt == MT_CMA) freeCma -= 1L << order;
    }

    /** page_is_buddy: the pfn heads a free block of exactly {@code order} in this zone. */
    boolean isBuddy(long pfn, int order) {
        MemmapImpl.Section s = mm.section(pfn);
        if (s == null) return false;
        int i = (int) (pfn & MASK);
        long f = s.flags[i];
        return (f & (BUDDY | MemmapImpl.BUDDY_ORDER_MASK)) == (BUDDY | (long) order << MemmapImpl.BUDDY_ORDER_SHIFT)
                && (f & (PageFlags.ZONES_MASK << PageFlags.ZONES_PGSHIFT
                | PageFlags.NODES_MASK << PageFlags.NODES_PGSHIFT)) == zoneLinks;
    }

    static boolean mergeable(int mt) { return mt < MigrateType.PCPTYPES; }

    /**
     * __free_one_page: account, merge with free buddies up to MAX_PAGE_ORDER (not across pageblocks whose types may not
     * mix), then put the block at the head or the tail (FPI_TO_TAIL, or buddy_merge_likely) of its list.
     */
    void freeOneLocked(long pfn, int order, int mt, boolean toTail, boolean notify) {
        freePages += 1L << order;
        while (order < Mm.MAX_PAGE_ORDER) {
            long buddy = pfn ^ (1L << order);
            if (!isBuddy(buddy, order)) break;
            int buddyMt = mm.pageblockMt(buddy);
            if (order >= Mm.PAGEBLOCK_ORDER && mt != buddyMt && (!mergeable(mt) || !mergeable(buddyMt))) break;
            delFromList(buddy, order, buddyMt);
            if (buddyMt != mt) mm.setPageblockMt(buddy, mt);
            pfn &= buddy;
            order++;
        }
        boolean tailPlace = toTail || buddyMergeLikely(pfn, order);
        addToList(pfn, order, mt, tailPlace);
        FreeListHook[] hooks = freeHooks;
        if (notify && hooks.length != 0) {
            MigrateType m = MigrateType.VALUES[mt];
            for (FreeListHook h : hooks) h.onEnqueue(nid, type, pfn, order, m);
        }
    }

    /** buddy_merge_likely: the buddy of the next-higher block is free, so this one will probably merge soon. */
    private boolean buddyMergeLikely(long pfn, int order) {
        if (order >= Mm.MAX_PAGE_ORDER - 1) return false;
        long higher = pfn & ~((1L << (order + 1)) - 1);
        long higherBuddy = higher ^ (1L << (order + 1));
        return isBuddy(higherBuddy, order + 1);
    }

    /** expand(): split a 2^high block down to 2^low, returning the upper halves to the free lists (head). */
    private void expand(long pfn, int low, int high, int mt) {
        while (high > low) {
            high--;
            long sub = pfn + (1L << high);
            addToList(sub, high, mt, false);
            freePages += 1L << high;
        }
    }

    /** __rmqueue_smallest: the smallest free block of {@code order} or more of type {@code mt}, split down. */
    long rmqueueSmallestLocked(int order, int mt) {
        for (int o = order; o <= Mm.MAX_PAGE_ORDER; o++) {
            long pfn = head[o * NMT + mt];
            if (pfn == NONE) continue;
            delFromList(pfn, o, mt);
            freePages -= 1L << o;
            expand(pfn, order, o, mt);
            TracepointHook[] t = traceHooks;
            if (t.length != 0) traceZoneLocked(t, pfn, order, mt);
            return pfn;
        }
        return -1;
    }

    /** trace_mm_page_alloc_zone_locked: percpu_refill for the orders the per-cpu lists hold (order 0 here). */
    private static void traceZoneLocked(TracepointHook[] t, long pfn, int order, int mt) {
        boolean refill = order == 0 && mt < MigrateType.PCPTYPES;
        for (TracepointHook h : t) h.allocZoneLocked(pfn, order, mt, refill);
    }

    /** trace_mm_page_alloc_extfrag after steal_suitable_fallback: change_ownership read from the pageblock now. */
    private long traceExtfrag(long pfn, int order, int fallbackOrder, int startMt, int fallbackMt) {
        TracepointHook[] t = traceHooks;
        if (t.length == 0 || pfn < 0) return pfn;
        boolean owned = mm.pageblockMt(pfn) == startMt;
        for (TracepointHook h : t) h.allocExtfrag(pfn, order, fallbackOrder, startMt, fallbackMt, owned);
        return pfn;
    }

    /**
     * __rmqueue: preferred type first, then stealing from the fallback types. A movable allocation (ALLOC_CMA) takes
     * from the CMA pageblocks first when they hold more than half of the zone's free pages, and falls back to them
     * before stealing; no other allocation ever gets a CMA page (MIGRATE_CMA is in no fallback list).
     */
    long rmqueueLocked(int order, int mt) {
        boolean allocCma = mt == MT_MOVABLE && cmaPages > 0;
        if (allocCma && freeCma > freePages / 2) {
            long pfn = rmqueueSmallestLocked(order, MT_CMA);
            if (pfn >= 0) return pfn;
        }
        long pfn = rmqueueSmallestLocked(order, mt);
        if (pfn >= 0 || mt >= MigrateType.PCPTYPES) return pfn;
        if (allocCma && (pfn = rmqueueSmallestLocked(order, MT_CMA)) >= 0) return pfn; // __rmqueue_cma_fallback
        return rmqueueFallbackLocked(order, mt);
    }

    /** can_steal_fallback (without page_group_by_mobility_disabled). */
    private static boolean canSteal(int order, int startMt) {
        return order >= Mm.PAGEBLOCK_ORDER / 2 || startMt == MT_RECLAIMABLE || startMt == MT_UNMOVABLE;
    }

    private int findFallback(int order, int startMt) {
        for (int f : FALLBACKS[startMt]) if (head[order * NMT + f] != NONE) return f;
        return -1;
    }

    /** __rmqueue_fallback + steal_suitable_fallback (6.12 shape). */
    private long rmqueueFallbackLocked(int order, int startMt) {
        int found = -1, fmt = -1;
        boolean steal = false;
        for (int o = Mm.MAX_PAGE_ORDER; o >= order; o--) {
            int f = findFallback(o, startMt);
            if (f < 0) continue;
            if (!canSteal(o, startMt)) break;
            found = o;
            fmt = f;
            steal = true;
            break;
        }
        if (found < 0) {
            for (int o = order; o <= Mm.MAX_PAGE_ORDER; o++) {
                int f = findFallback(o, startMt);
                if (f >= 0) { found = o; fmt = f; break; }
            }
            if (found < 0) return -1;
        }
        long pfn = head[found * NMT + fmt];
        if (found >= Mm.PAGEBLOCK_ORDER) {
            // take ownership of the whole block(s)
            delFromList(pfn, found, fmt);
            freePages -= 1L << found;
            for (long b = pfn; b < pfn + (1L << found); b += Mm.PAGEBLOCK_NR_PAGES) mm.setPageblockMt(b, startMt);
            expand(pfn, order, found, startMt);
            return traceExtfrag(pfn, order, found, startMt, fmt);
        }
        if (steal) {
            long start = pfn & ~(long) (Mm.PAGEBLOCK_NR_PAGES - 1);
            long end = start + Mm.PAGEBLOCK_NR_PAGES;
            if (start >= zoneStartPfn && end <= endPfn()) {
                long[] counts = countBlock(start, end);
                long free = counts[0], movable = counts[1];
                long alike = startMt == MT_MOVABLE ? movable
                        : fmt == MT_MOVABLE ? Mm.PAGEBLOCK_NR_PAGES - (free + movable) : 0;
                if (free + alike >= (1 << (Mm.PAGEBLOCK_ORDER - 1))) {
                    moveFreepagesLocked(start, end, fmt, startMt);
                    mm.setPageblockMt(start, startMt);
                    return traceExtfrag(rmqueueSmallestLocked(order, startMt), order, found, startMt, fmt);
                }
            }
        }
        delFromList(pfn, found, fmt);
        freePages -= 1L << found;
        expand(pfn, order, found, fmt);
        return traceExtfrag(pfn, order, found, startMt, fmt);
    }

    /** Free pages and movable (PG_lru) allocated pages of [start, end) (prep_move_freepages_block). */
    private long[] countBlock(long start, long end) {
        long free = 0, movable = 0;
        for (long p = start; p < end; ) {
            long f = mm.f(p);
            if ((f & BUDDY) != 0) {
                int o = mm.priv(p);
                free += 1L << o;
                p += 1L << o;
                continue;
            }
            if ((f & PageFlags.bit(PageFlags.PG_lru)) != 0) movable++;
            p++;
        }
        return new long[] {free, movable};
    }

    /** move_freepages: re-list every free block of [start, end) from type {@code from} to {@code to}. */
    long moveFreepagesLocked(long start, long end, int from, int to) {
        long moved = 0;
        for (long p = start; p < end; ) {
            long f = mm.f(p);
            if ((f & BUDDY) != 0 && (f & MemmapImpl.INIT) != 0) {
                int o = mm.priv(p);
                delFromList(p, o, from);
                addToList(p, o, to, true);
                moved += 1L << o;
                p += 1L << o;
            } else p++;
        }
        return moved;
    }

    /**
     * Changes the migratetype of the pageblock at {@code pfn}, moving its free pages to the new lists
     * (set_pageblock_migratetype + move_freepages_block_isolate). Used by isolation (hotplug offline, online's
     * undo_isolate_page_range) and by tests. A free block larger than a pageblock that covers this one is split into
     * pageblock-sized blocks first (split_large_buddy), so that every free block always sits on the list of its
     * pageblocks' type: a caller changes one pageblock at a time and may drop the lock between two.
     */
    public void setPageblockMigratetype(long pfn, int mt) {
        synchronized (this) {
            long start = pfn & ~(long) (Mm.PAGEBLOCK_NR_PAGES - 1);
            int old = mm.pageblockMt(start);
            if (old == mt) return;
            long end = Math.min(start + Mm.PAGEBLOCK_NR_PAGES, endPfn());
            if (!splitLargeBuddyLocked(start, mt)) {
                moveFreepagesLocked(Math.max(start, zoneStartPfn), end, old, mt);
                mm.setPageblockMt(start, mt);
            }
            if (old == MigrateType.ISOLATE.ordinal()) remergeLocked(start, mt);
        }
    }

    /**
     * The free block of more than a pageblock that covers the pageblock at {@code start}, if any, is taken off its
     * list, the pageblock gets type {@code mt}, and the block goes back as pageblock-sized blocks, each on its own
     * pageblock's list (move_freepages_block_isolate's split_large_buddy). Returns whether there was one.
     */
    private boolean splitLargeBuddyLocked(long start, int mt) {
        for (int o = Mm.PAGEBLOCK_ORDER + 1; o <= Mm.MAX_PAGE_ORDER; o++) {
            long head = start & ~((1L << o) - 1);
            if (!spans(head) || !isBuddy(head, o)) continue;
            delFromList(head, o, mm.pageblockMt(head));
            mm.setPageblockMt(start, mt);
            for (long b = head; b < head + (1L << o); b += Mm.PAGEBLOCK_NR_PAGES) {
                int bmt = mm.pageblockMt(b);
                addToList(b, Mm.PAGEBLOCK_ORDER, bmt, true);
                FreeListHook[] hooks = freeHooks;
                if (hooks.length != 0) {
                    MigrateType m = MigrateType.VALUES[bmt];
                    for (FreeListHook h : hooks) h.onEnqueue(nid, type, b, Mm.PAGEBLOCK_ORDER, m);
                }
            }
            return true;
        }
        return false;
    }

    /**
     * unset_migratetype_isolate: a free pageblock-sized block that leaves isolation is put back through the buddy
     * merge (__isolate_free_page + __putback_isolated_page), so that it joins its free buddy again.
     */
    private void remergeLocked(long start, int mt) {
        if (!mergeable(mt) || !isBuddy(start, Mm.PAGEBLOCK_ORDER) || Mm.PAGEBLOCK_ORDER >= Mm.MAX_PAGE_ORDER) return;
        long buddy = start ^ (1L << Mm.PAGEBLOCK_ORDER);
        if (!isBuddy(buddy, Mm.PAGEBLOCK_ORDER) || mm.pageblockMt(buddy) == MigrateType.ISOLATE.ordinal()) return;
        delFromList(start, Mm.PAGEBLOCK_ORDER, mt);
        freePages -= Mm.PAGEBLOCK_NR_PAGES;
        freeOneLocked(start, Mm.PAGEBLOCK_ORDER, mt, false, false); // FPI_SKIP_REPORT_NOTIFY
    }

    /** zone_watermark_ok with lowmem_reserve of the allocation's highest zone. */
    boolean watermarkOk(int order, long mark, int highestIdx) { return watermarkOk(order, mark, highestIdx, true); }

    /** __zone_watermark_ok: without ALLOC_CMA (any allocation that is not movable) free CMA pages do not count. */
    boolean watermarkOk(int order, long mark, int highestIdx, boolean allocCma) {
        long free = freePages - (1L << order) + 1;
        if (!allocCma) free -= freeCma;
        long min = mark + lowmemReserve[highestIdx];
        if (free <= min) return false;
        if (order == 0) return true;
        for (int o = order; o <= Mm.MAX_PAGE_ORDER; o++) if (nrFree[o] > 0) return true;
        return false;
    }

    // ------------------------------------------------------------------ boot hand-off

    /** __free_pages_core: clear PG_reserved, refcount 0 on every page, managed += 2^order, free to the tail. */
    void freePagesCore(long pfn, int order) {
        preparePagesCore(pfn, order);
        int mt = mm.pageblockMt(pfn);
        synchronized (this) {
            managed += 1 << order;
            events[VmStat.PGFREE] += 1 << order;
            freeOneLocked(pfn, order, mt, true, true);
        }
    }

    /**
     * __free_pages_core for blocks whose pages are already prepared (PG_reserved clear, refcount 0: {@link
     * #preparePagesCore}, or MemmapImpl.initRangeForFree), under one zone->lock hold:
     * deferred init hands over a section's worth of MAX_PAGE_ORDER blocks at a time, so its threads do not take turns
     * on the lock and on the list tail for every 4 MiB (the state is the same as freeing them one by one).
     */
    void freePreparedBlocks(long[] pfns, int n, int order) {
        synchronized (this) {
            for (int b = 0; b < n; b++) freeOneLocked(pfns[b], order, mm.pageblockMt(pfns[b]), true, true);
            managed += (long) n << order;
            events[VmStat.PGFREE] += (long) n << order;
        }
    }

    /**
     * __free_pages_core with FPI_TO_TAIL of every MAX_PAGE_ORDER block of a never-initialised section, in pfn order,
     * for compact storage: the section becomes uniformly free (MemmapImpl.Section#uniform) and the blocks are
     * appended to the tail of the MAX_PAGE_ORDER list of {@code mt} as if freed one by one (MAX_PAGE_ORDER blocks never
     * merge, and buddy_merge_likely does not apply to them). Free-list hooks see every block, in order.
     */
    void freeUniformSection(MemmapImpl.Section s, int mt, boolean notify) {
        int order = Mm.MAX_PAGE_ORDER, n = Mm.PAGES_PER_SECTION / Mm.MAX_ORDER_NR_PAGES;
        long first = s.base, last = s.base + MemmapImpl.Section.LAST_HEAD;
        synchronized (this) {
            int li = order * NMT + mt;
            long t = tail[li];
            s.makeUniform(mm.uniformTemplate(nid, idx), mt, t, NONE);
            if (t == NONE) head[li] = first; else mm.setNext(t, first);
            tail[li] = last;
            nrFree[order] += n;
            nrFreeMt[li] += n;
            if (mt == MT_CMA) freeCma += n << order;
            freePages += Mm.PAGES_PER_SECTION;
            managed += Mm.PAGES_PER_SECTION;
            events[VmStat.PGFREE] += Mm.PAGES_PER_SECTION;
            FreeListHook[] hooks = freeHooks;
            if (notify && hooks.length != 0) {
                MigrateType m = MigrateType.VALUES[mt];
                for (long b = first; b <= last; b += Mm.MAX_ORDER_NR_PAGES)
                    for (FreeListHook h : hooks) h.onEnqueue(nid, type, b, order, m);
            }
        }
    }

    /** The per-page part of __free_pages_core: PG_reserved cleared, refcount 0. */
    void preparePagesCore(long pfn, int order) {
        int n = 1 << order;
        MemmapImpl.Section s = mm.section(pfn);
        int i = (int) (pfn & MASK);
        if (((pfn + n - 1) >>> SHIFT) == (pfn >>> SHIFT)) {
            s.own();
            long[] fl = s.flags;
            for (int k = i; k < i + n; k++) {
                long f = fl[k];
                if ((f & RESERVED) != 0) fl[k] = f & ~RESERVED;
            }
            java.util.Arrays.fill(s.refcount, i, i + n, 0);
        } else {
            for (long p = pfn; p < pfn + n; p++) { mm.setF(p, mm.f(p) & ~RESERVED); mm.setRef(p, 0); }
        }
    }

    // ------------------------------------------------------------------ queries

    /** The free block containing pfn, as {pfnOfHead, order}, or null (zone->lock held or quiescent). */
    long[] freeBlockContaining(long pfn) {
        for (int o = 0; o <= Mm.MAX_PAGE_ORDER; o++) {
            long h = pfn & ~((1L << o) - 1);
            if (spans(h) && isBuddy(h, o)) return new long[] {h, o};
        }
        return null;
    }

    long listHead(int order, int mt) { return head[order * NMT + mt]; }

    long nrFreeMt(int order, int mt) { return nrFreeMt[order * NMT + mt]; }
}
