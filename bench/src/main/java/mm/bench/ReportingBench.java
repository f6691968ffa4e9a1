package mm.bench;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import mm.core.api.CallStack;
import mm.core.api.Gfp;
import mm.core.hook.FreeListHook;
import mm.core.hook.FreeListTakeHook;
import mm.core.internal.deferred.DeferredInits;
import mm.core.internal.mm.MemoryModelImpl;
import mm.core.internal.mm.ReportingSupportImpl;
import mm.core.spi.FreePageReportingSupport;
import mm.reporting.api.ReportingService;
import mm.reporting.api.Tunables;
import mm.reporting.internal.ArrayStrategy;
import mm.reporting.internal.BitmapStrategy;
import mm.reporting.internal.BuddyStrategy;
import mm.reporting.internal.Hooks;
import mm.reporting.internal.ReportingCore;
import mm.reporting.internal.Strategy;
import mm.reporting.internal.SyncStrategy;
import mm.reporting.internal.VirtioBalloon;
import mm.reporting.internal.WorkloadsImpl;
import mm.variant.internal.StandaloneVariants;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Free page reporting costs. {@code allocFree}: order-0 alloc + free pairs per second on a 2 GiB guest with no
 * reporting bundle ({@code none}); reporting disabled after it reported the free memory ({@code disabled}: no
 * strategy, but the device's take hook stays, as the host still has discarded pages); and each strategy enabled in
 * steady state (free memory already reported, the worker and its hooks live; {@code sync} has no worker). Every
 * variant should run at the speed of {@code none}: the pairs are served by the per-cpu list, which no reporting hook
 * sees (docs/reporting.md gives the ratios).
 * {@code hookCost}: the enqueue hook alone, called as __free_one_page calls it for a qualifying order-9 free.
 * {@code reportAll}: the buddy worker reporting all free memory of a 4 GiB guest (device latency 0): divide the free
 * GiB printed at setup by the time per op for GiB/s of emulated memory.
 */
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"-Xmx3g"})
public class ReportingBench {
    static final CallStack STACK = CallStack.of("bench_alloc", "ReportingBench");

    static final class DirectHooks implements Hooks {
        final MemoryModelImpl m;

        DirectHooks(MemoryModelImpl m) { this.m = m; }

        @Override public AutoCloseable addFreeListHook(FreeListHook h) {
            CapturingHooks.last = h;
            m.addFreeListHook(h);
            return () -> m.removeFreeListHook(h);
        }

        @Override public AutoCloseable addTakeHook(FreeListTakeHook h) { m.addTakeHook(h); return () -> m.removeTakeHook(h); }
    }

    /** A booted guest with reporting set up as {@code mode} says. */
    static final class Guest {
        final StandaloneVariants variants = new StandaloneVariants();
        final MemoryModelImpl model = new MemoryModelImpl(variants);
        ReportingCore core;
        VirtioBalloon balloon;
        WorkloadsImpl workloads;
        FreePageReportingSupport support;

        Guest(String mode, int gib, Tunables params, long latency) {
            DeferredInits.register(variants::register);
            if (!mode.equals("none")) {
                Strategy s = switch (mode) {
                    case "bitmap" -> new BitmapStrategy();
                    case "array" -> new ArrayStrategy();
                    case "sync" -> new SyncStrategy();
                    default -> new BuddyStrategy();
                };
                support = new ReportingSupportImpl(model);
                DirectHooks hooks = new DirectHooks(model);
                variants.register(ReportingService.SUBSYSTEM, s.name(), true, s);
                core = new ReportingCore(model, support, hooks, variants);
                if (params != null) core.setTunables(params);
                model.addPhaseListener(core);
                balloon = new VirtioBalloon(model, hooks, core);
                balloon.setLatencyNanos(latency);
                core.register(balloon);
                workloads = WorkloadsImpl.of(core);
            }
            model.boot(Machines.x86(1, gib, false, Map.of()));
            if (workloads != null) workloads.idle(60, 0); // steady state: the boot's free memory is reported
            // disabled: reporting ran, then mm:reporting disable; the host still tracks re-faults of what it discarded
            if (mode.equals("disabled")) core.disable();
        }

        void close() {
            if (core != null) core.disable();
        }
    }

    @State(Scope.Benchmark)
    public static class AllocFree {
        @Param({"none", "disabled", "buddy", "bitmap", "array", "sync"})
        public String reporting;
        Guest g;

        @Setup(Level.Trial)
        public void boot() { g = new Guest(reporting, 2, null, VirtioBalloon.DEFAULT_LATENCY_NANOS); }

        @TearDown(Level.Trial)
        public void stop() { g.close(); }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Warmup(iterations = 2, time = 2)
    @Measurement(iterations = 3, time = 2)
    public long allocFree(AllocFree s) {
        long pfn = s.g.model.alloc(0, Gfp.GFP_KERNEL, 0, STACK);
        s.g.model.free(pfn, 0);
        return pfn;
    }

    /** The enqueue hooks alone, as __free_one_page calls them (under the zone lock) for an order-9 free. */
    @State(Scope.Benchmark)
    public static class Hook {
        @Param({"buddy", "bitmap", "array"})
        public String reporting;
        Guest g;
        FreeListHook hook;
        final long[] pfns = new long[64];
        int i, nid;
        mm.core.api.ZoneType type;

        @Setup(Level.Trial)
        public void boot() {
            g = new Guest(reporting, 2, null, VirtioBalloon.DEFAULT_LATENCY_NANOS);
            // the strategy's hook is the one registered in the zones; take it from the model's whiteboard
            hook = CapturingHooks.last;
            var z = g.support.zones().get(g.support.zones().size() - 1);
            nid = z.nid();
            type = z.type();
            for (int k = 0; k < pfns.length; k++) pfns[k] = (z.startPfn() & -512L) + 512L * (k + 1);
        }

        @TearDown(Level.Trial)
        public void stop() { g.close(); }
    }

    /** Records the last FreeListHook registered (to call it directly). */
    static final class CapturingHooks {
        static volatile FreeListHook last;
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public void hookCost(Hook h) {
        FreeListHook f = h.hook;
        long pfn = h.pfns[h.i++ & 63];
        f.onEnqueue(h.nid, h.type, pfn, 9, mm.core.api.MigrateType.MOVABLE);
    }

    @State(Scope.Benchmark)
    public static class Worker {
        Guest g;
        Tunables params;

        @Setup(Level.Trial)
        public void boot() {
            Tunables d = Tunables.defaults();
            params = new Tunables(d.arrayCapacity(), d.arrayThreshold(), d.bitmapThreshold(), 0);
            g = new Guest("buddy", 4, params, 0);
            System.out.printf("%n[reportAll] free memory %.3f GiB%n", g.model.totalFreePages() * 4096.0 / (1L << 30));
        }

        @TearDown(Level.Trial)
        public void stop() { g.close(); }
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public long reportAll(Worker w) {
        for (var z : w.g.support.zones()) w.g.support.clearReported(z);
        w.g.core.resetStats();
        w.g.core.setTunables(w.params); // restart: page_reporting_register requests a pass
        w.g.workloads.idle(1, 0);
        long reported = w.g.core.stats().reportedPages();
        if (reported < w.g.model.totalFreePages() / 2) throw new IllegalStateException("only " + reported + " pages reported");
        return reported;
    }

    /**
     * {@code idleMinute}: a minute of emulated idle time on a booted 2 GiB guest with the buddy strategy (the reporting
     * delays and the device's latency on the emulated clock). Emulated time runs 60 s / (time per op) faster than real
     * time; this used to be a timed assertion in LiveSwitchTest.
     */
    @State(Scope.Benchmark)
    public static class Idle {
        Guest g;

        @Setup(Level.Trial)
        public void boot() { g = new Guest("buddy", 2, null, VirtioBalloon.DEFAULT_LATENCY_NANOS); }

        @TearDown(Level.Trial)
        public void stop() { g.close(); }
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public long idleMinute(Idle s) {
        return s.g.workloads.idle(60, 0).emulatedNanos();
    }
}
