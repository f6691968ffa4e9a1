package mm.hotplug.internal;

import mm.core.api.MemoryModel;
import mm.core.api.ZoneInfo;
import mm.core.api.ZoneType;
import mm.hotplug.api.OnlineType;

/** The zone a range is onlined to (mm/memory_hotplug.c: zone_for_pfn_range and default_kernel_zone_for_pfn). */
final class ZoneChoice {
    private final MemoryModel model;

    ZoneChoice(MemoryModel model) { this.model = model; }

    static boolean intersects(ZoneInfo z, long startPfn, long nr) {
        return z.spannedPages() > 0 && startPfn < z.endPfn() && startPfn + nr > z.zoneStartPfn();
    }

    /** default_kernel_zone_for_pfn: the first of DMA, DMA32, Normal the range intersects, else Normal. */
    ZoneType defaultKernelZone(int nid, long startPfn, long nr) {
        for (ZoneType t : new ZoneType[] {ZoneType.DMA, ZoneType.DMA32, ZoneType.NORMAL}) {
            if (intersects(model.zone(nid, t), startPfn, nr)) return t;
        }
        return ZoneType.NORMAL;
    }

    /** zone_for_pfn_range with the default online_policy (contig-zones). */
    ZoneType zoneFor(OnlineType type, int nid, long startPfn, long nr) {
        switch (type) {
            case ONLINE_KERNEL: return defaultKernelZone(nid, startPfn, nr);
            case ONLINE_MOVABLE: return ZoneType.MOVABLE;
            default: {
                ZoneType kz = defaultKernelZone(nid, startPfn, nr);
                boolean inKernel = intersects(model.zone(nid, kz), startPfn, nr);
                boolean inMovable = intersects(model.zone(nid, ZoneType.MOVABLE), startPfn, nr);
                if (inKernel ^ inMovable) return inKernel ? kz : ZoneType.MOVABLE;
                return model.machine().options().movableNode() ? ZoneType.MOVABLE : kz;
            }
        }
    }
}
