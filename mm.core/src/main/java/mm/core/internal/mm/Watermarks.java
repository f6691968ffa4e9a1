package mm.core.internal.mm;

import mm.core.api.Mm;
import mm.core.api.ZoneType;

/**
 * init_per_zone_wmark_min (postcore initcall): min_free_kbytes from lowmem, per-zone min/low/high/promo
 * (setup_per_zone_wmarks) and lowmem_reserve (setup_per_zone_lowmem_reserve); then khugepaged's
 * set_recommended_min_free_kbytes raising min_free_kbytes for THP (mm/khugepaged.c).
 */
final class Watermarks {
    private Watermarks() {}

    static final int WATERMARK_SCALE_FACTOR = 10;
    static final long[] LOWMEM_RESERVE_RATIO = {256, 256, 32, 0, 0};

    static void initPerZoneWmarkMin(Kernel k, boolean thpPass) {
        if (!thpPass) {
            long lowmemPages = 0;
            for (Node n : k.nodes) for (int i = 0; i <= ZoneType.NORMAL.ordinal(); i++) {
                Zone z = n.zones[i];
                lowmemPages += Math.max(0, z.managed - z.wmarkHigh);
            }
            long lowmemKbytes = lowmemPages * (Mm.PAGE_SIZE >> 10);
            long minFree = (long) Math.floor(Math.sqrt((double) lowmemKbytes * 16));
            k.minFreeKbytes = Math.max(128, Math.min(262144, minFree));
            setupPerZoneLowmemReserve(k);
        } else {
            if ("never".equals(k.machine.options().extra().get("transparent_hugepage"))) return;
            long nrZones = 0;
            for (Node n : k.nodes) for (int i = 0; i <= ZoneType.NORMAL.ordinal(); i++) if (n.zones[i].populated()) nrZones++;
            long recommended = Mm.PAGEBLOCK_NR_PAGES * nrZones * 2
                    + (long) Mm.PAGEBLOCK_NR_PAGES * nrZones * 3 * 3;
            recommended = Math.min(recommended, k.managedPages() / 20);
            recommended <<= (Mm.PAGE_SHIFT - 10);
            if (recommended <= k.minFreeKbytes) return;
            k.minFreeKbytes = recommended;
        }
        setupPerZoneWmarks(k);
    }

    static void setupPerZoneWmarks(Kernel k) {
        long pagesMin = k.minFreeKbytes >> (Mm.PAGE_SHIFT - 10);
        long lowmem = 0;
        for (Node n : k.nodes) for (Zone z : n.zones) if (z.type != ZoneType.MOVABLE && z.type != ZoneType.DEVICE) lowmem += z.managed;
        for (Node n : k.nodes) {
            for (Zone z : n.zones) {
                synchronized (z) {
                    long tmp = lowmem == 0 ? 0 : pagesMin * z.managed / lowmem;
                    if (z.type == ZoneType.MOVABLE) z.wmarkMin = Math.max(32, Math.min(128, z.managed / 1024));
                    else z.wmarkMin = tmp;
                    tmp = Math.max(tmp >> 2, z.managed * WATERMARK_SCALE_FACTOR / 10000);
                    z.wmarkLow = z.wmarkMin + tmp;
                    z.wmarkHigh = z.wmarkLow + tmp;
                    z.wmarkPromo = z.wmarkHigh + tmp;
                }
            }
        }
    }

    static void setupPerZoneLowmemReserve(Kernel k) {
        for (Node n : k.nodes) {
            for (int i = 0; i < n.zones.length - 1; i++) {
                Zone z = n.zones[i];
                long ratio = LOWMEM_RESERVE_RATIO[i];
                boolean clear = ratio == 0 || z.managed == 0;
                long managed = 0;
                for (int j = i + 1; j < n.zones.length; j++) {
                    managed += n.zones[j].managed;
                    z.lowmemReserve[j] = clear ? 0 : managed / ratio;
                }
            }
        }
    }
}
