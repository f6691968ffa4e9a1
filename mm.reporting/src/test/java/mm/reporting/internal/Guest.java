package mm.reporting.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import mm.core.api.Machine;
import mm.core.internal.deferred.PerNodeDeferredInit;
import mm.core.internal.machine.MachineServiceImpl;
import mm.core.internal.mm.MemoryModelImpl;
import mm.core.internal.mm.ReportingSupportImpl;

/**
 * A small emulated guest without OSGi: mm.core's model booted on a built-in machine, the reporting core with the
 * four strategies (the "variant registry" is a field), the balloon device and the workloads.
 */
final class Guest implements AutoCloseable {
    final MemoryModelImpl model = new MemoryModelImpl();
    final ReportingSupportImpl support;
    final ReportingCore core;
    final VirtioBalloon balloon;
    final WorkloadsImpl workloads;
    final Map<String, Strategy> strategies = Map.of("buddy", new BuddyStrategy(), "bitmap", new BitmapStrategy(),
            "array", new ArrayStrategy(), "sync", new SyncStrategy());
    private volatile String active;

    Guest(String machine, String strategy) throws Exception {
        model.addDeferredInit(new PerNodeDeferredInit());
        support = new ReportingSupportImpl(model);
        active = strategy;
        DirectHooks hooks = new DirectHooks(model);
        core = new ReportingCore(model, support, hooks, () -> active == null ? null : strategies.get(active));
        model.addPhaseListener(core);
        balloon = new VirtioBalloon(model, hooks, core);
        core.register(balloon);
        workloads = new WorkloadsImpl(core);
        Machine m = new MachineServiceImpl().builtin(machine).orElseThrow();
        model.boot(m);
    }

    /** mm:variant reporting NAME: the registry changes its selection, then tells its listeners. */
    void select(String strategy) {
        String prev = active;
        active = strategy;
        core.activeChanged("reporting", prev, strategy);
    }

    EmuClock clock() { return core.clock(); }

    void assertChecks() {
        List<String> v = model.check();
        assertEquals(List.of(), v, "mm:check");
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
