package mm.hotplug.internal;

import mm.hotplug.api.ReservedBitPolicy;
import mm.variant.api.Variant;
import org.osgi.service.component.annotations.Component;

/**
 * {@code keep} (the 2018 kernel, and 6.x's memmap_init_range): hot-added struct pages get PG_reserved when
 * move_pfn_range_to_zone initialises them and keep it until the online callback frees them into the buddy;
 * online_pages_range invokes the callback only when the first pfn of the range is PG_reserved.
 */
@Component(service = ReservedBitPolicy.class)
@Variant(subsystem = ReservedBitPolicy.SUBSYSTEM, variant = ReservedBitPolicy.KEEP)
public final class KeepReservedBit implements ReservedBitPolicy {
    @Override public String name() { return ReservedBitPolicy.KEEP; }

    @Override public boolean reserveOnInit() { return true; }

    @Override public boolean onlineRequiresReservedFirstPfn() { return true; }
}
