package mm.hotplug.internal;

import mm.hotplug.api.ReservedBitPolicy;
import mm.variant.api.Variant;
import org.osgi.service.component.annotations.Component;

/**
 * {@code drop} (Michal Hocko's proposal, seed 002): move_pfn_range_to_zone does not set PG_reserved, and
 * online_pages_range no longer looks at it (pfn_to_online_page is the guard for PFN walkers). The default.
 */
@Component(service = ReservedBitPolicy.class)
@Variant(subsystem = ReservedBitPolicy.SUBSYSTEM, variant = ReservedBitPolicy.DROP, variant_default = true)
public final class DropReservedBit implements ReservedBitPolicy {
    @Override public String name() { return ReservedBitPolicy.DROP; }

    @Override public boolean reserveOnInit() { return false; }

    @Override public boolean onlineRequiresReservedFirstPfn() { return false; }
}
