package mm.hotplug.internal;

import mm.core.api.Mm;
import mm.hotplug.api.DeviceMemmapInit;
import mm.machine.api.Machine;

/**
 * The modelled kernel times of ZONE_DEVICE init and of onlining hot-added memory (docs/timing-model.md), from the
 * page counts the emulation produced and the machine's hardware parameters ({@code timing KEY VALUE}). The same
 * equation shape as mm.core's deferred-init model: a per-page compute term for every pass over the struct pages,
 * and a memory term for the struct-page bytes that pass has to bring in and write back.
 * <pre>
 *   bw           = device_bw_gbps when an altmap puts the memmap in the device, else mem_bw_gbps
 *   memory       = pages * 64 B / bw                                   one pass over struct pages not in cache
 *   one-pass     = pages * init_ns_per_page + memory                   the pageblock template of the Nov 2018 series
 *   pfn loop     = pages * (init_ns_per_page + pfn_init_ns_per_page) + memory     the v4.20 loop (pfn at a time)
 *   callback     = pages * (init_ns_per_page + pfn_init_ns_per_page)  the generic init knows no template
 *                + pages * ctor_ns_per_page                           one constructor call per page
 *                + memory * (1 + miss)                                the constructor pass pays memory again for the
 *                                                                     struct pages no longer in cache
 *   miss         = 1 if the struct pages the generic pass writes before the constructor reaches them exceed
 *                  llc_mib (an LRU cache re-swept in the same order keeps none of them), else 0
 *   online_pages = init_pages * init_ns_per_page + freed_pages * free_ns_per_page + init_pages * 64 B / mem_bw_gbps
 * </pre>
 */
final class KernelTime {
    private KernelTime() {}

    /** The shape of the v4.20 memmap_init_zone_device loop (before the series): a model, not a variant. */
    static final String PFN_LOOP = "pfn-loop";

    /** A modelled memmap_init_zone_device: its terms in ns and the total in ms. */
    record DeviceInit(String shape, long pages, double computeNs, double memoryNs, double missFraction,
                      double bwGbps) {
        double ms() { return (computeNs + memoryNs) / 1e6; }
    }

    static double param(Machine m, String key, double dflt) { return m.timing(key, dflt); }

    /** mem_bw_gbps, or device_bw_gbps for a memmap in the device (default: as fast as RAM). */
    static double bandwidth(Machine m, boolean altmap) {
        double ram = param(m, "mem_bw_gbps", 40.0);
        return altmap ? param(m, "device_bw_gbps", ram) : ram;
    }

    /**
     * memmap_init_zone_device of {@code pages} struct pages in the {@code shape} of a device-init variant (or
     * {@link #PFN_LOOP}); {@code ctorDistancePages}: for {@code callback}, the struct pages its generic pass writes
     * before the constructor pass comes back to them. Null for a shape this model does not know.
     */
    static DeviceInit deviceInit(Machine m, String shape, long pages, boolean altmap, long ctorDistancePages) {
        double init = param(m, "init_ns_per_page", 7.0);
        double pfnInit = param(m, "pfn_init_ns_per_page", 6.38);
        double bw = bandwidth(m, altmap);
        double memory = pages * (double) Mm.STRUCT_PAGE_SIZE / bw;
        return switch (shape) {
            case DeviceMemmapInit.ONE_PASS -> new DeviceInit(shape, pages, pages * init, memory, 0, bw);
            case PFN_LOOP -> new DeviceInit(shape, pages, pages * (init + pfnInit), memory, 0, bw);
            case DeviceMemmapInit.CALLBACK -> {
                double miss = missFraction(m, ctorDistancePages);
                double compute = pages * (init + pfnInit + param(m, "ctor_ns_per_page", 8.0));
                yield new DeviceInit(shape, pages, compute, memory * (1 + miss), miss, bw);
            }
            default -> null;
        };
    }

    /** Share of the struct pages a second pass finds out of the last-level cache. */
    static double missFraction(Machine m, long distancePages) {
        double llcBytes = param(m, "llc_mib", 35.75) * (1 << 20);
        return distancePages * (double) Mm.STRUCT_PAGE_SIZE > llcBytes ? 1 : 0;
    }

    /**
     * online_pages on one thread: memmap_init_range of {@code initPages} struct pages (in RAM), then
     * __free_pages_core of {@code freedPages} in MAX_PAGE_ORDER chunks: the work of deferred init, at its costs.
     */
    static double onlinePagesMs(Machine m, long initPages, long freedPages) {
        double compute = initPages * param(m, "init_ns_per_page", 7.0) + freedPages * param(m, "free_ns_per_page", 2.5);
        double memory = initPages * (double) Mm.STRUCT_PAGE_SIZE / param(m, "mem_bw_gbps", 40.0);
        return (compute + memory) / 1e6;
    }
}
