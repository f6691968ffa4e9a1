package mm.core.internal.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import mm.core.api.BadPageException;
import mm.core.api.CallStack;
import mm.core.api.Gfp;
import mm.core.api.Mm;
import mm.core.api.PageInfo;
import mm.core.api.PageState;
import mm.core.api.UninitialisedPageException;
import mm.core.api.ZoneType;
import mm.core.internal.deferred.DeferredInits;
import mm.machine.api.BootWorkload;
import mm.variant.internal.StandaloneVariants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The buddy allocator through the model: zones from GFP flags, zonelists, splitting and merging, bad frees. */
class AllocatorTest {
    static final CallStack ME = CallStack.of("allocator_test");
    MemoryModelImpl m;

    @BeforeEach
    void boot() {
        StandaloneVariants variants = new StandaloneVariants();
        DeferredInits.register(variants::register);
        m = new MemoryModelImpl(variants);
        m.boot(TestMachines.twoNodes(6 * 1024, false).withWorkload(new BootWorkload(1, 1, 0, 0, 0, new int[] {1})));
    }

    ZoneType zoneOf(long pfn) { return m.zoneOf(pfn).zone(); }

    int nodeOf(long pfn) { return m.zoneOf(pfn).nid(); }

    @Test
    void gfpFlagsChooseTheZoneAndTheZonelistPrefersTheLocalNode() {
        assertEquals(ZoneType.DMA, zoneOf(m.alloc(0, Gfp.GFP_KERNEL | Gfp.GFP_DMA, 0, ME)));
        assertEquals(ZoneType.DMA32, zoneOf(m.alloc(0, Gfp.GFP_KERNEL | Gfp.GFP_DMA32, 0, ME)));
        long normal0 = m.alloc(0, Gfp.GFP_KERNEL, 0, ME);
        assertEquals(ZoneType.NORMAL, zoneOf(normal0));
        assertEquals(0, nodeOf(normal0));
        assertEquals(1, nodeOf(m.alloc(0, Gfp.GFP_KERNEL, 1, ME)));
        // node 1 has no DMA32: a DMA32 request from node 1 falls back to node 0 (the zonelist by distance)
        long fromNode1 = m.alloc(0, Gfp.GFP_KERNEL | Gfp.GFP_DMA32, 1, ME);
        assertEquals(0, nodeOf(fromNode1));
        // ...unless __GFP_THISNODE forbids it
        assertEquals(-1, m.alloc(0, Gfp.GFP_KERNEL | Gfp.GFP_DMA32 | Gfp.__GFP_THISNODE | Gfp.__GFP_NOWARN, 1, ME));
        assertEquals(List.of(), m.check());
    }

    @Test
    void migratetypeFollowsTheGfpFlagsAndMovablePagesAreOnTheLru() {
        long pfn = m.alloc(0, Gfp.GFP_HIGHUSER_MOVABLE, 0, ME);
        assertEquals(PageState.ALLOCATED_HEAD, m.page(pfn).pageState());
        assertTrue(mm.core.api.PageFlags.names(m.page(pfn).flags()).contains("lru"));
        long r = m.alloc(2, Gfp.GFP_KERNEL | Gfp.__GFP_RECLAIMABLE, 0, ME);
        assertEquals(mm.core.api.MigrateType.RECLAIMABLE, m.page(r).pageblockMt(), "a reclaimable block was stolen");
        assertEquals(List.of(), m.check());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3, 9, 10})
    void splitAndMergeGiveBackTheSameFreeLists(int order) {
        m.kernel().pageAlloc.drainAllPages();
        String before = m.buddyinfo().text();
        long managed = m.totalManagedPages();
        List<Long> pfns = new ArrayList<>();
        for (int i = 0; i < 50; i++) pfns.add(m.alloc(order, Gfp.GFP_KERNEL, 0, ME));
        for (long p : pfns) {
            assertEquals(0, p & ((1L << order) - 1), "blocks are naturally aligned");
            assertEquals(order, m.kernel().pageAlloc.allocatedOrder(p));
        }
        assertEquals(List.of(), m.check());
        for (long p : pfns) m.free(p, order);
        m.kernel().pageAlloc.drainAllPages();
        assertEquals(before, m.buddyinfo().text(), "every split merged back");
        assertEquals(managed, m.totalManagedPages());
        assertEquals(List.of(), m.check());
    }

    @Test
    void gfpMasksParseAndPrintAsTheKernelSpellsThem() {
        assertEquals(0xcc0, Gfp.parse("GFP_KERNEL"));
        assertEquals(0xdc0, Gfp.parse("GFP_KERNEL|__GFP_ZERO"));
        assertEquals(Gfp.GFP_KERNEL, Gfp.parse("0xcc0"));
        assertEquals("0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP)", Gfp.format(Gfp.parse("GFP_HIGHUSER_MOVABLE|__GFP_COMP")));
        assertEquals("0x2cc1(GFP_KERNEL|GFP_DMA|__GFP_NOWARN)", Gfp.format(0x2cc1));
        assertEquals(ZoneType.MOVABLE, Gfp.highestZone(Gfp.GFP_HIGHUSER_MOVABLE));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Gfp.parse("GFP_KERNAL"));
        assertTrue(e.getMessage().contains("unknown GFP flag 'GFP_KERNAL'"));
    }

    /** A bad free raises a bad_page-style error naming the PFN and what its struct page says; nothing changes. */
    @Test
    void badFreesAreRefusedAndChangeNothing() {
        long a = m.alloc(2, Gfp.GFP_KERNEL, 0, ME);
        long b = m.alloc(0, Gfp.GFP_KERNEL, 0, ME);
        m.free(b, 0);
        m.kernel().pageAlloc.drainAllPages();
        String state = stateOf();
        expectBad(() -> m.free(b, 0), b, "double free: page is already free");
        expectBad(() -> m.free(a, 1), a, "freed with order 1 but allocated with order 2");
        expectBad(() -> m.free(a + 1, 0), a + 1, "tail page: it belongs to the block allocated at pfn");
        assertThrows(IllegalArgumentException.class, () -> m.free(a, 11)).getMessage().contains("invalid order 11");
        expectBad(() -> m.free(1L << 40, 0), 1L << 40, "outside the machine");
        expectBad(() -> m.free(0, 0), 0, "PG_reserved is set");
        assertEquals(state, stateOf(), "the emulated state is unchanged");
        assertEquals(List.of(), m.check());
        m.free(a, 2);
        assertEquals(List.of(), m.check());
    }

    @Test
    void invalidOrdersAreRefusedOnAllocation() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.alloc(11, Gfp.GFP_KERNEL, 0, ME));
        assertTrue(e.getMessage().contains("invalid order 11"));
    }

    @Test
    void readingAnUninitialisedStructPageIsCaught() {
        StandaloneVariants variants = new StandaloneVariants();
        DeferredInits.register(variants::register);
        MemoryModelImpl d = new MemoryModelImpl(variants);
        AtomicReference<Throwable> seen = new AtomicReference<>();
        // a phase listener reading the deferred part before page_alloc_init_late: the 2017 bug shape
        d.addPhaseListener((phase, ctx) -> {
            if (phase != mm.core.hook.BootPhase.MID_ALLOCATIONS) return;
            long pfn = 0x40000; // deferred (the top of memory holds memblock reservations, initialised early)
            try { ctx.model().memmap().flags(pfn); } catch (UninitialisedPageException ex) { seen.set(ex); }
        });
        d.boot(TestMachines.oneNode(2048, true));
        assertTrue(seen.get() != null, "reading a deferred struct page must throw");
        assertTrue(seen.get().getMessage().contains("uninitialised struct page"));
    }

    private String stateOf() {
        return m.buddyinfo().text() + m.totalFreePages() + "/" + m.totalManagedPages() + m.zoneinfo().text();
    }

    private static void expectBad(Runnable r, long pfn, String what) {
        BadPageException e = assertThrows(BadPageException.class, r::run);
        assertEquals(pfn, e.pfn());
        assertTrue(e.getMessage().contains(what), e.getMessage());
        assertTrue(e.getMessage().startsWith(String.format("BUG: Bad page state: pfn %#x", pfn)), e.getMessage());
    }

    /**
     * free_pcppages_bulk (6.x): when a free fills the per-cpu lists to pcp->high, nr_pcp_free's count (the run of
     * frees, leaving a batch) goes back to the buddy starting with the freed page's list, each list emptied oldest
     * page first before the next one; nr_pcp_high raises high to hold the run plus a batch.
     */
    @Test
    void aFullPerCpuListDrainsListByListOldestFirst() {
        Kernel k = m.kernel();
        Zone z = k.pageZone(k.mm.f(m.alloc(0, Gfp.GFP_KERNEL, 0, ME)));
        Zone.Pcp p = z.pcp(k.cpus.cpu());
        int lo = p.highMin, batch = p.batch;
        assertTrue(lo > 2 * batch + 2, "pcp high_min " + lo + ", batch " + batch);
        // pages of this zone whose pageblocks put them on the unmovable (0) and movable (1) lists when freed
        List<Long> unmovable = new ArrayList<>(), movable = new ArrayList<>();
        while (unmovable.size() < lo - batch - 1 || movable.size() < batch + 1) {
            boolean wantMovable = movable.size() < batch + 1;
            long pfn = m.alloc(0, wantMovable ? Gfp.GFP_HIGHUSER_MOVABLE : Gfp.GFP_KERNEL, 0, ME);
            assertTrue(pfn >= 0);
            int mt = k.mm.pageblockMt(pfn);
            if (k.pageZone(k.mm.f(pfn)) != z || mt > 1) continue;
            if (mt == 1 && movable.size() < batch + 1) movable.add(pfn);
            else if (mt == 0 && unmovable.size() < lo - batch - 1) unmovable.add(pfn);
        }
        k.pageAlloc.drainAllPages();
        // an idle minute: vmstat_update's decay has brought high back to high_min
        k.advanceClock(60_000_000_000L);
        assertEquals(lo, p.high);
        for (long pfn : unmovable) m.free(pfn, 0);
        for (long pfn : movable) m.free(pfn, 0); // the last one brings the lists to pcp->high
        // free_count: the run of lo frees (capped at batch << 5); nr_pcp_free leaves at least a batch
        int run = Math.min(unmovable.size() + movable.size(), batch << PageAlloc.PCP_BATCH_SCALE_MAX);
        int drained = Math.min(Math.max(run, batch), lo - batch);
        assertEquals(lo - drained, p.count);
        assertEquals(Math.max(lo, Math.min(run + batch, p.highMax)), p.high, "high raised to hold the run of frees");
        // the movable list (the last freed page's) went first, then the unmovable one, oldest pages first
        for (long pfn : movable) {
            PageState st = m.page(pfn).pageState();
            assertTrue(st == PageState.FREE_BUDDY || st == PageState.FREE_INSIDE_BUDDY_BLOCK, st.toString());
        }
        int unmovableDrained = drained - movable.size();
        for (int i = 0; i < unmovable.size(); i++) {
            PageState st = m.page(unmovable.get(i)).pageState();
            if (i < unmovableDrained) assertTrue(st == PageState.FREE_BUDDY || st == PageState.FREE_INSIDE_BUDDY_BLOCK,
                    i + ": " + st);
            else assertEquals(PageState.FREE_PCP, st, i + ": " + st);
        }
        assertEquals(List.of(), m.check());
    }

    /**
     * pcp_spin_trylock: while this CPU's per-cpu list is busy (a drain from another CPU holds it), an order-0
     * allocation is served by the buddy and a free goes straight back to it, leaving the list alone.
     */
    @Test
    void aBusyPerCpuListSendsOrderZeroTrafficToTheBuddy() {
        Kernel k = m.kernel();
        long warm = m.alloc(0, Gfp.GFP_KERNEL, 0, ME);
        m.free(warm, 0);
        Zone z = k.pageZone(k.mm.f(warm));
        Zone.Pcp p = z.pcp(k.cpus.cpu());
        int listed = p.count;
        long free = z.freePages;
        assertTrue(listed > 0, "the free went to the per-cpu list");
        p.lock();
        long pfn;
        try {
            pfn = m.alloc(0, Gfp.GFP_KERNEL, 0, ME);
            assertEquals(listed, p.count, "the busy list was not touched");
            assertEquals(free - 1, z.freePages, "the page came from the buddy");
            m.free(pfn, 0);
            assertEquals(listed, p.count);
            assertEquals(free, z.freePages, "the page went straight back to the buddy");
        } finally {
            p.unlock();
        }
        PageState st = m.page(pfn).pageState();
        assertTrue(st == PageState.FREE_BUDDY || st == PageState.FREE_INSIDE_BUDDY_BLOCK, m.page(pfn).state());
        assertEquals(List.of(), m.check());
    }

    /**
     * A FreeListTakeHook sees every page that leaves the buddy free lists for an allocation (a block for
     * rmqueue_buddy, the runs of a per-cpu refill), each once; a page recycled through a per-cpu list is not seen
     * again, so the order-0 alloc/free fast path costs a take hook nothing.
     */
    @Test
    void aTakeHookSeesMemoryLeaveTheBuddyOnceAndNeverThePerCpuFastPath() {
        java.util.Set<Long> taken = new java.util.HashSet<>();
        List<String> duplicates = new ArrayList<>();
        long[] calls = {0};
        mm.core.hook.FreeListTakeHook hook = (pfn, nr, order) -> {
            calls[0]++;
            for (long p = pfn; p < pfn + nr; p++) if (!taken.add(p)) duplicates.add(Long.toHexString(p));
        };
        m.addTakeHook(hook);
        try {
            Kernel k = m.kernel();
            k.pageAlloc.drainAllPages();
            List<long[]> held = new ArrayList<>();
            for (int i = 0; i < 300; i++) held.add(new long[] {m.alloc(0, Gfp.GFP_KERNEL, 0, ME), 0});
            for (int order : new int[] {1, 3, 9}) held.add(new long[] {m.alloc(order, Gfp.GFP_KERNEL, 0, ME), order});
            for (long[] b : held) {
                assertTrue(b[0] >= 0);
                for (long p = b[0]; p < b[0] + (1L << b[1]); p++)
                    assertTrue(taken.contains(p), "allocated pfn " + Long.toHexString(p) + " was seen leaving");
            }
            assertEquals(List.of(), duplicates, "each page leaves the free lists once");
            assertTrue(calls[0] < 300, "a per-cpu refill is told in runs, not page by page: " + calls[0] + " calls");
            // the fast path: a free to the per-cpu list and the allocation it serves call no hook
            long before = calls[0];
            for (int i = 0; i < 1000; i++) m.free(m.alloc(0, Gfp.GFP_KERNEL, 0, ME), 0);
            assertEquals(before, calls[0], "per-cpu alloc/free pairs never reach a take hook");
            for (long[] b : held) m.free(b[0], (int) b[1]);
        } finally {
            m.removeTakeHook(hook);
        }
        assertEquals(List.of(), m.check());
    }

    /** Two threads x 1M random alloc/free pairs on their own nodes and on each other's: the checker finds nothing. */
    @Test
    void concurrentRandomAllocFreeStressEndsConsistent() throws Exception {
        long managed = m.totalManagedPages();
        List<Thread> ts = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int t = 0; t < 2; t++) {
            final int seed = t;
            Thread th = new Thread(() -> {
                try {
                    SplittableRandom r = new SplittableRandom(seed);
                    long[] held = new long[4096];
                    int[] orders = new int[4096];
                    int n = 0;
                    for (int i = 0; i < 1_000_000; i++) {
                        if (n > 0 && (n == held.length || r.nextBoolean())) {
                            int k = r.nextInt(n);
                            m.free(held[k], orders[k]);
                            held[k] = held[--n];
                            orders[k] = orders[n];
                        } else {
                            int order = r.nextInt(8) == 0 ? r.nextInt(Mm.PAGE_ALLOC_COSTLY_ORDER + 1) : 0;
                            int gfp = r.nextBoolean() ? Gfp.GFP_KERNEL : Gfp.GFP_HIGHUSER_MOVABLE;
                            long pfn = m.alloc(order, gfp, r.nextInt(4) == 0 ? 1 - seed : seed, ME);
                            if (pfn >= 0) { held[n] = pfn; orders[n++] = order; }
                        }
                    }
                    for (int k = 0; k < n; k++) m.free(held[k], orders[k]);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            ts.add(th);
            th.start();
        }
        for (Thread th : ts) th.join();
        if (failure.get() != null) throw new AssertionError(failure.get());
        assertEquals(List.of(), m.check());
        m.kernel().pageAlloc.drainAllPages();
        TestMachines.freeAtomicPools(m);
        assertEquals(managed, m.totalManagedPages());
        assertEquals(managed, m.totalFreePages(), "every page is free again");
        assertEquals(List.of(), m.check());
    }
}
