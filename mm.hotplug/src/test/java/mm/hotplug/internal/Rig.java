package mm.hotplug.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import mm.core.api.Mm;
import mm.core.api.ZoneInfo;
import mm.core.api.ZoneType;
import mm.core.internal.deferred.DeferredInits;
import mm.core.internal.mm.HotplugSupportImpl;
import mm.core.internal.mm.MemoryModelImpl;
import mm.core.spi.MemoryHotplugSupport.RawPage;
import mm.machine.api.BootOptions;
import mm.machine.api.Machine;
import mm.machine.internal.MachineServiceImpl;
import mm.variant.internal.StandaloneVariants;

/**
 * A booted machine with the hotplug components wired by hand (no OSGi): MemoryModelImpl + per-node deferred init,
 * HotplugSupportImpl, the four variants in a small registry, MemoryHotplugImpl, and the commands (printing to a
 * buffer).
 */
final class Rig {
    static final long M = 1L << 20, G = 1L << 30;

    final StandaloneVariants variants = variants();
    final MemoryModelImpl model = new MemoryModelImpl(variants);
    final HotplugSupportImpl hs;
    final MemoryHotplugImpl hp;

    Rig(Machine m) { this(m, null); }

    /** With the memmap storage variant {@code memmap} (dense, compact) selected before the boot; null: the default. */
    Rig(Machine m, String memmap) {
        if (memmap != null) variants.select(mm.core.api.MemmapVariants.SUBSYSTEM, memmap);
        hs = new HotplugSupportImpl(model);
        hp = new MemoryHotplugImpl(model, hs, variants);
        model.addPhaseListener(hp);
        model.boot(m);
        clean("boot");
    }

    static Rig builtin(String name) { return new Rig(machine(name)); }

    /**
     * A shipped machine built so that hot-added memory stays offline until a test onlines it
     * (CONFIG_MEMORY_HOTPLUG_DEFAULT_ONLINE=n, the 6.1 build's default; the reference 6.12 build onlines it at once:
     * {@link #asShipped}).
     */
    static Machine machine(String name) {
        Machine m = asShipped(name);
        return m.withConfig(m.config().with("CONFIG_MEMORY_HOTPLUG_DEFAULT_ONLINE", "n"));
    }

    /** A shipped machine as it is, with the reference kernel's build. */
    static Machine asShipped(String name) {
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
            if (!model.memmap().valid(p)) { // a section without a memmap (not present)
                long next = (p | (Mm.PAGES_PER_SECTION - 1)) + 1;
                sb.append(p).append("-").append(next).append(": absent\n");
                p = next - 1;
                continue;
            }
            RawPage r = hs.readPage(p);
            sb.append(p).append(": init ").append(r.initialised()).append(" flags ").append(Long.toHexString(r.flags()))
                    .append(" ref ").append(r.refcount()).append(" priv ").append(r.priv()).append(" words ")
                    .append(r.word0()).append(' ').append(r.word1()).append('\n');
            if ((p & (Mm.PAGEBLOCK_NR_PAGES - 1)) == 0) sb.append("pb ").append(hs.pageblockMigratetype(p)).append('\n');
        }
        return sb.toString();
    }

    /** mm.core's deferred-init and mm.hotplug's variants, as the bundles register them. */
    static StandaloneVariants variants() {
        StandaloneVariants v = new StandaloneVariants();
        DeferredInits.register(v::register);
        HotplugVariants.register(v::register);
        return v;
    }
}
