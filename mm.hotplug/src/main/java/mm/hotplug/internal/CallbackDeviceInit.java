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
 * {@code callback} (Michal Hocko's shape, seed 003): the generic memmap init knows nothing about ZONE_DEVICE. It
 * runs __init_single_page over the pages (and sets the migratetype on pageblock boundaries), then the pgmap's
 * constructor callback runs over the same struct pages and writes the device fields again: PG_reserved, pgmap,
 * zone_device_data, and the refcount for private memory. Several fields are written twice. The two passes go a
 * section at a time, so the second finds what the first left in cache (docs/timing-model.md models that).
 */
@Component(service = DeviceMemmapInit.class)
@Variant(subsystem = DeviceMemmapInit.SUBSYSTEM, variant = DeviceMemmapInit.CALLBACK)
public final class CallbackDeviceInit implements DeviceMemmapInit {
    /**
     * Struct pages the generic pass initialises before the constructor pass comes back to the first of them (one
     * memory section, 2 MiB of struct pages): what the timing model asks the cache about.
     */
    static final long GENERIC_PASS_PAGES = Mm.PAGES_PER_SECTION;

    /** The constructor a dev_pagemap carries, run over struct pages the generic init has just initialised. */
    @FunctionalInterface
    public interface PageConstructor {
        void construct(long startPfn, long nrPages);
    }

    @Override public String name() { return DeviceMemmapInit.CALLBACK; }

    /** The constructor of a pgmap: re-initialises the ZONE_DEVICE fields of its pages. */
    static PageConstructor constructorFor(MemoryHotplugSupport hs, int pgmapId, PgmapType type) {
        int refcount = type.initialRefcount();
        return (pfn, nr) -> hs.constructDevicePages(pfn, nr, pgmapId, 0, refcount);
    }

    @Override public long init(MemoryHotplugSupport hs, int nid, long startPfn, long nrPages, int pgmapId,
                               PgmapType type) {
        PageConstructor ctor = constructorFor(hs, pgmapId, type);
        long end = startPfn + nrPages;
        for (long pfn = startPfn; pfn < end; ) {
            long chunkEnd = Math.min(end, (pfn | (GENERIC_PASS_PAGES - 1)) + 1);
            // generic memmap init
            hs.initSinglePages(pfn, chunkEnd - pfn, nid, ZoneType.DEVICE);
            for (long pb = (pfn + Mm.PAGEBLOCK_NR_PAGES - 1) & -Mm.PAGEBLOCK_NR_PAGES; pb < chunkEnd; pb += Mm.PAGEBLOCK_NR_PAGES)
                hs.setPageblockMigratetype(pb, MigrateType.MOVABLE);
            // the constructor callback over the same struct pages
            ctor.construct(pfn, chunkEnd - pfn);
            pfn = chunkEnd;
        }
        return nrPages;
    }
}
