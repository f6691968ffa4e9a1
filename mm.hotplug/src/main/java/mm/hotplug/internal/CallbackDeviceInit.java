package mm.hotplug.internal;

import mm.core.api.MigrateType;
import mm.core.api.Mm;
import mm.core.api.ZoneType;
import mm.core.spi.MemoryHotplugSupport;
import mm.hotplug.api.DeviceMemmapInit;
import mm.hotplug.api.PgmapType;
import mm.variant.api.Variant;
import org.osgi.service.component.annotations.Component;

/**
 * {@code callback} (Michal Hocko's shape, seed 003): the generic memmap init knows nothing about ZONE_DEVICE. For
 * every pfn it runs __init_single_page (and sets the migratetype on pageblock boundaries), then calls the pgmap's
 * constructor callback for the page, which writes the device fields again: PG_reserved, pgmap,
 * zone_device_data, and the refcount for private memory. Several fields are written twice, one page at a time.
 */
@Component(service = DeviceMemmapInit.class)
@Variant(subsystem = DeviceMemmapInit.SUBSYSTEM, variant = DeviceMemmapInit.CALLBACK)
public final class CallbackDeviceInit implements DeviceMemmapInit {
    /** The per-page constructor the altmap / pgmap would carry. */
    @FunctionalInterface
    public interface PageConstructor {
        void construct(long pfn);
    }

    @Override public String name() { return DeviceMemmapInit.CALLBACK; }

    /** The constructor of a pgmap: re-initialises the ZONE_DEVICE fields of one page. */
    static PageConstructor constructorFor(MemoryHotplugSupport hs, int pgmapId, PgmapType type) {
        int refcount = type.initialRefcount();
        return pfn -> {
            hs.setPageReserved(pfn);
            hs.setPagePgmap(pfn, pgmapId);
            hs.setPageZoneDeviceData(pfn, 0);
            if (refcount != 1) hs.setPageRefcount(pfn, refcount);
        };
    }

    @Override public long init(MemoryHotplugSupport hs, int nid, long startPfn, long nrPages, int pgmapId,
                               PgmapType type) {
        PageConstructor ctor = constructorFor(hs, pgmapId, type);
        long end = startPfn + nrPages;
        for (long pfn = startPfn; pfn < end; pfn++) {
            // generic memmap init
            hs.initSinglePage(pfn, nid, ZoneType.DEVICE);
            if ((pfn & (Mm.PAGEBLOCK_NR_PAGES - 1)) == 0) hs.setPageblockMigratetype(pfn, MigrateType.MOVABLE);
            // the constructor callback
            ctor.construct(pfn);
        }
        return nrPages;
    }
}
