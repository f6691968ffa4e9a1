package mm.hotplug.api;

import mm.core.spi.MemoryHotplugSupport;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Variant subsystem {@value #SUBSYSTEM}: memmap_init_zone_device, the initialisation of ZONE_DEVICE struct pages
 * (seed 003). Every variant must leave exactly the same struct pages: __init_single_page with the node and
 * ZONE_DEVICE links, PG_reserved, {@code pgmap} = the pgmap id, {@code zone_device_data} = 0, refcount
 * {@link PgmapType#initialRefcount()}, and MIGRATE_MOVABLE on every pageblock. They differ in how they get there.
 */
@ConsumerType
public interface DeviceMemmapInit {
    String SUBSYSTEM = "device-init";
    /** One pass that writes each struct page whole (the default). */
    String ONE_PASS = "one-pass";
    /** __init_single_page, then a per-page constructor callback (the alternative argued about in seed 003). */
    String CALLBACK = "callback";

    /** {@code one-pass} or {@code callback}. */
    String name();

    /**
     * Initialises the struct pages of [startPfn, startPfn + nrPages) (pageblock-aligned start) of node {@code nid}.
     * Returns the number of pages initialised.
     */
    long init(MemoryHotplugSupport hs, int nid, long startPfn, long nrPages, int pgmapId, PgmapType type);
}
