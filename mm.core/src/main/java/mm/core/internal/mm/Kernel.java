package mm.core.internal.mm;

import static mm.core.internal.mm.MemmapImpl.MASK;
import static mm.core.internal.mm.MemmapImpl.NONE;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import mm.core.api.BadPageException;
import mm.core.api.CallStack;
import mm.core.api.Gfp;
import mm.machine.api.Machine;
import mm.core.api.Memblock;
import mm.core.api.MigrateType;
import mm.core.api.Mm;
import mm.core.hook.PageAllocHook;
import mm.core.api.PageFlags;
import mm.core.api.Task;
import mm.core.api.ZoneType;

/**
 * One booted emulated kernel: the memmap, the nodes and zones, the zonelists and the page allocator entry points
 * (alloc_pages / __free_pages with the per-cpu lists). Built by {@link Boot}; lives until the next boot.
 */
public final class Kernel {
    /** Allocated-block markers in the link words of allocated pages (free pages use them as list links). */
    static final int ALLOC_HEAD = -2, ALLOC_TAIL = -3, ON_PCP = -4;
    /** Head of a block isolated for free page reporting (lru.next holds its order): neither free nor allocated. */
    static final int ISOLATED = -5;
    static final long LRU = PageFlags.bit(PageFlags.PG_lru);
    static final long HEAD = PageFlags.bit(PageFlags.PG_head);
    private static final java.lang.invoke.VarHandle INTS = java.lang.invoke.MethodHandles.arrayElementVarHandle(int[].class);

    public final Machine machine;
    public final MemmapImpl mm = new MemmapImpl();
    public final List<Node> nodes = new ArrayList<>();
    /** zonelists[nodeIndex][highestZoneIdx] (ZONELIST_FALLBACK), and the __GFP_THISNODE variant. */
    Zone[][][] zonelists;
    Zone[][][] zonelistsThisNode;
    /** The same zonelists indexed by nid << ZL_SHIFT | highest zone index (null for a nid with no node): one lookup. */
    private Zone[][] zonelistByNid, zonelistThisNodeByNid;
    private static final int ZL_SHIFT = 3;
    int[] nodeIndexByNid;
    int[] cpuNode;
    final AtomicLong clock = new AtomicLong();
    final AtomicInteger nextCpu = new AtomicInteger();
    /**
     * The emulated CPU a thread runs on, by thread id: threads are spread round-robin over the machine's CPUs on
     * first use (threads whose ids collide modulo the table share a CPU, which the pcp trylock handles). A table
     * instead of a ThreadLocal because every alloc and free asks.
     */
    private final int[] cpuOfThread = new int[CPU_SLOTS];
    private static final int CPU_SLOTS = 1 << 12;
    private final ThreadLocal<Task> task = new ThreadLocal<>();
    /**
     * The last task each thread-id slot set, with its thread: current() is read twice per allocation when a hook
     * is bound, and a slot hit is cheaper than the ThreadLocal (colliding threads fall back to it).
     */
    private final TaskSlot[] taskSlots = new TaskSlot[CPU_SLOTS];

    private record TaskSlot(Thread thread, Task task) {}
    final KernelLog log;
    volatile PageAllocHook[] allocHooks = new PageAllocHook[0];
    volatile mm.core.hook.PageSplitHook[] splitHooks = new mm.core.hook.PageSplitHook[0];
    /** The deferred_pages static key: on-demand growth allowed until page_alloc_init_late switches it off. */
    volatile boolean deferredGrowEnabled;
    /** Serves deferred_grow_zone; set by the boot when deferred init is on. */
    volatile DeferredGrower grower;
    Memblock memblock;

    /** The boot's memblock (x86 discards it after boot; mmkit keeps it for inspection). */
    public Memblock memblock() { return memblock; }
    public long maxPfn;
    public long totalramPagesAtMemoryLine;
    /** min_free_kbytes as init_per_zone_wmark_min (and THP's recommendation) set it. */
    public long minFreeKbytes;

    /** deferred_grow_zone as a callback so the deferred-init code stays in one place. */
    public interface DeferredGrower {
        boolean grow(Zone zone, int order);
    }

    Kernel(Machine machine) {
        this.machine = machine;
        java.util.Arrays.fill(cpuOfThread, -1);
        this.log = new KernelLog(clock::get);
    }

    public Node node(int nid) {
        if (nid < 0 || nid >= nodeIndexByNid.length || nodeIndexByNid[nid] < 0)
            throw new IllegalArgumentException("no node " + nid);
        return nodes.get(nodeIndexByNid[nid]);
    }

    public boolean hasNode(int nid) { return nid >= 0 && nid < nodeIndexByNid.length && nodeIndexByNid[nid] >= 0; }

    public List<Zone> zones() {
        List<Zone> out = new ArrayList<>();
        for (Node n : nodes) for (Zone z : n.zones) out.add(z);
        return out;
    }

    /** The zone whose span holds pfn (ZONE_DEVICE last, as it may overlap nothing else), or null. */
    public Zone zoneOf(long pfn) {
        for (Node n : nodes) {
            for (Zone z : n.zones) if (z.spanned > 0 && z.spans(pfn)) return z;
        }
        return null;
    }

    /** page_zone(): the zone recorded in the struct page's links. */
    Zone pageZone(long flags) {
        return zoneTable[(int) (flags >>> PageFlags.NODES_PGSHIFT)];
    }

    /**
     * Zones by the zone and node bits of page->flags, which sit next to each other at the top of the word:
     * {@code (int) (flags >>> NODES_PGSHIFT)} is zone index << NODES_SHIFT | nid. One load for page_zone().
     */
    private Zone[] zoneTable;

    int cpu() {
        int slot = (int) Thread.currentThread().getId() & (CPU_SLOTS - 1);
        int c = cpuOfThread[slot];
        return c >= 0 ? c : assignCpu(slot);
    }

    private int assignCpu(int slot) {
        int c = cpuNode == null ? 0 : Math.floorMod(nextCpu.getAndIncrement(), cpuNode.length);
        INTS.compareAndSet(cpuOfThread, slot, -1, c);
        return (int) INTS.getVolatile(cpuOfThread, slot);
    }

    public int currentCpu() { return cpu(); }

    /** The task the calling thread set (setCurrentTask), or null. */
    Task taskOrNull() {
        Thread me = Thread.currentThread();
        TaskSlot slot = taskSlots[(int) me.getId() & (CPU_SLOTS - 1)];
        if (slot == null) return null; // no thread of this slot has set a task
        return slot.thread() == me ? slot.task() : task.get();
    }

    /** Sets (null: clears) the calling thread's current task. */
    void setTask(Task t) {
        Thread me = Thread.currentThread();
        if (t == null) task.remove(); else task.set(t);
        taskSlots[(int) me.getId() & (CPU_SLOTS - 1)] = new TaskSlot(me, t);
    }

    public Task currentTask() {
        Task t = taskOrNull();
        return t == null ? Task.INIT : t;
    }

    public long now() { return clock.get(); }

    // ------------------------------------------------------------------------------------------------ allocation

    /**
     * alloc_pages_node(nid, gfp, order) with a caller tag; -1 on failure. The fast path (first zone that passes the
     * low watermark) is kept small so the JIT inlines it; the min-watermark retry, deferred growth and the failure
     * report are in {@link #allocSlowpath}.
     */
    public long alloc(int order, int gfp, int nid, CallStack caller) {
        if (order < 0 || order > Mm.MAX_PAGE_ORDER) throw invalidOrder(order);
        int cpu = cpu();
        if (nid < 0) nid = cpuNode[cpu];
        int zoneMt = ZONE_AND_MT[gfp & GFP_ZONE_MT_BITS];
        int high = zoneMt >>> 4, mt = zoneMt & 15;
        Zone[][] lists = (gfp & Gfp.__GFP_THISNODE) != 0 ? zonelistThisNodeByNid : zonelistByNid;
        Zone[] zl;
        if (nid >= lists.length >>> ZL_SHIFT || (zl = lists[nid << ZL_SHIFT | high]) == null)
            throw new IllegalArgumentException("no node " + nid + " on this machine");
        long pfn = getPageFromFreelist(zl, order, mt, high, true, cpu);
        if (pfn < 0 && (pfn = allocSlowpath(zl, order, gfp, mt, high, cpu)) < 0) return -1;
        prepNewPage(pfn, order, gfp);
        PageAllocHook[] hooks = allocHooks;
        if (hooks.length != 0) postAlloc(hooks, pfn, order, gfp, caller);
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
            Task t = currentTask();
            log.log(String.format(Locale.ROOT, "%s: page allocation failure: order:%d, mode:%s, nodemask=(null)",
                    t.comm(), order, Gfp.format(gfp)));
        }
        return pfn;
    }

    private void postAlloc(PageAllocHook[] hooks, long pfn, int order, int gfp, CallStack caller) {
        Task t = currentTask();
        long ts = clock.incrementAndGet();
        for (PageAllocHook h : hooks) h.postAlloc(pfn, order, gfp, caller, t, ts);
    }

    private long getPageFromFreelist(Zone[] zl, int order, int mt, int highIdx, boolean lowMark, int cpu) {
        for (Zone z : zl) {
            if (z.managed == 0) continue;
            long mark = lowMark ? z.wmarkLow : z.wmarkMin;
            if (!z.watermarkOk(order, mark, highIdx)) continue;
            long pfn = order == 0 ? rmqueuePcp(z, mt, cpu) : rmqueueBuddy(z, order, mt);
            if (pfn >= 0) return pfn;
        }
        return -1;
    }

    private static long rmqueueBuddy(Zone z, int order, int mt) {
        synchronized (z) {
            return z.rmqueueLocked(order, mt);
        }
    }

    /**
     * rmqueue_pcplist: pop the hottest page; refill a batch under zone->lock when empty. When the pcp lock is taken
     * (a drain from another thread, or two threads on one emulated CPU) rmqueue takes the page from the buddy.
     */
    private long rmqueuePcp(Zone z, int mt, int cpu) {
        Zone.Pcp p = z.pcp[cpu];
        if (!p.tryLock()) return rmqueueBuddy(z, 0, mt);
        int[] l = p.list(mt);
        int c = l[0];
        if (c == 0) return refillPopAndUnlock(z, p, mt);
        int pfn = l[c];
        l[0] = c - 1;
        p.count--;
        p.unlock();
        return pfn;
    }

    /** rmqueue_bulk into an empty pcp list, then pop; -1 when the zone has nothing of the type either. */
    private long refillPopAndUnlock(Zone z, Zone.Pcp p, int mt) {
        try {
            synchronized (z) {
                for (int i = 0; i < p.batch; i++) {
                    long pfn = z.rmqueueLocked(0, mt);
                    if (pfn < 0) break;
                    // rmqueue_bulk keeps allocation order: the first page taken ends up on top
                    p.push(mt, (int) pfn);
                    mm.setPrev(pfn, ON_PCP);
                }
                reverseTop(p, mt);
            }
            int[] l = p.list(mt);
            int c = l[0];
            if (c == 0) return -1;
            l[0] = c - 1;
            p.count--;
            return l[c];
        } finally {
            p.unlock();
        }
    }

    private static void reverseTop(Zone.Pcp p, int mt) {
        int[] l = p.list(mt);
        for (int i = 1, j = l[0]; i < j; i++, j--) { int t = l[i]; l[i] = l[j]; l[j] = t; }
    }

    /** prep_new_page + the allocated-block markers: head refcount 1, tails marked, compound if __GFP_COMP. */
    private void prepNewPage(long pfn, int order, int gfp) {
        MemmapImpl.Section s = mm.section(pfn);
        int i = (int) (pfn & MASK);
        s.refcount[i] = 1;
        s.setLinks(i, ALLOC_HEAD, order);
        s.setPriv(i, 0);
        long f = s.flags[i] & ~(Zone.REPORTED);
        if ((gfp & Gfp.__GFP_MOVABLE) != 0) f |= LRU;
        if (order == 0) { s.flags[i] = f; return; }
        if ((gfp & Gfp.__GFP_COMP) != 0) f |= HEAD;
        s.flags[i] = f;
        markTails(s, pfn, order);
    }

    private void markTails(MemmapImpl.Section s, long pfn, int order) {
        {
            int n = 1 << order;
            for (long p = pfn + 1; p < pfn + n; p++) {
                MemmapImpl.Section t = (p & MASK) == 0 ? mm.section(p) : s;
                s = t;
                int k = (int) (p & MASK);
                t.setLinks(k, ALLOC_TAIL, (int) pfn);
                t.setPriv(k, 0);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ freeing

    /** __free_pages: validates like free_pages_prepare's bad_page checks, then frees (pcp for order 0). */
    public void free(long pfn, int order) { free(pfn, order, null); }

    public void free(long pfn, int order, CallStack caller) {
        if (order < 0 || order > Mm.MAX_PAGE_ORDER) throw invalidOrder(order);
        MemmapImpl.Section s = mm.section(pfn);
        int i = (int) (pfn & MASK);
        long f, head = MemmapImpl.links(ALLOC_HEAD, order);
        if (s == null || ((f = s.flags[i]) & (MemmapImpl.INIT | Zone.BUDDY | Zone.RESERVED)) != MemmapImpl.INIT
                || s.lru[i] != head || s.refcount[i] != 1)
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
        Zone z = pageZone(f);
        if (order != 0 || mt >= MigrateType.PCPTYPES || !freeToPcp(z, s, i, pfn, mt)) freeOne(z, pfn, order, mt);
    }

    private void preFree(PageAllocHook[] hooks, long pfn, int order, CallStack caller) {
        Task t = currentTask();
        long ts = clock.incrementAndGet();
        for (PageAllocHook h : hooks) h.preFree(pfn, order, caller, t, ts);
    }

    private void clearTails(long pfn, int order) {
        for (long p = pfn + 1; p < pfn + (1L << order); p++) mm.sectionOrThrow(p).setLinks((int) (p & MASK), NONE, NONE);
    }

    /** free_one_page: straight to the buddy under zone->lock. */
    private static void freeOne(Zone z, long pfn, int order, int mt) {
        synchronized (z) { z.freeOneLocked(pfn, order, mt, false, true); }
    }

    /** The bad_page report for a free that failed the fast checks, in free_pages_prepare's order. */
    private BadPageException badFree(long pfn, int order, MemmapImpl.Section s, int i) {
        if (s == null) return new BadPageException(pfn, "pfn outside the machine's memory (no struct page)");
        long f = s.flags[i];
        if ((f & MemmapImpl.INIT) == 0)
            return new BadPageException(pfn, "struct page is not initialised (deferred or never initialised)");
        BadPageException bad = validateFree(pfn, order, s, i, f);
        return bad != null ? bad : new BadPageException(pfn, "page changed while it was being freed (" + state(pfn) + ")");
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
        Zone.Pcp p = z.pcp[cpu()];
        if (!p.tryLock()) return false;
        int[] l = p.list(mt);
        int c = l[0] + 1;
        if (c == l.length) l = p.grow(mt);
        l[c] = (int) pfn; // Pcp.push, kept inline: this is the free fast path
        l[0] = c;
        s.setLinks(i, ON_PCP, NONE);
        if (++p.count >= p.high) drainBatchAndUnlock(z, p, mt);
        else p.unlock();
        return true;
    }

    private void drainBatchAndUnlock(Zone z, Zone.Pcp p, int mt) {
        try {
            drainPcpLocked(z, p, p.batch, mt);
        } finally {
            p.unlock();
        }
    }

    /**
     * free_pcppages_bulk (6.x): return up to {@code n} pages to the buddy, starting with the list after
     * {@code pindex} and emptying each list, oldest page first, before moving on to the next (kernels before 5.14
     * took one page from each list in turn).
     */
    void drainPcpLocked(Zone z, Zone.Pcp p, int n, int pindex) {
        synchronized (z) {
            while (n > 0 && p.count > 0) {
                do { if (++pindex >= MigrateType.PCPTYPES) pindex = 0; } while (p.size(pindex) == 0);
                int[] l = p.list(pindex);
                int take = Math.min(n, l[0]);
                for (int k = 1; k <= take; k++) {
                    int pfn = l[k];
                    mm.setPrev(pfn, NONE);
                    z.freeOneLocked(pfn, 0, mm.pageblockMt(pfn), false, true);
                }
                p.removeOldest(pindex, take);
                n -= take;
            }
        }
    }

    /** drain_all_pages: empty every pcp list (before checks, offlining, reporting hand-over). */
    public void drainAllPages() {
        for (Node n : nodes) {
            for (Zone z : n.zones) {
                for (Zone.Pcp p : z.pcp) {
                    p.lock();
                    try { drainPcpLocked(z, p, Integer.MAX_VALUE, 0); } finally { p.unlock(); }
                }
            }
        }
    }

    /** Pages on the per-cpu lists of a zone. */
    public long pcpPages(Zone z) {
        long n = 0;
        for (Zone.Pcp p : z.pcp) {
            p.lock();
            try { n += p.count; } finally { p.unlock(); }
        }
        return n;
    }

    /** split_page: every page of the allocated block becomes an order-0 allocation with refcount 1. */
    public void split(long pfn, int order) {
        if (order < 0 || order > Mm.MAX_PAGE_ORDER) throw new IllegalArgumentException("invalid order " + order);
        MemmapImpl.Section s = mm.section(pfn);
        if (s == null) throw new BadPageException(pfn, "pfn outside the machine's memory (no struct page)");
        Zone z = pageZone(mm.flags(pfn) | MemmapImpl.INIT);
        synchronized (z) {
            int i = (int) (pfn & MASK);
            if (s.prev(i) != ALLOC_HEAD || s.next(i) != order)
                throw new BadPageException(pfn, "split_page of a block that is not an allocated order-" + order + " head ("
                        + state(pfn) + ")");
            if ((s.flags[i] & HEAD) != 0) throw new BadPageException(pfn, "split_page of a compound page");
            for (long p = pfn; p < pfn + (1L << order); p++) {
                mm.setPrev(p, ALLOC_HEAD);
                mm.setNext(p, 0);
                mm.setRef(p, 1);
                if (p != pfn) mm.setF(p, (mm.f(p) & ~LRU) | (s.flags[i] & LRU));
            }
        }
        for (mm.core.hook.PageSplitHook h : splitHooks) h.onSplit(pfn, order);
    }

    /** The order of the allocated block headed at pfn, or -1. */
    public int allocatedOrder(long pfn) {
        MemmapImpl.Section s = mm.section(pfn);
        if (s == null) return -1;
        int i = (int) (pfn & MASK);
        return s.prev(i) == ALLOC_HEAD ? s.next(i) : -1;
    }

    /** Allocation state of pfn for mm:page and the checker. */
    public String state(long pfn) {
        MemmapImpl.Section s = mm.section(pfn);
        if (s == null) return "invalid";
        int i = (int) (pfn & MASK);
        long f = s.flags[i];
        if ((f & MemmapImpl.INIT) == 0) return "uninitialised";
        if ((f & Zone.BUDDY) != 0) return "free (buddy, order " + s.priv(i) + ")";
        if (s.prev(i) == ON_PCP) return "free (per-cpu list)";
        if (s.prev(i) == ISOLATED) return "isolated for reporting (order " + s.next(i) + ")";
        if ((f & Zone.RESERVED) != 0) return "reserved";
        if (s.prev(i) == ALLOC_HEAD) return "allocated (head, order " + s.next(i) + ")";
        if (s.prev(i) == ALLOC_TAIL) return String.format(Locale.ROOT, "allocated (tail of %#x)", s.next(i));
        if (s.refcount[i] == 0) {
            // a page inside a free block: only the block's head is PageBuddy (page_is_buddy / find_buddy_page_pfn)
            for (int o = 1; o <= Mm.MAX_PAGE_ORDER; o++) {
                long head = pfn & -(1L << o);
                MemmapImpl.Section hs = mm.section(head);
                if (hs == null) break;
                int hi = (int) (head & MASK);
                if ((hs.flags[hi] & (MemmapImpl.INIT | Zone.BUDDY)) == (MemmapImpl.INIT | Zone.BUDDY) && hs.priv(hi) >= o)
                    return String.format(Locale.ROOT, "free (buddy, inside the order-%d block at %#x)", hs.priv(hi), head);
            }
        }
        return "allocated";
    }

    long managedPages() {
        long m = 0;
        for (Node n : nodes) for (Zone z : n.zones) m += z.managed;
        return m;
    }

    long freePages() {
        long m = 0;
        for (Node n : nodes) for (Zone z : n.zones) m += z.freePages;
        return m;
    }

    /** zonelist construction (build_zonelists): nodes by distance, zones high to low within each node. */
    void buildZonelists() {
        int nn = nodes.size();
        Zone[] table = new Zone[1 << (PageFlags.ZONES_SHIFT + PageFlags.NODES_SHIFT)];
        for (Node n : nodes) for (Zone z : n.zones) table[z.type.ordinal() << PageFlags.NODES_SHIFT | n.nid] = z;
        zoneTable = table;
        zonelists = new Zone[nn][ZoneType.VALUES.length][];
        zonelistsThisNode = new Zone[nn][ZoneType.VALUES.length][];
        for (int a = 0; a < nn; a++) {
            Node local = nodes.get(a);
            List<Node> order = new ArrayList<>(nodes);
            order.sort((x, y) -> {
                int dx = machine.distance(local.nid, x.nid), dy = machine.distance(local.nid, y.nid);
                if (dx != dy) return Integer.compare(dx, dy);
                if (x == local) return -1;
                if (y == local) return 1;
                return Integer.compare(x.nid, y.nid);
            });
            for (int h = 0; h < ZoneType.VALUES.length; h++) {
                List<Zone> all = new ArrayList<>(), own = new ArrayList<>();
                for (Node n : order) {
                    for (int zi = Math.min(h, ZoneType.MOVABLE.ordinal()); zi >= 0; zi--) {
                        Zone z = n.zones[zi];
                        if (!z.populated()) continue;
                        all.add(z);
                        if (n == local) own.add(z);
                    }
                }
                zonelists[a][h] = all.toArray(new Zone[0]);
                zonelistsThisNode[a][h] = own.toArray(new Zone[0]);
            }
        }
        zonelistByNid = new Zone[nodeIndexByNid.length << ZL_SHIFT][];
        zonelistThisNodeByNid = new Zone[nodeIndexByNid.length << ZL_SHIFT][];
        for (int a = 0; a < nn; a++) {
            for (int h = 0; h < ZoneType.VALUES.length; h++) {
                zonelistByNid[nodes.get(a).nid << ZL_SHIFT | h] = zonelists[a][h];
                zonelistThisNodeByNid[nodes.get(a).nid << ZL_SHIFT | h] = zonelistsThisNode[a][h];
            }
        }
    }

    /** "Fallback order for Node N: ..." per node. */
    List<String> fallbackOrderLines() {
        List<String> out = new ArrayList<>();
        for (Node local : nodes) {
            List<Node> order = new ArrayList<>(nodes);
            order.sort((x, y) -> {
                int dx = machine.distance(local.nid, x.nid), dy = machine.distance(local.nid, y.nid);
                if (dx != dy) return Integer.compare(dx, dy);
                if (x == local) return -1;
                if (y == local) return 1;
                return Integer.compare(x.nid, y.nid);
            });
            StringBuilder sb = new StringBuilder("Fallback order for Node " + local.nid + ": ");
            for (Node n : order) sb.append(n.nid).append(' ');
            out.add(sb.toString());
        }
        return out;
    }
}
