package mm.core.internal.mm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import mm.core.api.MigrateType;
import mm.core.api.Mm;
import mm.core.api.ProcFile;
import mm.core.api.ZoneType;
import mm.core.hook.MixedBlockCounter;

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
        List<Object> nodes = new ArrayList<>();
        for (Node n : k.nodes) {
            boolean nodeStatsDone = false;
            for (Zone z : n.zones) {
                sb.append(String.format(Locale.ROOT, "Node %d, zone %8s%n", n.nid, z.type.kernelName()));
                if (!nodeStatsDone && z.populated()) {
                    // is_zone_first_populated: the node's counters, once, before its first populated zone
                    sb.append("  per-node stats\n");
                    long[] ns = k.vmstat.nodeStats(n);
                    Map<String, Object> nm = new LinkedHashMap<>();
                    nm.put("node", n.nid);
                    for (int i = 0; i < NODE_STATS.length; i++) {
                        sb.append(String.format(Locale.ROOT, "      %-12s %d%n", NODE_STATS[i], ns[i]));
                        nm.put(NODE_STATS[i], ns[i]);
                    }
                    nodes.add(nm);
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
                sb.append(String.format(Locale.ROOT, "        cma      %d%n", z.cmaPages));
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
                zm.put("cma", z.cmaPages);
                zm.put("protection", z.lowmemReserve.clone());
                zm.put("start_pfn", z.zoneStartPfn);
                zones.add(zm);
                if (!z.populated()) continue;
                sb.append(String.format(Locale.ROOT, "      %-12s %d%n", "nr_free_pages", free));
                long[] zs = k.vmstat.zoneStats(z);
                for (int i = 0; i < zoneStatCount(k); i++) {
                    sb.append(String.format(Locale.ROOT, "      %-12s %d%n", ZONE_STATS[i], zs[i]));
                    zm.put(ZONE_STATS[i], zs[i]);
                }
                long[] ev = k.pageAlloc.zoneEvents(z);
                for (int i = 0; i < VmStat.NR_NUMA_EVENTS; i++) {
                    sb.append(String.format(Locale.ROOT, "      %-12s %d%n", VmStat.NUMA_EVENT_NAMES[i], ev[i]));
                    zm.put(VmStat.NUMA_EVENT_NAMES[i], ev[i]);
                }
                sb.append("  pagesets\n");
                int threshold = threshold(k, z);
                List<Object> pcps = new ArrayList<>();
                for (int c = 0; c < z.pcpCpus; c++) {
                    Zone.Pcp p = z.pcpOrNull(c);
                    int count, high, batch;
                    if (p == null) {
                        // a CPU that has not used the zone yet: an empty pageset as per_cpu_pages_init leaves it
                        // (high 0 until its first refill or free) with the zone's batch
                        count = 0;
                        high = 0;
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
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("nodes", nodes);
        data.put("zones", zones);
        return new ProcFile("zoneinfo", sb.toString(), data);
    }

    /** The zone_stat_items a kernel has: nr_unaccepted only with CONFIG_UNACCEPTED_MEMORY (6.5 and later). */
    static int zoneStatCount(Kernel k) {
        return k.machine.config().unacceptedMemory() ? ZONE_STATS.length : VmStat.NR_UNACCEPTED;
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
        return perPopulatedZone(k, "buddyinfo", "nr_free", (nr, sb) -> {
            for (long v : nr) sb.append(String.format(Locale.ROOT, "%6d ", v));
            return nr;
        });
    }

    /**
     * walk_zones_in_node over the populated zones, for the views made from nr_free alone: a {@code Node %d, zone %8s }
     * line each, which {@code row} completes from a snapshot of the zone's nr_free and answers the line's data with.
     */
    static ProcFile perPopulatedZone(Kernel k, String name, String key,
                                     java.util.function.BiFunction<long[], StringBuilder, Object> row) {
        StringBuilder sb = new StringBuilder();
        List<Object> rows = new ArrayList<>();
        for (Node n : k.nodes) for (Zone z : n.zones) {
            if (!z.populated()) continue;
            long[] nr;
            synchronized (z) { nr = z.nrFree.clone(); }
            sb.append(String.format(Locale.ROOT, "Node %d, zone %8s ", n.nid, z.type.kernelName()));
            Object data = row.apply(nr, sb);
            sb.append('\n');
            rows.add(Map.of("node", n.nid, "zone", z.type.kernelName(), key, data));
        }
        return new ProcFile(name, sb.toString(), Map.of("zones", rows));
    }

    static ProcFile pagetypeinfo(Kernel k, MixedBlockCounter mixed) {
        StringBuilder sb = new StringBuilder();
        sb.append("Page block order: ").append(Mm.PAGEBLOCK_ORDER).append('\n');
        sb.append("Pages per block:  ").append(Mm.PAGEBLOCK_NR_PAGES).append("\n\n");
        sb.append(String.format(Locale.ROOT, "%-43s ", "Free pages count per migrate type at order"));
        for (int o = 0; o <= Mm.MAX_PAGE_ORDER; o++) sb.append(String.format(Locale.ROOT, "%6d ", o));
        sb.append('\n');
        List<Object> free = new ArrayList<>(), blocks = new ArrayList<>();
        MigrateType[] types = MigrateType.kernelOrder(k.machine.config().cma());
        for (Node n : k.nodes) for (Zone z : n.zones) {
            if (!z.populated()) continue;
            for (MigrateType mt : types) {
                sb.append(String.format(Locale.ROOT, "Node %4d, zone %8s, type %12s ", n.nid, z.type.kernelName(), mt.kernelName()));
                long[] counts = new long[Mm.NR_PAGE_ORDERS];
                synchronized (z) { for (int o = 0; o <= Mm.MAX_PAGE_ORDER; o++) counts[o] = z.nrFreeMt(o, mt.ordinal()); }
                for (long c : counts) sb.append(c >= 100000 ? String.format(Locale.ROOT, ">%6d ", 100000) : String.format(Locale.ROOT, "%6d ", c));
                sb.append('\n');
                free.add(Map.of("node", n.nid, "zone", z.type.kernelName(), "type", mt.kernelName(), "counts", counts));
            }
        }
        sb.append(String.format(Locale.ROOT, "%n%-23s", "Number of blocks type "));
        for (MigrateType mt : types) sb.append(String.format(Locale.ROOT, "%12s ", mt.kernelName()));
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
            long[] shown = new long[types.length];
            for (int i = 0; i < types.length; i++) shown[i] = c[types[i].ordinal()];
            for (long v : shown) sb.append(String.format(Locale.ROOT, "%12d ", v));
            sb.append('\n');
            blocks.add(Map.of("node", n.nid, "zone", z.type.kernelName(), "blocks", shown));
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("free", free);
        data.put("blocks", blocks);
        if (mixed != null && mixed.enabled()) data.put("mixed_blocks", mixedBlocks(k, mixed, sb));
        return new ProcFile("pagetypeinfo", sb.toString(), data);
    }

    /**
     * pagetypeinfo_showmixedcount: with page_owner on, drain_all_pages and then, per populated zone, page_owner's
     * count of pageblocks holding pages of another migratetype.
     */
    private static List<Object> mixedBlocks(Kernel k, MixedBlockCounter mixed, StringBuilder sb) {
        k.pageAlloc.drainAllPages();
        MigrateType[] types = MigrateType.kernelOrder(k.machine.config().cma());
        sb.append(String.format(Locale.ROOT, "%n%-23s", "Number of mixed blocks "));
        for (MigrateType mt : types) sb.append(String.format(Locale.ROOT, "%12s ", mt.kernelName()));
        sb.append('\n');
        List<Object> rows = new ArrayList<>();
        for (Node n : k.nodes) for (Zone z : n.zones) {
            if (!z.populated()) continue;
            long[] c = mixed.mixedBlocks(n.nid, z.type);
            long[] shown = new long[types.length];
            for (int i = 0; i < types.length; i++) {
                int o = types[i].ordinal();
                shown[i] = o < c.length ? c[o] : 0;
            }
            sb.append(String.format(Locale.ROOT, "Node %d, zone %8s ", n.nid, z.type.kernelName()));
            for (long v : shown) sb.append(String.format(Locale.ROOT, "%12d ", v));
            sb.append('\n');
            rows.add(Map.of("node", n.nid, "zone", z.type.kernelName(), "blocks", shown));
        }
        return rows;
    }

    /** calculate_totalreserve_pages: per zone the highest lowmem_reserve plus the high watermark, capped at managed. */
    static long totalreservePages(Kernel k) {
        long reserve = 0;
        for (Zone z : k.zones()) {
            long max = 0;
            for (int j = z.idx; j < z.lowmemReserve.length; j++) max = Math.max(max, z.lowmemReserve[j]);
            reserve += Math.min(z.managed, max + z.wmarkHigh);
        }
        return reserve;
    }

    /** The node counters summed over nodes (global_node_page_state). */
    static long[] globalNodeStats(Kernel k) {
        long[] g = new long[VmStat.NR_NODE_STATS];
        for (Node n : k.nodes) {
            long[] s = k.vmstat.nodeStats(n);
            for (int i = 0; i < g.length; i++) g[i] += s[i];
        }
        return g;
    }

    /** The zone counters after NR_FREE_PAGES summed over zones (global_zone_page_state). */
    static long[] globalZoneStats(Kernel k) {
        long[] g = new long[VmStat.NR_ZONE_STATS];
        for (Zone z : k.zones()) {
            long[] s = k.vmstat.zoneStats(z);
            for (int i = 0; i < g.length; i++) g[i] += s[i];
        }
        return g;
    }

    /** si_mem_available: free minus totalreserve, plus the page cache and reclaimable slab that could be freed. */
    static long memAvailable(Kernel k, long[] node) {
        long wmarkLow = 0;
        for (Zone z : k.zones()) wmarkLow += z.wmarkLow;
        long available = k.freePages() - totalreservePages(k);
        long pagecache = node[VmStat.NR_ACTIVE_FILE] + node[VmStat.NR_INACTIVE_FILE];
        pagecache -= Math.min(pagecache / 2, wmarkLow);
        available += pagecache;
        long reclaimable = node[VmStat.NR_SLAB_RECLAIMABLE] + node[VmStat.NR_KERNEL_MISC_RECLAIMABLE];
        reclaimable -= Math.min(reclaimable / 2, wmarkLow);
        available += reclaimable;
        return Math.max(0, available);
    }

    /** vm_overcommit_ratio's default, and the page cache dirty ratios (vm.dirty_ratio, vm.dirty_background_ratio). */
    static final int OVERCOMMIT_RATIO = 50, DIRTY_RATIO = 20, DIRTY_BACKGROUND_RATIO = 10;
    /** VMALLOC_SIZE_TB with 5-level paging (mmkit emulates x86_64 with MAX_PHYSMEM_BITS 52). */
    static final long VMALLOC_SIZE_TB = 12800;
    /** The default huge page size: a PMD (HPAGE_PMD_ORDER 9). */
    static final long HPAGE_PMD_KB = 2048;

    /** One /proc/meminfo line: the kernel's label, the value, and whether it is printed with " kB". */
    private record Line(String label, long value, boolean kb) {}

    static ProcFile meminfo(Kernel k) {
        long[] node = globalNodeStats(k);
        long[] zone = globalZoneStats(k);
        long totalram = k.managedPages(), free = k.freePages();
        long pk = Mm.PAGE_SIZE / 1024;
        long buffers = 0, swapcache = node[VmStat.NR_SWAPCACHE];
        long cached = Math.max(0, node[VmStat.NR_FILE_PAGES] - swapcache - buffers);
        long sreclaimable = node[VmStat.NR_SLAB_RECLAIMABLE], sunreclaim = node[VmStat.NR_SLAB_UNRECLAIMABLE];
        long hugetlbPages = k.hugetlb.hugetlbPages(), totalSwap = 0;
        long commitLimit = (totalram - hugetlbPages) * OVERCOMMIT_RATIO / 100 + totalSwap;
        long percpuPages = (SetupArch.PCPU_USED >> Mm.PAGE_SHIFT) * k.cpus.count() + k.vmstat.percpuPages();
        long[] direct = DirectMap.pages(k);
        List<Line> lines = new ArrayList<>(List.of(
            new Line("MemTotal", totalram * pk, true),
            new Line("MemFree", free * pk, true),
            new Line("MemAvailable", memAvailable(k, node) * pk, true),
            new Line("Buffers", buffers * pk, true),
            new Line("Cached", cached * pk, true),
            new Line("SwapCached", swapcache * pk, true),
            new Line("Active", (node[VmStat.NR_ACTIVE_ANON] + node[VmStat.NR_ACTIVE_FILE]) * pk, true),
            new Line("Inactive", (node[VmStat.NR_INACTIVE_ANON] + node[VmStat.NR_INACTIVE_FILE]) * pk, true),
            new Line("Active(anon)", node[VmStat.NR_ACTIVE_ANON] * pk, true),
            new Line("Inactive(anon)", node[VmStat.NR_INACTIVE_ANON] * pk, true),
            new Line("Active(file)", node[VmStat.NR_ACTIVE_FILE] * pk, true),
            new Line("Inactive(file)", node[VmStat.NR_INACTIVE_FILE] * pk, true),
            new Line("Unevictable", node[VmStat.NR_UNEVICTABLE] * pk, true),
            new Line("Mlocked", zone[VmStat.NR_MLOCK] * pk, true),
            new Line("SwapTotal", totalSwap * pk, true),
            new Line("SwapFree", 0, true),
            new Line("Zswap", 0, true),
            new Line("Zswapped", 0, true),
            new Line("Dirty", node[VmStat.NR_FILE_DIRTY] * pk, true),
            new Line("Writeback", node[VmStat.NR_WRITEBACK] * pk, true),
            new Line("AnonPages", node[VmStat.NR_ANON_MAPPED] * pk, true),
            new Line("Mapped", node[VmStat.NR_FILE_MAPPED] * pk, true),
            new Line("Shmem", node[VmStat.NR_SHMEM] * pk, true),
            new Line("KReclaimable", (sreclaimable + node[VmStat.NR_KERNEL_MISC_RECLAIMABLE]) * pk, true),
            new Line("Slab", (sreclaimable + sunreclaim) * pk, true),
            new Line("SReclaimable", sreclaimable * pk, true),
            new Line("SUnreclaim", sunreclaim * pk, true),
            new Line("KernelStack", node[VmStat.NR_KERNEL_STACK_KB], true),
            new Line("PageTables", node[VmStat.NR_PAGETABLE] * pk, true),
            new Line("SecPageTables", node[VmStat.NR_SECONDARY_PAGETABLE] * pk, true),
            new Line("NFS_Unstable", 0, true),
            new Line("Bounce", zone[VmStat.NR_BOUNCE] * pk, true),
            new Line("WritebackTmp", node[VmStat.NR_WRITEBACK_TEMP] * pk, true),
            new Line("CommitLimit", commitLimit * pk, true),
            new Line("Committed_AS", 0, true),
            new Line("VmallocTotal", ((VMALLOC_SIZE_TB << 40) - 1) >> 10, true),
            new Line("VmallocUsed", k.vmstat.vmallocPages() * pk, true),
            new Line("VmallocChunk", 0, true),
            new Line("Percpu", percpuPages * pk, true),
            new Line("HardwareCorrupted", 0, true),
            new Line("AnonHugePages", node[VmStat.NR_ANON_THPS] * pk, true),
            new Line("ShmemHugePages", node[VmStat.NR_SHMEM_THPS] * pk, true),
            new Line("ShmemPmdMapped", node[VmStat.NR_SHMEM_PMDMAPPED] * pk, true),
            new Line("FileHugePages", node[VmStat.NR_FILE_THPS] * pk, true),
            new Line("FilePmdMapped", node[VmStat.NR_FILE_PMDMAPPED] * pk, true),
            new Line("Unaccepted", zone[VmStat.NR_UNACCEPTED] * pk, true),
            new Line("HugePages_Total", k.hugetlb.totalDefault(), false),
            new Line("HugePages_Free", k.hugetlb.totalDefault(), false), // the pool is not used
            new Line("HugePages_Rsvd", 0, false),
            new Line("HugePages_Surp", 0, false),
            new Line("Hugepagesize", k.hugetlb.defaultSize / 1024, true),
            new Line("Hugetlb", hugetlbPages * pk, true),
            new Line("DirectMap4k", direct[0] * 4, true),
            new Line("DirectMap2M", direct[1] * 2048, true),
            new Line("DirectMap1G", direct[2] << 20, true)));
        // CONFIG_UNACCEPTED_MEMORY's line (6.5 and later), and CONFIG_CMA's before it
        int unaccepted = lines.indexOf(new Line("Unaccepted", zone[VmStat.NR_UNACCEPTED] * pk, true));
        if (!k.machine.config().unacceptedMemory()) lines.remove(unaccepted);
        if (k.machine.config().cma()) {
            lines.add(unaccepted, new Line("CmaFree", zone[VmStat.NR_FREE_CMA] * pk, true));
            lines.add(unaccepted, new Line("CmaTotal", k.cma.totalPages() * pk, true));
        }
        Map<String, Object> d = new LinkedHashMap<>();
        StringBuilder sb = new StringBuilder();
        for (Line l : lines) {
            d.put(snake(l.label()) + (l.kb() ? "_kb" : ""), l.value());
            // labels are padded to 16 columns and values right-aligned in 8; the kernel prints the one longer label
            // (HardwareCorrupted) with a space and a width of 5
            String label = l.label() + ":";
            String fmt = label.length() > 16 ? "%s %5d kB%n" : l.kb() ? "%-16s%8d kB%n" : "%-16s%8d%n";
            sb.append(String.format(Locale.ROOT, fmt, label, l.value()));
        }
        return new ProcFile("meminfo", sb.toString(), d);
    }

    /**
     * A meminfo label in snake_case: MemTotal mem_total, SUnreclaim s_unreclaim, Active(anon) active_anon,
     * HugePages_Total huge_pages_total, DirectMap2M direct_map2m.
     */
    static String snake(String label) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < label.length(); i++) {
            char c = label.charAt(i);
            if (c == '(') { b.append('_'); continue; }
            if (c == ')') continue;
            if (Character.isUpperCase(c) && i > 0) {
                char prev = label.charAt(i - 1);
                boolean nextLower = i + 1 < label.length() && Character.isLowerCase(label.charAt(i + 1));
                if (Character.isLowerCase(prev) || (Character.isUpperCase(prev) && nextLower))
                    b.append('_');
            }
            b.append(Character.toLowerCase(c));
        }
        return b.toString();
    }

    /** vm_event_item names that are per zone type (TEXTS_FOR_ZONES), in the zones' order. */
    private static final String[] ZONE_SUFFIXES = {"_dma", "_dma32", "_normal", "_movable", "_device"};

    /** The vm_event_item counters of 6.12 (this kernel's configuration) after the per-zone ones, in order. */
    static final String[] VM_EVENTS_TAIL = {
        "pgfree", "pgactivate", "pgdeactivate", "pglazyfree", "pgfault", "pgmajfault", "pglazyfreed", "pgrefill",
        "pgreuse", "pgsteal_kswapd", "pgsteal_direct", "pgsteal_khugepaged", "pgscan_kswapd", "pgscan_direct",
        "pgscan_khugepaged", "pgscan_direct_throttle", "pgscan_anon", "pgscan_file", "pgsteal_anon", "pgsteal_file",
        "zone_reclaim_failed", "pginodesteal", "slabs_scanned", "kswapd_inodesteal", "kswapd_low_wmark_hit_quickly",
        "kswapd_high_wmark_hit_quickly", "pageoutrun", "pgrotated", "drop_pagecache", "drop_slab", "oom_kill",
        "numa_pte_updates", "numa_huge_pte_updates", "numa_hint_faults", "numa_hint_faults_local",
        "numa_pages_migrated", "pgmigrate_success", "pgmigrate_fail", "thp_migration_success", "thp_migration_fail",
        "thp_migration_split", "compact_migrate_scanned", "compact_free_scanned", "compact_isolated", "compact_stall",
        "compact_fail", "compact_success", "compact_daemon_wake", "compact_daemon_migrate_scanned",
        "compact_daemon_free_scanned", "htlb_buddy_alloc_success", "htlb_buddy_alloc_fail", "unevictable_pgs_culled",
        "unevictable_pgs_scanned", "unevictable_pgs_rescued", "unevictable_pgs_mlocked", "unevictable_pgs_munlocked",
        "unevictable_pgs_cleared", "unevictable_pgs_stranded", "thp_fault_alloc", "thp_fault_fallback",
        "thp_fault_fallback_charge", "thp_collapse_alloc", "thp_collapse_alloc_failed", "thp_file_alloc",
        "thp_file_fallback", "thp_file_fallback_charge", "thp_file_mapped", "thp_split_page", "thp_split_page_failed",
        "thp_deferred_split_page", "thp_underused_split_page", "thp_split_pmd", "thp_scan_exceed_none_pte",
        "thp_scan_exceed_swap_pte", "thp_scan_exceed_share_pte", "thp_split_pud", "thp_zero_page_alloc",
        "thp_zero_page_alloc_failed", "thp_swpout", "thp_swpout_fallback", "balloon_inflate", "balloon_deflate",
        "balloon_migrate", "swap_ra", "swap_ra_hit", "ksm_swpin_copy", "cow_ksm", "zswpin", "zswpout", "zswpwb",
        "direct_map_level2_splits", "direct_map_level3_splits",
    };

    /**
     * /proc/vmstat (vmstat_start / vmstat_show): the zone counters, the NUMA events, the node counters, the
     * system-wide items (dirty thresholds, memmap pages), the vm events, and the deprecated nr_unstable.
     */
    static ProcFile vmstat(Kernel k) {
        Map<String, Object> d = new LinkedHashMap<>();
        long[] zone = globalZoneStats(k);
        long[] node = globalNodeStats(k);
        long[] ev = new long[VmStat.NR_EVENTS];
        long[] pgalloc = new long[ZoneType.VALUES.length];
        for (Zone z : k.zones()) {
            long[] e = k.pageAlloc.zoneEvents(z);
            for (int i = 0; i < ev.length; i++) ev[i] += e[i];
            pgalloc[z.idx] += e[VmStat.PGALLOC];
        }
        d.put("nr_free_pages", k.freePages());
        for (int i = 0; i < zoneStatCount(k); i++) d.put(ZONE_STATS[i], zone[i]);
        for (int i = 0; i < VmStat.NR_NUMA_EVENTS; i++) d.put(VmStat.NUMA_EVENT_NAMES[i], ev[i]);
        for (int i = 0; i < NODE_STATS.length; i++) d.put(NODE_STATS[i], node[i]);
        long[] dirty = dirtyLimits(k, node);
        d.put("nr_dirty_threshold", dirty[1]);
        d.put("nr_dirty_background_threshold", dirty[0]);
        long bootMemmap = memmapBootPages(k);
        // struct pages of sections added after boot (memory hotplug, ZONE_DEVICE): __populate_section_memmap
        long sectionMemmap = (long) Mm.PAGES_PER_SECTION * Mm.STRUCT_PAGE_SIZE / Mm.PAGE_SIZE;
        d.put("nr_memmap_pages", Math.max(0, k.mm.sectionCount() * sectionMemmap - bootMemmap)
                + k.vmstat.metadataPages.get());
        d.put("nr_memmap_boot_pages", bootMemmap + k.vmstat.metadataBootPages.get());
        for (String x : new String[] {"pgpgin", "pgpgout", "pswpin", "pswpout"}) d.put(x, 0L);
        for (int z = 0; z < ZONE_SUFFIXES.length; z++) d.put("pgalloc" + ZONE_SUFFIXES[z], pgalloc[z]);
        for (String prefix : new String[] {"allocstall", "pgskip"})
            for (String suffix : ZONE_SUFFIXES) d.put(prefix + suffix, 0L);
        for (String x : VM_EVENTS_TAIL) d.put(x, 0L);
        d.put("pgfree", ev[VmStat.PGFREE]);
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Object> e : d.entrySet()) sb.append(e.getKey()).append(' ').append(e.getValue()).append('\n');
        sb.append("nr_unstable 0\n");
        d.put("nr_unstable", 0L);
        return new ProcFile("vmstat", sb.toString(), d);
    }

    /**
     * global_dirty_limits for a task that is not real-time: the dirtyable memory (free pages above totalreserve plus
     * the file LRU) times vm.dirty_background_ratio and vm.dirty_ratio; {background, threshold} in pages.
     */
    static long[] dirtyLimits(Kernel k, long[] node) {
        long x = k.freePages();
        x -= Math.min(x, totalreservePages(k));
        x += node[VmStat.NR_ACTIVE_FILE] + node[VmStat.NR_INACTIVE_FILE];
        long available = x;
        long ratio = DIRTY_RATIO * Mm.PAGE_SIZE / 100, bgRatio = DIRTY_BACKGROUND_RATIO * Mm.PAGE_SIZE / 100;
        long thresh = ratio * available / Mm.PAGE_SIZE;
        long bg = bgRatio * available / Mm.PAGE_SIZE;
        if (bg >= thresh) bg = thresh / 2;
        return new long[] {bg, thresh};
    }

    /**
     * nr_memmap_boot_pages: the struct pages sparse_init allocated from memblock, a section's worth
     * (PAGES_PER_SECTION struct pages) for every section boot memory (memblock.memory) reaches.
     */
    static long memmapBootPages(Kernel k) {
        mm.core.api.Memblock mb = k.memblock();
        if (mb == null) return 0;
        long sections = 0, last = -1;
        for (mm.core.api.Memblock.PfnRange r : mb.memPfnRanges(Mm.MAX_NUMNODES)) {
            if (r.endPfn() <= r.startPfn()) continue;
            long first = Math.max(r.startPfn() >>> Mm.PFN_SECTION_SHIFT, last + 1);
            long end = (r.endPfn() - 1) >>> Mm.PFN_SECTION_SHIFT;
            if (end >= first) sections += end - first + 1;
            last = Math.max(last, end);
        }
        return sections * ((long) Mm.PAGES_PER_SECTION * Mm.STRUCT_PAGE_SIZE / Mm.PAGE_SIZE);
    }
}
