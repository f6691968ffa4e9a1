package mm.core.internal.mm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import mm.core.api.MigrateType;
import mm.core.api.Mm;
import mm.core.api.ProcFile;

/** /proc/zoneinfo, buddyinfo, pagetypeinfo and meminfo in the kernel's formats (mm/vmstat.c, fs/proc/meminfo.c). */
final class Views {
    private Views() {}

    static final String[] NODE_STATS = {
        "nr_inactive_anon", "nr_active_anon", "nr_inactive_file", "nr_active_file", "nr_unevictable",
        "nr_slab_reclaimable", "nr_slab_unreclaimable", "nr_isolated_anon", "nr_isolated_file", "workingset_nodes",
        "workingset_refault_anon", "workingset_refault_file", "workingset_activate_anon", "workingset_activate_file",
        "workingset_restore_anon", "workingset_restore_file", "workingset_nodereclaim", "nr_anon_pages", "nr_mapped",
        "nr_file_pages", "nr_dirty", "nr_writeback", "nr_writeback_temp", "nr_shmem", "nr_shmem_hugepages",
        "nr_shmem_pmdmapped", "nr_file_hugepages", "nr_file_pmdmapped", "nr_anon_transparent_hugepages",
        "nr_vmscan_write", "nr_vmscan_immediate_reclaim", "nr_dirtied", "nr_written", "nr_throttled_written",
        "nr_kernel_misc_reclaimable", "nr_foll_pin_acquired", "nr_foll_pin_released", "nr_kernel_stack",
        "nr_page_table_pages", "nr_sec_page_table_pages", "nr_iommu_pages", "nr_swapcached", "pgpromote_success",
        "pgpromote_candidate", "pgdemote_kswapd", "pgdemote_direct", "pgdemote_khugepaged",
    };
    static final String[] ZONE_STATS = {
        "nr_zone_inactive_anon", "nr_zone_active_anon", "nr_zone_inactive_file", "nr_zone_active_file",
        "nr_zone_unevictable", "nr_zone_write_pending", "nr_mlock", "nr_bounce", "nr_zspages", "nr_free_cma",
        "nr_unaccepted",
    };

    static ProcFile zoneinfo(Kernel k) {
        StringBuilder sb = new StringBuilder();
        List<Object> zones = new ArrayList<>();
        for (Node n : k.nodes) {
            boolean nodeStatsDone = false;
            for (Zone z : n.zones) {
                sb.append(String.format(Locale.ROOT, "Node %d, zone %8s%n", n.nid, z.type.kernelName()));
                if (!nodeStatsDone && z.populated()) {
                    sb.append("  per-node stats\n");
                    for (String s : NODE_STATS) sb.append(String.format(Locale.ROOT, "      %-12s %d%n", s, 0));
                    nodeStatsDone = true;
                }
                long free = z.freePages;
                sb.append(String.format(Locale.ROOT, "  pages free     %d%n", free));
                sb.append(String.format(Locale.ROOT, "        boost    %d%n", 0));
                sb.append(String.format(Locale.ROOT, "        min      %d%n", z.wmarkMin));
                sb.append(String.format(Locale.ROOT, "        low      %d%n", z.wmarkLow));
                sb.append(String.format(Locale.ROOT, "        high     %d%n", z.wmarkHigh));
                sb.append(String.format(Locale.ROOT, "        promo    %d%n", z.wmarkPromo));
                sb.append(String.format(Locale.ROOT, "        spanned  %d%n", z.spanned));
                sb.append(String.format(Locale.ROOT, "        present  %d%n", z.present));
                sb.append(String.format(Locale.ROOT, "        managed  %d%n", z.managed));
                sb.append(String.format(Locale.ROOT, "        cma      %d%n", 0));
                StringBuilder prot = new StringBuilder();
                for (int i = 0; i < z.lowmemReserve.length; i++) prot.append(i == 0 ? "" : ", ").append(z.lowmemReserve[i]);
                sb.append("        protection: (").append(prot).append(")\n");
                Map<String, Object> zm = new LinkedHashMap<>();
                zm.put("node", n.nid);
                zm.put("zone", z.type.kernelName());
                zm.put("free", free);
                zm.put("min", z.wmarkMin);
                zm.put("low", z.wmarkLow);
                zm.put("high", z.wmarkHigh);
                zm.put("promo", z.wmarkPromo);
                zm.put("spanned", z.spanned);
                zm.put("present", z.present);
                zm.put("managed", z.managed);
                zm.put("protection", z.lowmemReserve.clone());
                zm.put("start_pfn", z.zoneStartPfn);
                zones.add(zm);
                if (!z.populated()) continue;
                sb.append(String.format(Locale.ROOT, "      %-12s %d%n", "nr_free_pages", free));
                for (String s : ZONE_STATS) sb.append(String.format(Locale.ROOT, "      %-12s %d%n", s, 0));
                sb.append(String.format(Locale.ROOT, "      %-12s %d%n", "numa_hit", 0));
                for (String s : new String[] {"numa_miss", "numa_foreign", "numa_interleave", "numa_local", "numa_other"})
                    sb.append(String.format(Locale.ROOT, "      %-12s %d%n", s, 0));
                sb.append("  pagesets\n");
                int threshold = threshold(k, z);
                List<Object> pcps = new ArrayList<>();
                for (int c = 0; c < z.pcpCpus; c++) {
                    Zone.Pcp p = z.pcpOrNull(c);
                    int count, high, batch;
                    if (p == null) {
                        // a CPU that has not used the zone yet: an empty pageset with the zone's high and batch
                        count = 0;
                        high = z.pcpHigh;
                        batch = z.pcpBatch;
                    } else {
                        p.lock();
                        try { count = p.count; high = p.high; batch = p.batch; } finally { p.unlock(); }
                    }
                    sb.append(String.format(Locale.ROOT, "    cpu: %d%n              count: %d%n              high:  %d%n"
                            + "              batch: %d%n  vm stats threshold: %d%n", c, count, high, batch, threshold));
                    pcps.add(Map.of("cpu", c, "count", count, "high", high, "batch", batch));
                }
                zm.put("pagesets", pcps);
                sb.append(String.format(Locale.ROOT, "  node_unreclaimable:  %d%n", 0));
                sb.append(String.format(Locale.ROOT, "  start_pfn:           %d%n", z.zoneStartPfn));
            }
        }
        return new ProcFile("zoneinfo", sb.toString(), Map.of("zones", zones));
    }

    /** calculate_normal_threshold. */
    static int threshold(Kernel k, Zone z) {
        long mem = z.managed >> (27 - Mm.PAGE_SHIFT);
        int cpus = k.cpus.count();
        int t = 2 * fls(cpus) * (1 + fls(mem));
        return Math.min(125, t);
    }

    static int fls(long x) { return 64 - Long.numberOfLeadingZeros(x); }

    static ProcFile buddyinfo(Kernel k) {
        StringBuilder sb = new StringBuilder();
        List<Object> rows = new ArrayList<>();
        for (Node n : k.nodes) for (Zone z : n.zones) {
            if (!z.populated()) continue;
            long[] nr;
            synchronized (z) { nr = z.nrFree.clone(); }
            sb.append(String.format(Locale.ROOT, "Node %d, zone %8s ", n.nid, z.type.kernelName()));
            for (long v : nr) sb.append(String.format(Locale.ROOT, "%6d ", v));
            sb.append('\n');
            rows.add(Map.of("node", n.nid, "zone", z.type.kernelName(), "nr_free", nr));
        }
        return new ProcFile("buddyinfo", sb.toString(), Map.of("zones", rows));
    }

    static ProcFile pagetypeinfo(Kernel k) {
        StringBuilder sb = new StringBuilder();
        sb.append("Page block order: ").append(Mm.PAGEBLOCK_ORDER).append('\n');
        sb.append("Pages per block:  ").append(Mm.PAGEBLOCK_NR_PAGES).append("\n\n");
        sb.append(String.format(Locale.ROOT, "%-43s ", "Free pages count per migrate type at order"));
        for (int o = 0; o <= Mm.MAX_PAGE_ORDER; o++) sb.append(String.format(Locale.ROOT, "%6d ", o));
        sb.append('\n');
        List<Object> free = new ArrayList<>(), blocks = new ArrayList<>();
        for (Node n : k.nodes) for (Zone z : n.zones) {
            if (!z.populated()) continue;
            for (MigrateType mt : MigrateType.VALUES) {
                sb.append(String.format(Locale.ROOT, "Node %4d, zone %8s, type %12s ", n.nid, z.type.kernelName(), mt.kernelName()));
                long[] counts = new long[Mm.NR_PAGE_ORDERS];
                synchronized (z) { for (int o = 0; o <= Mm.MAX_PAGE_ORDER; o++) counts[o] = z.nrFreeMt(o, mt.ordinal()); }
                for (long c : counts) sb.append(c >= 100000 ? String.format(Locale.ROOT, ">%6d ", 100000) : String.format(Locale.ROOT, "%6d ", c));
                sb.append('\n');
                free.add(Map.of("node", n.nid, "zone", z.type.kernelName(), "type", mt.kernelName(), "counts", counts));
            }
        }
        sb.append(String.format(Locale.ROOT, "%n%-23s", "Number of blocks type "));
        for (MigrateType mt : MigrateType.VALUES) sb.append(String.format(Locale.ROOT, "%12s ", mt.kernelName()));
        sb.append('\n');
        for (Node n : k.nodes) for (Zone z : n.zones) {
            if (!z.populated()) continue;
            long[] c = new long[MigrateType.VALUES.length];
            long start = z.zoneStartPfn & ~(long) (Mm.PAGEBLOCK_NR_PAGES - 1);
            for (long pfn = start; pfn < z.endPfn(); pfn += Mm.PAGEBLOCK_NR_PAGES) {
                long p = Math.max(pfn, z.zoneStartPfn);
                if (!k.mm.valid(p)) {
                    // a hole without a memmap: on to the next present section (its first pageblock)
                    long next = k.mm.nextValidPfn(p);
                    if (next < 0 || next >= z.endPfn()) break;
                    pfn = next - Mm.PAGEBLOCK_NR_PAGES;
                    continue;
                }
                if (!k.mm.initialised(p)) continue;
                if (k.pageZone(k.mm.f(p)) != z) continue;
                c[k.mm.pageblockMt(p)]++;
            }
            sb.append(String.format(Locale.ROOT, "Node %d, zone %8s ", n.nid, z.type.kernelName()));
            for (long v : c) sb.append(String.format(Locale.ROOT, "%12d ", v));
            sb.append('\n');
            blocks.add(Map.of("node", n.nid, "zone", z.type.kernelName(), "blocks", c));
        }
        return new ProcFile("pagetypeinfo", sb.toString(), Map.of("free", free, "blocks", blocks));
    }

    static ProcFile meminfo(Kernel k) {
        long total = k.managedPages(), free = k.freePages();
        long reserve = 0;
        for (Zone z : k.zones()) {
            long max = 0;
            for (long v : z.lowmemReserve) max = Math.max(max, v);
            reserve += Math.min(z.managed, max + z.wmarkHigh);
        }
        long available = Math.max(0, free - reserve);
        // the kernel's field names in the text, snake_case with the unit in the data
        String[] names = {"MemTotal", "MemFree", "MemAvailable"};
        String[] keys = {"mem_total_kb", "mem_free_kb", "mem_available_kb"};
        long[] kb = {total * 4, free * 4, available * 4};
        Map<String, Object> d = new LinkedHashMap<>();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < names.length; i++) {
            d.put(keys[i], kb[i]);
            sb.append(String.format(Locale.ROOT, "%-16s%8d kB%n", names[i] + ":", kb[i]));
        }
        return new ProcFile("meminfo", sb.toString(), d);
    }

}
