package mm.core.internal.deferred;

import mm.core.api.DeferredInitVariants;
import mm.core.api.MemmapVariants;
import mm.core.internal.memmap.CompactMemmap;
import mm.core.internal.memmap.DenseMemmap;
import mm.variant.api.VariantRegistrar;

/**
 * The deferred-init variants mm.core ships, and its memmap storage variants, for code that runs without a framework
 * (tests, benchmarks), where no SCR registers them: {@code DeferredInits.register(standaloneVariants::register)}.
 */
public final class DeferredInits {
    private DeferredInits() {}

    /** Registers every shipped variant; per-node is the default, as its component says. */
    public static void register(VariantRegistrar r) {
        r.register(DeferredInitVariants.SUBSYSTEM, DeferredInitVariants.PER_NODE, true, new PerNodeDeferredInit());
        r.register(DeferredInitVariants.SUBSYSTEM, DeferredInitVariants.MULTITHREADED, false,
                new MultithreadedDeferredInit());
        r.register(DeferredInitVariants.SUBSYSTEM, DeferredInitVariants.TWO_PASS, false, new TwoPassDeferredInit());
        r.register(DeferredInitVariants.SUBSYSTEM, DeferredInitVariants.OFF, false, new OffDeferredInit());
        // compact is the default, as its component says
        r.register(MemmapVariants.SUBSYSTEM, MemmapVariants.COMPACT, true, new CompactMemmap());
        r.register(MemmapVariants.SUBSYSTEM, MemmapVariants.DENSE, false, new DenseMemmap());
    }
}
