package mm.reporting.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import mm.machine.api.Machine;
import mm.core.internal.deferred.PerNodeDeferredInit;
import mm.machine.internal.MachineServiceImpl;
import mm.core.internal.mm.MemoryModelImpl;
import mm.core.internal.mm.ReportingSupportImpl;

/**
 * A small emulated guest without OSGi: mm.core's model booted on a built-in machine, the reporting core with the
 * four strategies (the "variant registry" is a field), the balloon device and the workloads.
 */
final class Guest implements AutoCloseable {
    final MemoryModelImpl model = new MemoryModelImpl();
    final RecordingSupport support;
    final ReportingCore core;
    final VirtioBalloon balloon;
    final WorkloadsImpl workloads;
    /** Hand-over violations: pages still isolated when a stopped strategy's stop() returned. */
    final List<String> handoverViolations = new java.util.concurrent.CopyOnWriteArrayList<>();
    final Map<String, Strategy> strategies = Map.of("buddy", checked(new BuddyStrategy()), "bitmap",
            checked(new BitmapStrategy()), "array", checked(new ArrayStrategy()), "sync", checked(new SyncStrategy()));
    private volatile String active;

    Guest(String machine, String strategy) throws Exception {
        this(machine, strategy, null);
    }

    /** {@code params}: the strategies' tunables (null: the defaults). */
    Guest(String machine, String strategy, StrategyContext.Params params) throws Exception {
        model.addDeferredInit(new PerNodeDeferredInit());
        support = new RecordingSupport(new ReportingSupportImpl(model));
        active = strategy;
        DirectHooks hooks = new DirectHooks(model);
        core = new ReportingCore(model, support, hooks, () -> active == null ? null : strategies.get(active));
        if (params != null) core.setParams(params);
        model.addPhaseListener(core);
        balloon = new VirtioBalloon(model, hooks, core);
        core.register(balloon);
        workloads = WorkloadsImpl.of(core);
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

    /** mm:variant reporting NAME: the registry changes its selection, then tells its listeners. */
    void select(String strategy) {
        String prev = active;
        active = strategy;
        core.activeChanged("reporting", prev, strategy);
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
