package mm.compare.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mm.compare.api.Comparison;
import mm.compare.api.Comparison.Row;
import mm.compare.api.Comparison.Tolerance;

/**
 * Which tolerance a field is judged with, which fields the emulator does not model (docs/views.md), and the rows of
 * a compare from the columns' numbers.
 */
final class Judge {
    private Judge() {}

    static final Tolerance EXACT = new Tolerance("exact", 0, 0, "the layout: spanned, present, start_pfn,"
            + " watermarks, protection, pageblocks per migratetype, memory blocks, the kernel image sizes");
    static final Tolerance ACCOUNTING = new Tolerance("0.5%", 0, 0.005, "what boot reserves and hands to the buddy:"
            + " managed, MemTotal, the Memory: line's available and reserved, page_owner's early count");
    static final Tolerance FREE = new Tolerance("2%", 0, 0.02, "free memory in total: pages free, nr_free_pages,"
            + " MemFree, MemAvailable, CommitLimit, the dirty thresholds");
    static final Tolerance PER_ORDER = new Tolerance("25%|4", 4, 0.25, "free blocks per order (buddyinfo,"
            + " pagetypeinfo): the boot workload stands for the real boot's allocations, block for block it differs");
    static final Tolerance COUNTER = new Tolerance("25%|64", 64, 0.25, "the other counters (slab, anon, kernel"
            + " stack, NUMA events, pagesets, vmstat items): the boot workload's stand-ins for the real boot's users");
    static final Tolerance MEASURED = new Tolerance("any", Double.POSITIVE_INFINITY, 0,
            "measured wall-clock times of the phases (ms): shown, never judged (JIT and a shared machine make them"
            + " noisy; the modelled times are the kernel's)");
    static final Tolerance MODELLED = new Tolerance("model", 0, 0, "modelled kernel times of the phases (ms): the"
            + " timing model is deterministic");
    static final Tolerance DIRECT_MAP = new Tolerance("32M", 32768, 0, "DirectMap4k and DirectMap2M (kB): the"
            + " kernel later splits 2 MiB mappings when it changes page attributes (set_memory_*), which mmkit does not"
            + " model; the reference boot moved 30 MiB (docs/views.md)");
    static final Tolerance NOT_MODELLED = new Tolerance("none", 0, 0, "fields the emulator does not model"
            + " (docs/views.md): shown, never judged");

    static final List<Tolerance> ALL = List.of(EXACT, ACCOUNTING, FREE, PER_ORDER, COUNTER, DIRECT_MAP, MEASURED,
            MODELLED, NOT_MODELLED);

    /** docs/views.md: counters mmkit prints as an idle kernel does because it has nothing of that kind. */
    private static final Set<String> NOT_MODELLED_NAMES = Set.of(
            // meminfo
            "Buffers", "SwapCached", "Active(file)", "Inactive(file)", "Unevictable", "Mlocked", "SwapTotal", "SwapFree",
            "Zswap", "Zswapped", "Dirty", "Writeback", "Mapped", "SecPageTables", "Bounce", "WritebackTmp",
            "Committed_AS", "HardwareCorrupted",
            // node and zone counters (zoneinfo, vmstat)
            "nr_inactive_file", "nr_active_file", "nr_unevictable", "nr_isolated_anon", "nr_isolated_file", "nr_mapped",
            "nr_dirty", "nr_writeback", "nr_writeback_temp", "nr_vmscan_write", "nr_vmscan_immediate_reclaim",
            "nr_dirtied", "nr_written", "nr_throttled_written", "nr_foll_pin_acquired", "nr_foll_pin_released",
            "nr_sec_page_table_pages", "nr_iommu_pages", "nr_swapcached", "nr_zone_inactive_file",
            "nr_zone_active_file", "nr_zone_unevictable", "nr_zone_write_pending", "nr_mlock", "nr_bounce",
            "nr_zspages", "nr_free_cma", "boost", "cma", "node_unreclaimable");

    /** The last word of a field name: the kernel's item ({@code nr_mapped} of {@code node 0 nr_mapped}). */
    static String item(String field) {
        int sp = field.lastIndexOf(' ');
        return sp < 0 ? field : field.substring(sp + 1);
    }

    static Tolerance tolerance(String view, String field) {
        String item = item(field);
        if (NOT_MODELLED_NAMES.contains(item) || item.startsWith("workingset_") || item.startsWith("pgpromote_")
                || item.startsWith("pgdemote_")) {
            return NOT_MODELLED;
        }
        switch (view) {
            case "phases":
                return field.endsWith("modelled ms") ? MODELLED : field.endsWith("measured ms") ? MEASURED : EXACT;
            case "memory":
                return field.startsWith("available") || field.startsWith("reserved") ? ACCOUNTING : EXACT;
            case "pageowner":
                return ACCOUNTING;
            case "buddyinfo":
                return PER_ORDER;
            case "pagetypeinfo":
                return field.contains(" order ") ? PER_ORDER : EXACT;
            case "blocks":
                return EXACT;
            case "meminfo":
                return switch (field) {
                    case "MemTotal" -> ACCOUNTING;
                    case "MemFree", "MemAvailable", "CommitLimit" -> FREE;
                    case "VmallocTotal", "HugePages_Total", "HugePages_Free", "HugePages_Rsvd", "HugePages_Surp",
                         "Hugepagesize", "Hugetlb", "DirectMap1G" -> EXACT;
                    case "DirectMap4k", "DirectMap2M" -> DIRECT_MAP;
                    default -> COUNTER;
                };
            case "vmstat":
                if (!item.startsWith("nr_") && !item.startsWith("numa_") && !item.startsWith("pgalloc_")
                        && !item.equals("pgfree")) {
                    return NOT_MODELLED; // the vm events of I/O, faults, reclaim, compaction, THP...
                }
                return switch (item) {
                    case "nr_free_pages", "nr_dirty_threshold", "nr_dirty_background_threshold" -> FREE;
                    case "nr_memmap_boot_pages", "nr_memmap_pages" -> EXACT;
                    default -> COUNTER;
                };
            case "zoneinfo":
                return switch (item) {
                    case "free", "nr_free_pages" -> FREE;
                    case "managed" -> ACCOUNTING;
                    case "min", "low", "promo", "spanned", "present", "start_pfn", "batch", "threshold" -> EXACT;
                    case "high" -> field.endsWith("pagesets high") ? COUNTER : EXACT;
                    // pagesets high: 6.12 tunes it at run time (decay_pcp_high) between high_min and high_max
                    default -> field.contains("protection[") ? EXACT : COUNTER;
                };
            default:
                return COUNTER;
        }
    }

    /**
     * The rows of a compare: every field any column has, in the order of the first column that has it, view by view;
     * the verdict of a row is the worst of each column against the first.
     */
    static List<Row> rows(List<Map<String, Map<String, Number>>> columns, boolean realReference) {
        List<Row> out = new ArrayList<>();
        for (String view : Comparison.VIEWS) {
            Set<String> fields = new LinkedHashSet<>();
            for (Map<String, Map<String, Number>> c : columns) {
                Map<String, Number> v = c.get(view);
                if (v != null) fields.addAll(v.keySet());
            }
            for (String f : fields) {
                List<Number> values = new ArrayList<>();
                for (Map<String, Map<String, Number>> c : columns) {
                    Map<String, Number> v = c.get(view);
                    values.add(v == null ? null : v.get(f));
                }
                Tolerance t = tolerance(view, f);
                out.add(new Row(view, f, values, t.name(), verdict(values, t, columns, view, realReference)));
            }
        }
        return out;
    }

    private static String verdict(List<Number> values, Tolerance t, List<Map<String, Map<String, Number>>> columns,
                                  String view, boolean realReference) {
        if (t == NOT_MODELLED) return Comparison.NOT_MODELLED;
        Number ref = values.get(0);
        String worst = Comparison.SAME;
        for (int i = 1; i < values.size(); i++) {
            Number v = values.get(i);
            if (ref == null || v == null) {
                // a column that has the view but not the field: the emulator does not print that line
                if (realReference && ref != null && columns.get(i).containsKey(view)) return Comparison.NOT_MODELLED;
                worst = Comparison.MISSING;
                continue;
            }
            double a = ref.doubleValue(), b = v.doubleValue();
            if (a == b) continue;
            if (!t.accepts(a, b)) return Comparison.DIFFERS;
            if (worst.equals(Comparison.SAME)) worst = Comparison.WITHIN;
        }
        return worst;
    }

    /** The tolerances the rows used, in {@link #ALL} order. */
    static List<Tolerance> used(List<Row> rows) {
        Map<String, Tolerance> byName = new LinkedHashMap<>();
        for (Tolerance t : ALL) byName.put(t.name(), t);
        Set<String> names = new LinkedHashSet<>();
        for (Row r : rows) names.add(r.tolerance());
        List<Tolerance> out = new ArrayList<>();
        for (Tolerance t : ALL) if (names.contains(t.name())) out.add(t);
        return out;
    }
}
