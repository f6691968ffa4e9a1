package mm.reporting.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import mm.reporting.api.ReportingBusyException;
import mm.reporting.api.Workloads;
import org.junit.jupiter.api.Test;

/** Switching strategies, disabling and registering devices while the guest allocates and frees. */
class LiveSwitchTest {
    static final List<String> CYCLE = List.of("buddy", "bitmap", "array", "sync");

    @Test
    void aLiveSwitchInTheMiddleOfAStormLosesAndDuplicatesNoPage() throws Exception {
        try (Guest g = new Guest("tiny-2node", "buddy", StrategiesTest.quick())) {
            g.clock().awaitQuiescent();
            long before = g.freeAfterDrain() + g.isolated();
            List<String> handover = new CopyOnWriteArrayList<>();
            // four guest threads allocating and freeing in waves, in the background
            CompletableFuture<Workloads.Result> storm =
                    CompletableFuture.supplyAsync(() -> g.workloads.freeStorm(0.05, 40, 4, 50, 5));
            int switches = 0, duringStorm = 0;
            while (!storm.isDone() || switches < 8) {
                String next = CYCLE.get(switches % CYCLE.size());
                if (next.equals(g.core.strategy())) next = CYCLE.get((switches + 1) % CYCLE.size());
                g.select(next);
                switches++;
                if (!storm.isDone()) duringStorm++;
                // the old strategy's pages went back before the new one started: what is isolated now is the new one's
                if (!next.equals(g.core.strategy())) handover.add("after selecting " + next + " the core runs " + g.core.strategy());
                if (switches > 400) break;
            }
            Workloads.Result r = storm.get(60, TimeUnit.SECONDS);
            assertEquals(r.allocatedPages(), r.freedPages(), "the storm freed everything it allocated");
            assertTrue(r.allocatedPages() > 0);
            // how many switches land mid-storm depends on the host's speed; at least one does (the storm outlasts one)
            assertTrue(switches >= 8 && duringStorm >= 1, "switched " + switches + " times, " + duringStorm + " mid-storm");
            assertEquals(List.of(), handover);
            g.assertChecks();
            g.core.disable();
            assertEquals(0, g.isolated(), "disabled: nothing isolated");
            assertTrue(g.support.isolated.isEmpty(), "every isolated block was put back: " + g.support.isolated);
            assertEquals(before, g.freeAfterDrain(), "no page lost or duplicated across " + switches + " switches");
            g.assertChecks();
        }
    }

    @Test
    void stoppingAStrategyPutsItsIsolatedPagesBackBeforeTheNextStarts() throws Exception {
        try (Guest g = new Guest("tiny", "bitmap")) {
            // the worker reports the boot's free memory; catch it mid-report (pages isolated, waiting for the host)
            g.core.clock().awaitQuiescent();
            long isolatedMidReport = g.isolated();
            assertTrue(isolatedMidReport > 0, "the bitmap worker waits for the device with a batch isolated");
            g.select("array");
            // array seeds from the free lists; whatever is isolated now was isolated by array, after bitmap stopped
            g.core.clock().awaitQuiescent();
            g.core.disable();
            assertEquals(0, g.isolated());
            assertTrue(g.support.isolated.isEmpty());
            g.assertChecks();
        }
    }

    @Test
    void aSecondDeviceIsRefusedWithEbusy() throws Exception {
        try (Guest g = new Guest("tiny", "buddy")) {
            VirtioBalloon second = new VirtioBalloon(g.model, new DirectHooks(g.model), g.core);
            ReportingBusyException e = assertThrows(ReportingBusyException.class, () -> g.core.register(second));
            assertEquals(-16, e.errno());
            assertTrue(e.getMessage().contains("EBUSY"), e.getMessage());
            assertNotNull(g.core.device());
            // after the first one goes away, the second can register
            g.core.unregister(g.balloon);
            g.core.register(second);
            assertEquals(second, g.core.device());
            g.assertChecks();
        }
    }

    @Test
    void disablingStopsReportingAndEnablingResumesIt() throws Exception {
        try (Guest g = new Guest("tiny", "buddy")) {
            g.core.disable();
            g.core.resetStats();
            g.workloads.freeStorm(0.1, 1, 1, 50, 2);
            g.workloads.idle(20, 0);
            assertEquals(0, g.core.stats().reportedPages(), "nothing reported while disabled");
            assertEquals(0, g.core.stats().captures(), "no hook ran while disabled");
            g.core.enable();
            g.workloads.idle(40, 0);
            assertTrue(g.core.stats().reportedPages() > 0, "reporting resumed");
            g.assertChecks();
        }
    }

    @Test
    void pageReportingOrderIsPageblockOrderByDefaultAndConfigurable() throws Exception {
        try (Guest g = new Guest("tiny", "buddy")) {
            assertEquals(9, g.core.order());
            g.workloads.idle(40, 0);
            g.core.setOrder(10);
            assertEquals(10, g.core.order());
            g.core.resetStats();
            g.workloads.freeStorm(0.1, 2, 1, 100, 4); // THP frees: order-9 blocks, some merge to order 10
            g.workloads.idle(40, 0);
            var zones = g.core.stats().zones();
            long o9 = zones.stream().mapToLong(z -> z.reportedBlocks()[9]).sum();
            long o10 = zones.stream().mapToLong(z -> z.reportedBlocks()[10]).sum();
            assertEquals(0, o9, "nothing below page_reporting_order is reported");
            assertTrue(o10 > 0);
            assertThrows(IllegalArgumentException.class, () -> g.core.setOrder(11));
            g.core.setOrder(-1);
            assertEquals(9, g.core.order(), "-1: back to the default");
            g.assertChecks();
        }
    }

    @Test
    void anIdleMinuteAdvancesTheEmulatedClockByAMinuteAndReportsEverything() throws Exception {
        // (how much faster than real time it runs is measured by ReportingBench.idleMinute, not asserted here)
        try (Guest g = new Guest("tiny", "buddy")) {
            long e0 = g.clock().now();
            Workloads.Result r = g.workloads.idle(60, 0);
            assertEquals(60_000_000_000L, g.clock().now() - e0, 1_000_000L);
            assertEquals(g.clock().now() - e0, r.emulatedNanos());
            assertEquals(0, g.isolated());
            assertTrue(g.core.stats().reportedPages() > 0, "the idle minute reported the boot's free memory");
            g.assertChecks();
        }
    }

    @Test
    void offlinePagesWaitsForTheWorkerToPutItsBlockBackOnTheEmulatedClock() throws Exception {
        try (Guest g = new Guest("tiny", "bitmap")) {
            g.balloon.setLatencyNanos(3_600_000_000_000L); // an hour per report: nothing comes back by itself
            g.clock().awaitQuiescent();
            g.workloads.idle(3, 0); // past the 2 s reporting delay: the worker isolates a batch and waits for the host
            long pfn = g.support.isolated.keySet().stream().findFirst().orElseThrow();
            long before = g.clock().now();
            assertTrue(g.core.awaitPutback(pfn), "the worker held pfn " + Long.toHexString(pfn));
            assertFalse(g.support.isIsolated(pfn));
            assertTrue(g.clock().now() - before >= 3_000_000_000_000L, "the clock ran to the report's completion");
            assertFalse(g.core.awaitPutback(pfn), "a block that is not isolated is not waited for");
            g.core.disable();
            g.assertChecks();
        }
    }

    @Test
    void aRebootStartsTheStrategyAgainOnTheNewKernel() throws Exception {
        try (Guest g = new Guest("tiny", "bitmap")) {
            g.workloads.idle(10, 0);
            long boot1 = g.support.bootId();
            g.model.boot(new mm.machine.internal.MachineServiceImpl().builtin("tiny-2node").orElseThrow());
            assertTrue(g.support.bootId() > boot1);
            assertEquals("bitmap", g.core.stats().strategy());
            assertTrue(g.core.stats().running());
            g.workloads.freeStorm(0.05, 2, 2, 50, 9);
            g.workloads.idle(40, 0);
            g.core.disable();
            assertEquals(0, g.isolated());
            g.assertChecks();
        }
    }

    @Test
    void aRebootStopsABackgroundWorkloadFirstAndItSaysWhy() throws Exception {
        try (Guest g = new Guest("tiny", "buddy")) {
            long freeBefore = g.freeAfterDrain();
            CompletableFuture<Workloads.Result> mix =
                    CompletableFuture.supplyAsync(() -> g.workloads.mix(3600, 0.05, 4, 7));
            // wait (against a hang only) until the workload holds pages, then reboot under it
            long bound = System.nanoTime() + 120_000_000_000L;
            while (g.model.totalFreePages() > freeBefore - 1000 && !mix.isDone() && System.nanoTime() < bound) {
                Thread.onSpinWait();
            }
            assertFalse(mix.isDone(), "the workload runs an emulated hour");
            g.model.boot(new mm.machine.internal.MachineServiceImpl().builtin("tiny").orElseThrow());
            assertTrue(mix.isDone(), "the reboot returned only once the workload had stopped");
            Workloads.Result r = mix.get();
            assertEquals("the machine rebooted under it; the pages it held went away with the old kernel",
                    r.stoppedBecause());
            assertTrue(r.allocatedPages() > 0);
            g.core.disable();
            g.assertChecks();
        }
    }
}
