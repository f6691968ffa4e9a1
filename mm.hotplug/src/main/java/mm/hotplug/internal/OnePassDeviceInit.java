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
 * pages builds the complete struct page (links, PG_reserved, pgmap, zone_device_data, refcount) once and writes it
 * to every page, field by field (the "memcpy/memset" shape of __init_pageblock), and sets each pageblock's
 * migratetype. Every field of every page is written once. The template is the same for every pageblock of the
 * range, so mmkit writes it a memory section at a time (same struct pages, fewer calls).
 */
@Component(service = DeviceMemmapInit.class)
@Variant(subsystem = DeviceMemmapInit.SUBSYSTEM, variant = DeviceMemmapInit.ONE_PASS, variant_default = true)
public final class OnePassDeviceInit implements DeviceMemmapInit {
    @Override public String name() { return DeviceMemmapInit.ONE_PASS; }

    @Override public long init(MemoryHotplugSupport hs, int nid, long startPfn, long nrPages, int pgmapId,
                               PgmapType type) {
        long flags = PageFlags.links(nid, ZoneType.DEVICE.ordinal()) | PageFlags.bit(PageFlags.PG_reserved);
        RawPage template = new RawPage(true, flags, type.initialRefcount(), 0, pgmapId, 0);
        long end = startPfn + nrPages;
        for (long s = startPfn; s < end; ) {
            long sEnd = Math.min(end, (s | (Mm.PAGES_PER_SECTION - 1)) + 1);
            hs.writePages(s, sEnd - s, template);
            for (long pb = Mm.alignUp(s, Mm.PAGEBLOCK_NR_PAGES); pb < sEnd; pb += Mm.PAGEBLOCK_NR_PAGES)
                hs.setPageblockMigratetype(pb, MigrateType.MOVABLE);
            s = sEnd;
        }
        return nrPages;
    }
}
