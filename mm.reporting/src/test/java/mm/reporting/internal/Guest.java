package mm.reporting.internal;

import static mm.reporting.api.ReportingService.ARRAY;
import static mm.reporting.api.ReportingService.BITMAP;
import static mm.reporting.api.ReportingService.BUDDY;
import static mm.reporting.api.ReportingService.SUBSYSTEM;
import static mm.reporting.api.ReportingService.SYNC;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import mm.core.internal.deferred.DeferredInits;
import mm.core.internal.mm.MemoryModelImpl;
import mm.core.internal.mm.ReportingSupportImpl;
import mm.machine.api.Machine;
import mm.machine.internal.MachineServiceImpl;
import mm.reporting.api.Tunables;
import mm.variant.internal.StandaloneVariants;

/**
 * A small emulated guest without OSGi: mm.core's model booted on a built-in machine, the reporting core with the
 * four strategies (the "variant registry" is a field), the balloon device and the workloads.
 */
final class Guest implements AutoCloseable {
    final StandaloneVariants variants = new StandaloneVariants();
    final MemoryModelImpl model = new MemoryModelImpl(variants);
    final RecordingSupport support;
    final ReportingCore core;
    final VirtioBalloon balloon;
    final WorkloadsImpl workloads;
    /** Hand-over violations: pages still isolated when a stopped strategy's stop() returned. */
    final List<String> handoverViolations = new java.util.concurrent.CopyOnWriteArrayList<>();

    Guest(String machine, String strategy) throws Exception {
        this(machine, strategy, null);
    }

    /** {@code params}: the strategies' tunables (null: the defaults). */
    Guest(String machine, String strategy, Tunables params) throws Exception {
        this(machine, strategy, params, null);
    }

    /** {@code memmap}: the memmap storage variant (null: the default). */
    Guest(String machine, String strategy, Tunables params, String memmap) throws Exception {
        DeferredInits.register(variants::register);
        if (memmap != null) variants.select(mm.core.api.MemmapVariants.SUBSYSTEM, memmap);
        // the strategies, each checked for a clean hand-over when it stops
        variants.register(SUBSYSTEM, BUDDY, false, checked(new BuddyStrategy()))
                .register(SUBSYSTEM, BITMAP, false, checked(new BitmapStrategy()))
                .register(SUBSYSTEM, ARRAY, false, checked(new ArrayStrategy()))
                .register(SUBSYSTEM, SYNC, false, checked(new SyncStrategy()));
        variants.select(SUBSYSTEM, strategy);
        support = new RecordingSupport(new ReportingSupportImpl(model));
        DirectHooks hooks = new DirectHooks(model);
        core = new ReportingCore(model, support, hooks, variants);
        variants.addListener(core);
        if (params != null) core.setTunables(params);
        model.addPhaseListener(core);
        balloon = new VirtioBalloon(model, hooks, core);
        core.register(balloon);
        workloads = WorkloadsImpl.of(core);
        model.addRebootNotifier(workloads);
        Machine m = new MachineServiceImpl().builtin(machine).orElseThrow();
        model.boot(m);
    }

    private Strategy checked(Strategy s) {
        return new Strategy() {
            @Override public String name() { return s.name(); }
            @Override public void start(StrategyContext c) { s.start(c); }
            @Override public Map<String, Object> details() { return s.details(); }

            @Override
            public void stop() {
                s.stop();
                if (!support.isolated.isEmpty())
                    handoverViolations.add(s.name() + " stopped with blocks isolated: " + support.isolated);
            }
        };
    }

    /** mm:variant reporting NAME: the registry changes its selection, then tells its listeners (the core). */
    void select(String strategy) {
        variants.select(SUBSYSTEM, strategy);
    }

    EmuClock clock() { return core.clock(); }

    void assertChecks() {
        assertEquals(List.of(), handoverViolations, "hand-over");
        List<String> v = model.check();
        assertEquals(List.of(), v, "mm:check");
    }

    /** Free pages in the buddy and on the pcp lists (after draining them). */
    long freeAfterDrain() {
        model.kernel().pageAlloc.drainAllPages();
        return model.totalFreePages();
    }

    long isolated() {
        long n = 0;
        for (var z : support.zones()) n += z.isolatedPages();
        return n;
    }

    @Override
    public void close() {
        core.deactivate();
    }
}
