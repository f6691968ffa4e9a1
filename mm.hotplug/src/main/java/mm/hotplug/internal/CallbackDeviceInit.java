package mm.hotplug.internal;

import java.util.Arrays;
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
 * {@code callback} (Michal Hocko's shape, seed 003): the generic memmap init knows nothing about ZONE_DEVICE. It runs
 * __init_single_page for every pfn (and sets the migratetype on pageblock boundaries); then the pgmap's constructor
 * callback is called for every page of what it initialised and writes the device fields again: PG_reserved, pgmap,
 * zone_device_data, and the refcount for private memory. mmkit runs the generic pass over one memory section
 * ({@link #GENERIC_PASS_PAGES} struct pages, 2 MiB of them) and then the constructor pass over the same section:
 * the timing model asks whether those struct pages are still in the cache when the constructor comes back.
 */
@Component(service = DeviceMemmapInit.class)
@Variant(subsystem = DeviceMemmapInit.SUBSYSTEM, variant = DeviceMemmapInit.CALLBACK)
public final class CallbackDeviceInit implements DeviceMemmapInit {
    /** Struct pages the generic pass initialises before the constructor pass comes back to the first of them. */
    static final long GENERIC_PASS_PAGES = Mm.PAGES_PER_SECTION;

    /** The per-page constructor the altmap / pgmap would carry; it writes into the pass's cached struct pages. */
    @FunctionalInterface
    public interface PageConstructor {
        void construct(long pfn, CachedPages pages);
    }

    /**
     * The struct pages of one generic pass as the constructor sees them (still in the cache: the model decides
     * whether they are): the generic init's values, then the constructor's stores; written back to the memmap as
     * runs of identical struct pages.
     */
    public static final class CachedPages {
        private final long[] flags;
        private final int[] refcount, pgmap, data;
        private long base;
        private int n, priv;

        CachedPages(int capacity) {
            flags = new long[capacity];
            refcount = new int[capacity];
            pgmap = new int[capacity];
            data = new int[capacity];
        }

        /** The n struct pages from base as the generic pass left them ({@code generic} in every one). */
        void load(long base, int n, RawPage generic) {
            this.base = base;
            this.n = n;
            this.priv = generic.priv();
            Arrays.fill(flags, 0, n, generic.flags());
            Arrays.fill(refcount, 0, n, generic.refcount());
            Arrays.fill(pgmap, 0, n, generic.word0());
            Arrays.fill(data, 0, n, generic.word1());
        }

        private int at(long pfn) { return (int) (pfn - base); }

        public void setReserved(long pfn) { flags[at(pfn)] |= PageFlags.bit(PageFlags.PG_reserved); }

        public void setPgmap(long pfn, int id) { pgmap[at(pfn)] = id; }

        public void setZoneDeviceData(long pfn, int d) { data[at(pfn)] = d; }

        public void setRefcount(long pfn, int r) { refcount[at(pfn)] = r; }

        /** Writes the pages back to the memmap: one writePages per run of identical struct pages. */
        void writeBack(MemoryHotplugSupport hs) {
            for (int i = 0; i < n; ) {
                int j = i + 1;
                while (j < n && flags[j] == flags[i] && refcount[j] == refcount[i] && pgmap[j] == pgmap[i]
                        && data[j] == data[i]) j++;
                hs.writePages(base + i, j - i, new RawPage(true, flags[i], refcount[i], priv, pgmap[i], data[i]));
                i = j;
            }
        }
    }

    @Override public String name() { return DeviceMemmapInit.CALLBACK; }

    /** The constructor of a pgmap: re-initialises the ZONE_DEVICE fields of one page. */
    static PageConstructor constructorFor(int pgmapId, PgmapType type) {
        int refcount = type.initialRefcount();
        return (pfn, c) -> {
            c.setReserved(pfn);
            c.setPgmap(pfn, pgmapId);
            c.setZoneDeviceData(pfn, 0);
            if (refcount != 1) c.setRefcount(pfn, refcount);
        };
    }

    @Override public long init(MemoryHotplugSupport hs, int nid, long startPfn, long nrPages, int pgmapId,
                               PgmapType type) {
        PageConstructor ctor = constructorFor(pgmapId, type);
        CachedPages cached = new CachedPages((int) GENERIC_PASS_PAGES);
        // __init_single_page gives every page of the range what it gives the first (same node, same zone)
        hs.initSinglePage(startPfn, nid, ZoneType.DEVICE);
        RawPage generic = hs.readPage(startPfn);
        long end = startPfn + nrPages;
        for (long s = startPfn; s < end; ) {
            long sEnd = Math.min(end, (s | (GENERIC_PASS_PAGES - 1)) + 1);
            // the generic memmap init of the section
            hs.writePages(s, sEnd - s, generic);
            for (long pb = Mm.alignUp(s, Mm.PAGEBLOCK_NR_PAGES); pb < sEnd; pb += Mm.PAGEBLOCK_NR_PAGES)
                hs.setPageblockMigratetype(pb, MigrateType.MOVABLE);
            // the constructor callback, page by page, over the same struct pages
            cached.load(s, (int) (sEnd - s), generic);
            for (long pfn = s; pfn < sEnd; pfn++) ctor.construct(pfn, cached);
            cached.writeBack(hs);
            s = sEnd;
        }
        return nrPages;
    }
}
