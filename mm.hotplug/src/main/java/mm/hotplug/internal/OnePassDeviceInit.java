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
 * pages builds the complete struct page once per pageblock (links, PG_reserved, pgmap, zone_device_data,
 * refcount) and writes it to every page of the pageblock, field by field (the "memcpy/memset" shape), then sets
 * the pageblock's migratetype. Every field of every page is written once.
 */
@Component(service = DeviceMemmapInit.class)
@Variant(subsystem = DeviceMemmapInit.SUBSYSTEM, variant = DeviceMemmapInit.ONE_PASS, variant_default = true)
public final class OnePassDeviceInit implements DeviceMemmapInit {
    @Override public String name() { return DeviceMemmapInit.ONE_PASS; }

    @Override public long init(MemoryHotplugSupport hs, int nid, long startPfn, long nrPages, int pgmapId,
                               PgmapType type) {
        long end = startPfn + nrPages;
        long pb = startPfn;
        while (pb < end) {
            long pbEnd = Math.min(end, (pb | (Mm.PAGEBLOCK_NR_PAGES - 1)) + 1);
            // the template struct page of this pageblock
            long flags = PageFlags.links(nid, ZoneType.DEVICE.ordinal()) | PageFlags.bit(PageFlags.PG_reserved);
            RawPage template = new RawPage(true, flags, type.initialRefcount(), 0, pgmapId, 0);
            hs.writePages(pb, pbEnd - pb, template);
            if ((pb & (Mm.PAGEBLOCK_NR_PAGES - 1)) == 0) hs.setPageblockMigratetype(pb, MigrateType.MOVABLE);
            pb = pbEnd;
        }
        return nrPages;
    }
}
