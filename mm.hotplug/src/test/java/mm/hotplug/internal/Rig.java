package mm.hotplug.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import mm.machine.api.BootOptions;
import mm.machine.api.Machine;
import mm.core.spi.MemoryHotplugSupport.RawPage;
import mm.core.api.Mm;
import mm.variant.api.VariantService;
import mm.core.api.ZoneInfo;
import mm.core.api.ZoneType;
import mm.core.internal.deferred.PerNodeDeferredInit;
import mm.machine.internal.MachineServiceImpl;
import mm.core.internal.mm.HotplugSupportImpl;
import mm.core.internal.mm.MemoryModelImpl;
import mm.hotplug.api.DeviceMemmapInit;
import mm.hotplug.api.ReservedBitPolicy;

/**
 * A booted machine with the hotplug components wired by hand (no OSGi): MemoryModelImpl + per-node deferred init,
 * HotplugSupportImpl, the four variants in a small registry, MemoryHotplugImpl, and the commands (printing to a
 * buffer).
 */
final class Rig {
    static final long M = 1L << 20, G = 1L << 30;

    final MemoryModelImpl model = new MemoryModelImpl();
    final HotplugSupportImpl hs;
    final Variants variants = new Variants();
    final MemoryHotplugImpl hp;

    Rig(Machine m) {
        model.addDeferredInit(new PerNodeDeferredInit());
        hs = new HotplugSupportImpl(model);
        hp = new MemoryHotplugImpl(model, hs, variants);
        model.addPhaseListener(hp);
        model.boot(m);
        clean("boot");
    }

    static Rig builtin(String name) { return new Rig(machine(name)); }

    static Machine machine(String name) {
        try {
            return new MachineServiceImpl().builtin(name).orElseThrow();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The machine with extra kernel options (memhp_default_state=..., hypervisor=...). */
    static Machine withExtra(Machine m, Map<String, String> extra) {
        BootOptions o = m.options();
        Map<String, String> x = new HashMap<>(o.extra());
        x.putAll(extra);
        return m.withOptions(new BootOptions(o.deferredStructPageInit(), o.pageOwner(), o.earlyPageExt(),
                o.movablecoreBytes(), o.movablecorePercent(), o.kernelcoreBytes(), o.kernelcorePercent(),
                o.memLimit(), o.memblockDebug(), o.movableNode(), x));
    }

    /** check() must be empty after every step. */
    void clean(String step) {
        assertEquals(List.of(), model.check(), "check() after " + step);
    }

    ZoneInfo zone(int nid, ZoneType t) { return model.zone(nid, t); }

    long blockBytes() { return hp.blockSizeBytes(); }

    /** Every fact of a range of struct pages plus every zone's counters, as one comparable string. */
    String snapshot(long startPfn, long nrPages) {
        StringBuilder sb = new StringBuilder();
        for (var n : model.nodes()) {
            sb.append(n).append('\n');
            for (ZoneType t : ZoneType.VALUES) {
                ZoneInfo z = model.zone(n.nid(), t);
                sb.append(Op.row(z)).append(java.util.Arrays.toString(z.nrFree())).append('\n');
            }
        }
        for (long p = startPfn; p < startPfn + nrPages; p++) {
            RawPage r = hs.readPage(p);
            sb.append(p).append(": init ").append(r.initialised()).append(" flags ").append(Long.toHexString(r.flags()))
                    .append(" ref ").append(r.refcount()).append(" priv ").append(r.priv()).append(" words ")
                    .append(r.word0()).append(' ').append(r.word1()).append('\n');
            if ((p & (Mm.PAGEBLOCK_NR_PAGES - 1)) == 0) sb.append("pb ").append(hs.pageblockMigratetype(p)).append('\n');
        }
        return sb.toString();
    }

    /** A registry of the four variants, with the defaults of the bundle (drop, one-pass). */
    static final class Variants implements VariantService {
        final Map<String, Map<String, Object>> services = new TreeMap<>();
        final Map<String, String> selected = new TreeMap<>();

        Variants() {
            register(ReservedBitPolicy.SUBSYSTEM, "keep", new KeepReservedBit());
            register(ReservedBitPolicy.SUBSYSTEM, "drop", new DropReservedBit());
            register(DeviceMemmapInit.SUBSYSTEM, "one-pass", new OnePassDeviceInit());
            register(DeviceMemmapInit.SUBSYSTEM, "callback", new CallbackDeviceInit());
            selected.put(ReservedBitPolicy.SUBSYSTEM, "drop");
            selected.put(DeviceMemmapInit.SUBSYSTEM, "one-pass");
        }

        void register(String sub, String name, Object svc) {
            services.computeIfAbsent(sub, k -> new LinkedHashMap<>()).put(name, svc);
        }

        @Override public Map<String, List<String>> variants() {
            Map<String, List<String>> out = new TreeMap<>();
            services.forEach((k, v) -> out.put(k, new ArrayList<>(v.keySet())));
            return out;
        }

        @Override public String active(String subsystem) { return selected.get(subsystem); }

        @Override public Map<String, String> selection() { return new TreeMap<>(selected); }

        @Override public void select(String subsystem, String variant) {
            if (!services.getOrDefault(subsystem, Map.of()).containsKey(variant))
                throw new IllegalArgumentException("cannot select " + subsystem + "=" + variant);
            selected.put(subsystem, variant);
        }

        @Override public <T> T activeService(String subsystem, Class<T> type) {
            String v = selected.get(subsystem);
            return v == null ? null : type.cast(services.get(subsystem).get(v));
        }
    }
}
