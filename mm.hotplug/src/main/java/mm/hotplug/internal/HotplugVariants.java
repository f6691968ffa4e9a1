package mm.hotplug.internal;

import mm.hotplug.api.DeviceMemmapInit;
import mm.hotplug.api.ReservedBitPolicy;
import mm.variant.api.VariantRegistrar;

/**
 * The variants mm.hotplug ships (reserved-bit keep/drop, device-init one-pass/callback), for code that runs without
 * a framework (tests, benchmarks): {@code HotplugVariants.register(standaloneVariants::register)}. Defaults as the
 * components declare them: drop, one-pass.
 */
public final class HotplugVariants {
    private HotplugVariants() {}

    public static void register(VariantRegistrar r) {
        r.register(ReservedBitPolicy.SUBSYSTEM, ReservedBitPolicy.KEEP, false, new KeepReservedBit());
        r.register(ReservedBitPolicy.SUBSYSTEM, ReservedBitPolicy.DROP, true, new DropReservedBit());
        r.register(DeviceMemmapInit.SUBSYSTEM, DeviceMemmapInit.ONE_PASS, true, new OnePassDeviceInit());
        r.register(DeviceMemmapInit.SUBSYSTEM, DeviceMemmapInit.CALLBACK, false, new CallbackDeviceInit());
    }
}
