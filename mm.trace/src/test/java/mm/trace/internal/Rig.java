package mm.trace.internal;

import mm.core.internal.deferred.DeferredInits;
import mm.core.internal.mm.MemoryModelImpl;
import mm.machine.api.Machine;
import mm.machine.internal.MachineServiceImpl;
import mm.variant.internal.StandaloneVariants;

/** mm.core and the tracer wired by hand, binding the tracer's hooks the way DS binds whiteboard services. */
final class Rig {
    final StandaloneVariants variants = new StandaloneVariants();
    final MemoryModelImpl model = new MemoryModelImpl(variants);
    final MachineServiceImpl machines = new MachineServiceImpl();
    /** Hooks currently bound: page alloc, tracepoints. */
    int boundAlloc, boundTracepoints;
    final TracerImpl tracer = new TracerImpl(model, (h, pageAlloc, tracepoints, notifier) -> {
        if (pageAlloc) { model.addAllocHook(h); boundAlloc++; }
        if (tracepoints) { model.addTracepointHook(h); boundTracepoints++; }
        return () -> {
            if (pageAlloc) { model.removeAllocHook(h); boundAlloc--; }
            if (tracepoints) { model.removeTracepointHook(h); boundTracepoints--; }
        };
    });

    Rig() {
        DeferredInits.register(variants::register);
    }

    Machine builtin(String name) throws Exception {
        return machines.builtin(name).orElseThrow();
    }

    String trace() throws java.io.IOException {
        StringBuilder sb = new StringBuilder();
        tracer.print(sb);
        return sb.toString();
    }
}
