package mm.reporting.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import mm.core.api.CallStack;
import mm.core.api.Gfp;
import mm.core.api.PageFlags;
import mm.core.api.Task;
import mm.core.hook.PageAllocHook;
import mm.reporting.api.ReportingStats;
import mm.reporting.api.Tunables;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What every strategy must guarantee, whatever its design. */
class StrategiesTest {
    static final CallStack TEST = CallStack.of("reporting_test");
    static final long REPORTED = PageFlags.bit(PageFlags.PG_reported);

    /** Tunables with a short reporting delay so the buddy strategy reports while the workload still runs. */
    static Tunables quick() {
        Tunables d = Tunables.defaults();
        return new Tunables(d.arrayCapacity(), d.arrayThreshold(), d.bitmapThreshold(), 20_000_000L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"buddy", "bitmap", "array", "sync"})
    void aPageIsNeverHandedOutWhileIsolatedForReporting(String strategy) throws Exception {
        try (Guest g = new Guest("tiny-2node", strategy, quick())) {
            List<String> violations = new CopyOnWriteArrayList<>();
            g.model.addAllocHook(new PageAllocHook() {
                @Override
                public void postAlloc(long pfn, int order, int gfp, CallStack stack, Task task, long ts) {
                    for (long p = pfn; p < pfn + (1L << order); p++) {
                        long b = g.support.isolatedBlockContaining(p);
                        if (b >= 0) violations.add("pfn " + p + " handed out while block " + b + " is isolated");
                    }
                }

                @Override
                public void preFree(long pfn, int order, CallStack stack, Task task, long ts) {}
            });
            g.core.resetStats();
            g.workloads.mix(0.05, 0.15, 3, 7);
            g.workloads.freeStorm(0.1, 4, 3, 50, 7);
            ReportingStats s = g.core.stats();
            assertTrue(s.reportedPages() > 0, "reporting ran during the workload: " + s);
            assertEquals(List.of(), violations);
            g.workloads.idle(10, 0);
            g.core.disable();
            assertEquals(0, g.isolated(), "nothing isolated once reporting stopped");
            assertTrue(g.support.isolated.isEmpty());
            g.assertChecks();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"buddy", "bitmap", "array", "sync"})
    void theReportedFlagIsClearedOnAllocationAndOnMerge(String strategy) throws Exception {
        try (Guest g = new Guest("tiny", strategy)) {
            g.workloads.idle(40, 0); // the boot's free memory is reported and back on the free lists
            // fill memory with THP-sized blocks, then free every other one: those cannot merge and get reported
            List<Long> held = new ArrayList<>();
            for (long pfn; (pfn = g.model.alloc(9, Gfp.GFP_HIGHUSER_MOVABLE | Gfp.__GFP_NOWARN, -1, TEST)) >= 0; ) held.add(pfn);
            assertTrue(held.size() > 40, "tiny has room for " + held.size() + " order-9 blocks");
            List<Long> kept = new ArrayList<>();
            for (int i = 0; i < held.size(); i++) {
                long pfn = held.get(i);
                boolean buddyHeld = held.contains(pfn ^ 512);
                if (i % 2 == 0 && buddyHeld) g.model.free(pfn, 9, TEST);
                else kept.add(pfn);
            }
            g.workloads.idle(40, 0);
            // a reported free order-9 block whose buddy we hold
            long q = -1;
            for (long pfn : held) {
                if (!kept.contains(pfn) && kept.contains(pfn ^ 512) && g.support.isReported(pfn)) { q = pfn; break; }
            }
            assertNotEquals(-1, q, strategy + " reported some of the freed blocks");
            g.core.disable(); // nothing may report (and set flags) behind the test's back now

            // merge: freeing the buddy merges the reported block away; the merged block is unreported
            long b = q ^ 512;
            g.model.free(b, 9, TEST);
            kept.remove(b);
            long merged = Math.min(q, b);
            assertFalse(g.support.isReported(merged), "the merged block is not reported");
            assertEquals(0, g.model.memmap().flags(q) & REPORTED, "PG_reported cleared on the merged-away block");
            assertEquals(10, g.model.memmap().privateField(merged), "merged to order 10");

            // allocation: find another reported block and allocate until the allocator hands it out
            long r = -1;
            for (long pfn : held) if (!kept.contains(pfn) && pfn != q && pfn != b && g.support.isReported(pfn)) { r = pfn; break; }
            assertNotEquals(-1, r);
            long refaults = g.balloon.refaults();
            List<Long> got = new ArrayList<>();
            long pfn;
            while ((pfn = g.model.alloc(9, Gfp.GFP_HIGHUSER_MOVABLE | Gfp.__GFP_NOWARN, -1, TEST)) >= 0) {
                got.add(pfn);
                if (pfn == r) break;
            }
            assertEquals(r, pfn, "the reported block was handed out");
            assertEquals(0, g.model.memmap().flags(r) & REPORTED, "PG_reported cleared when allocated");
            assertTrue(g.balloon.refaults() >= refaults + 512, "the host saw the reported block re-fault");
            for (long p : got) g.model.free(p, 9, TEST);
            for (long p : kept) g.model.free(p, 9, TEST);
            g.assertChecks();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"buddy", "bitmap", "array", "sync"})
    void aStormEndsWithAConsistentMachineAndAReportedGuest(String strategy) throws Exception {
        try (Guest g = new Guest("tiny", strategy)) {
            g.clock().awaitQuiescent(); // the worker waits for the device: nothing moves while we count
            long free0 = g.freeAfterDrain() + g.isolated();
            g.workloads.idle(40, 0);
            long rssBefore = g.balloon.hostRssPages();
            g.core.resetStats();
            g.workloads.freeStorm(0.125, 2, 2, 50, 3);
            g.workloads.idle(40, 0);
            long rssPeak = g.balloon.rssHistory().stream().mapToLong(x -> x[1]).max().orElse(0);
            ReportingStats s = g.core.stats();
            assertTrue(s.reportedPages() > 0 && s.batches() > 0, s.toString());
            assertTrue(rssPeak > rssBefore, "the storm touched memory");
            assertTrue(g.balloon.hostRssPages() < rssBefore + (rssPeak - rssBefore) / 2,
                    "reporting gave most of the storm's memory back to the host: " + g.balloon.hostRssPages()
                            + " pages after, " + rssBefore + " before, peak " + rssPeak);
            if (strategy.equals("sync")) {
                assertTrue(s.freePathEmuNanos() > 0, "sync pays the device latency on the freeing path");
                assertEquals(0, s.workerEmuNanos());
            } else {
                assertEquals(0, s.freePathEmuNanos(), "only sync stalls the freeing path");
                assertTrue(s.workerEmuNanos() > 0);
            }
            assertEquals(0, g.isolated());
            assertEquals(free0, g.freeAfterDrain(), "no page lost");
            g.assertChecks();
        }
    }

    @org.junit.jupiter.api.Test
    void theArrayDropsCapturesUnderAStormWhileBuddyAndBitmapDropNothing() throws Exception {
        // an array as small as one report on a 256 MiB guest is what 256 entries are on a big one
        Tunables small = new Tunables(32, 16, 16, Tunables.DELAY_NANOS);
        Map<String, Long> dropped = new java.util.TreeMap<>();
        Map<String, Long> captures = new java.util.TreeMap<>();
        for (String s : List.of("array", "buddy", "bitmap")) {
            try (Guest g = new Guest("tiny", s, small)) {
                g.workloads.idle(40, 0);
                g.core.resetStats();
                g.workloads.freeStorm(0.2, 3, 1, 50, 11);
                g.workloads.idle(40, 0);
                ReportingStats st = g.core.stats();
                dropped.put(s, st.dropped());
                captures.put(s, st.captures());
                g.assertChecks();
            }
        }
        assertTrue(dropped.get("array") > 0, "array dropped captures: " + dropped + " of " + captures);
        assertTrue(captures.get("array") > dropped.get("array"));
        assertEquals(0, dropped.get("buddy"));
        assertEquals(0, dropped.get("bitmap"));
    }
    /**
     * The host counts a re-fault for every discarded page the guest touches again, once, also for the pages the
     * kernel no longer flags: expand() drops PG_reported from the halves of a reported block it splits for order-0
     * allocations. The guest allocates everything it can, page by page, after a reporting pass.
     */
    @org.junit.jupiter.api.Test
    void everyDiscardedPageTheGuestAllocatesReFaultsExactlyOnce() throws Exception {
        try (Guest g = new Guest("tiny", "buddy")) {
            g.workloads.idle(40, 0);
            g.core.disable(); // the host view stays; nothing reports behind the test's back
            long discarded = g.balloon.discardedPages(), refaults, rss;
            assertTrue(discarded > 0, "the pass discarded the free memory");
            // pages freed to the per-cpu list and handed out again were backed already: no re-fault, no new RSS
            List<Long> warm = new ArrayList<>();
            for (int i = 0; i < 8; i++) warm.add(g.model.alloc(0, Gfp.GFP_HIGHUSER_MOVABLE, -1, TEST));
            for (long p : warm) g.model.free(p, 0, TEST);
            long again = g.balloon.refaults(), rssAgain = g.balloon.hostRssPages();
            for (int i = warm.size() - 1; i >= 0; i--)
                assertEquals(warm.get(i), g.model.alloc(0, Gfp.GFP_HIGHUSER_MOVABLE, -1, TEST), "LIFO per-cpu list");
            assertEquals(again, g.balloon.refaults(), "recycled pages are no re-faults");
            assertEquals(rssAgain, g.balloon.hostRssPages());
            for (long p : warm) g.model.free(p, 0, TEST);
            // now everything the guest can allocate, page by page
            discarded = g.balloon.discardedPages();
            refaults = g.balloon.refaults();
            rss = g.balloon.hostRssPages();
            g.core.resetStats();
            List<Long> held = new ArrayList<>();
            long pfn;
            while ((pfn = g.model.alloc(0, Gfp.GFP_HIGHUSER_MOVABLE | Gfp.__GFP_NOWARN, -1, TEST)) >= 0) held.add(pfn);
            long refaulted = g.balloon.refaults() - refaults;
            assertTrue(refaulted > discarded * 9 / 10, refaulted + " of " + discarded + " discarded pages re-faulted");
            assertEquals(discarded, refaulted + g.balloon.discardedPages(), "a discarded page stays so or re-faults");
            assertEquals(refaulted, g.core.stats().refaults(), "the statistics count the same re-faults");
            assertTrue(g.balloon.hostRssPages() >= rss + refaulted, "the re-faulted pages are backed again");
            g.model.kernel().pageAlloc.drainAllPages();
            assertTrue(g.balloon.discardedPages() <= g.model.totalFreePages(), "only free pages can be discarded");
            for (long p : held) g.model.free(p, 0, TEST);
            g.assertChecks();
        }
    }
}
