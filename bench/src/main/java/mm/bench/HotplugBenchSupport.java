package mm.bench;

import mm.core.internal.deferred.DeferredInits;
import mm.core.internal.mm.HotplugSupportImpl;
import mm.core.internal.mm.MemoryModelImpl;
import mm.hotplug.internal.HotplugVariants;
import mm.hotplug.internal.MemoryHotplugImpl;
import mm.machine.api.Machine;
import mm.machine.internal.MachineServiceImpl;
import mm.variant.internal.StandaloneVariants;

/** A booted small machine with mm.hotplug wired by hand (no framework), for the hotplug benchmarks. */
final class HotplugBenchSupport {
    final StandaloneVariants variants = variants();
    final MemoryModelImpl model = new MemoryModelImpl(variants);
    final HotplugSupportImpl hs;
    final MemoryHotplugImpl hp;

    HotplugBenchSupport(String machine) {
        hs = new HotplugSupportImpl(model);
        hp = new MemoryHotplugImpl(model, hs, variants);
        model.boot(machine(machine));
    }

    static Machine machine(String name) {
        try {
            return new MachineServiceImpl().builtin(name).orElseThrow();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** mm.core's deferred-init and mm.hotplug's variants, as the bundles register them. */
    static StandaloneVariants variants() {
        StandaloneVariants v = new StandaloneVariants();
        DeferredInits.register(v::register);
        HotplugVariants.register(v::register);
        return v;
    }
}
