package mm.bench;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import mm.machine.api.Machine;
import mm.variant.api.VariantService;
import mm.core.internal.deferred.PerNodeDeferredInit;
import mm.machine.internal.MachineServiceImpl;
import mm.core.internal.mm.HotplugSupportImpl;
import mm.core.internal.mm.MemoryModelImpl;
import mm.hotplug.internal.CallbackDeviceInit;
import mm.hotplug.internal.DropReservedBit;
import mm.hotplug.internal.KeepReservedBit;
import mm.hotplug.internal.MemoryHotplugImpl;
import mm.hotplug.internal.OnePassDeviceInit;

/** A booted small machine with mm.hotplug wired by hand (no framework), for the hotplug benchmarks. */
final class HotplugBenchSupport {
    final MemoryModelImpl model = new MemoryModelImpl();
    final HotplugSupportImpl hs;
    final Variants variants = new Variants();
    final MemoryHotplugImpl hp;

    HotplugBenchSupport(String machine) {
        model.addDeferredInit(new PerNodeDeferredInit());
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

    /** The bundle's four variants, chosen by name. */
    static final class Variants implements VariantService {
        final Map<String, Map<String, Object>> services = new TreeMap<>(Map.of(
                "reserved-bit", Map.of("keep", new KeepReservedBit(), "drop", new DropReservedBit()),
                "device-init", Map.of("one-pass", new OnePassDeviceInit(), "callback", new CallbackDeviceInit())));
        final Map<String, String> selected = new TreeMap<>(Map.of("reserved-bit", "drop", "device-init", "one-pass"));

        @Override public Map<String, List<String>> variants() {
            Map<String, List<String>> out = new TreeMap<>();
            services.forEach((k, v) -> out.put(k, List.copyOf(v.keySet())));
            return out;
        }

        @Override public String active(String subsystem) { return selected.get(subsystem); }

        @Override public Map<String, String> selection() { return Map.copyOf(selected); }

        @Override public void select(String subsystem, String variant) { selected.put(subsystem, variant); }

        @Override public <T> T activeService(String subsystem, Class<T> type) {
            return type.cast(services.get(subsystem).get(selected.get(subsystem)));
        }
    }
}
