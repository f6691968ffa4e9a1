package mm.hotplug.internal;

import mm.core.api.MigrateType;
import mm.core.api.Mm;
import mm.core.api.PageFlags;
import mm.core.api.ZoneType;
import mm.core.spi.MemoryHotplugSupport.RawPage;
import mm.core.spi.MemoryHotplugSupport;
import mm.hotplug.api.DeviceMemmapInit;
import mm.hotplug.api.PgmapType;
import mm.variant.api.Variant;
import org.osgi.service.component.annotations.Component;

/**
 * {@code one-pass} (Alexander Duyck's shape, seed 003): one init function that knows it is initialising ZONE_DEVICE
 * pages builds the complete struct page once (links, PG_reserved, pgmap, zone_device_data, refcount) and writes it
 * to every page of the range, field by field (the "memcpy/memset" shape), setting each pageblock's migratetype on
 * the way. Every field of every page is written once.
 */
@Component(service = DeviceMemmapInit.class)
@Variant(subsystem = DeviceMemmapInit.SUBSYSTEM, variant = DeviceMemmapInit.ONE_PASS, variant_default = true)
public final class OnePassDeviceInit implements DeviceMemmapInit {
    @Override public String name() { return DeviceMemmapInit.ONE_PASS; }

    @Override public long init(MemoryHotplugSupport hs, int nid, long startPfn, long nrPages, int pgmapId,
                               PgmapType type) {
        // the template struct page: the same for every page of the range
        long flags = PageFlags.links(nid, ZoneType.DEVICE.ordinal()) | PageFlags.bit(PageFlags.PG_reserved);
        hs.writePages(startPfn, nrPages, new RawPage(true, flags, type.initialRefcount(), 0, pgmapId, 0));
        long end = startPfn + nrPages;
        for (long pb = (startPfn + Mm.PAGEBLOCK_NR_PAGES - 1) & -Mm.PAGEBLOCK_NR_PAGES; pb < end; pb += Mm.PAGEBLOCK_NR_PAGES)
            hs.setPageblockMigratetype(pb, MigrateType.MOVABLE);
        return nrPages;
    }
}
