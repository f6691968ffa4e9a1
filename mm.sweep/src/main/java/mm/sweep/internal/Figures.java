package mm.sweep.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mm.core.api.MemoryModel;
import mm.core.api.NodeInfo;
import mm.core.api.ZoneInfo;
import mm.core.api.ZoneType;
import mm.pageowner.api.EarlyCount;
import mm.pageowner.api.PageOwner;
import mm.reporting.api.ReportingService;
import mm.reporting.api.ReportingStats;

/**
 * The figures a sweep records at each point, by name. Some name one number, others a family that gives a column per
 * node, zone or boot phase. All come from the services' APIs after the point's boot (and script): the boot's phase
 * table (measured and modelled), the model's nodes and zones, page_owner's early counts, reporting's counters.
 */
final class Figures {
    /** Each figure and what it is, for mm:help and the docs. */
    static final Map<String, String> CATALOGUE = catalogue();

    /** What a sweep records when --figures is not given. */
    static final String DEFAULT = "deferred_ms,deferred_model_ms,boot_ms";

    private static final Pattern DEFERRED_PHASE = Pattern.compile("deferred_init node (\\d+) \\((\\d+) pages\\)");

    private Figures() {}

    private static Map<String, String> catalogue() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("deferred_ms", "deferred struct page init of the slowest node, mmkit's measured time (ms)");
        c.put("deferred_model_ms", "the same, the kernel's modelled time (ms): what the padata tables report");
        c.put("deferred_node_ms", "per node: deferred_ms_nodeN, measured (ms)");
        c.put("deferred_node_model_ms", "per node: deferred_model_ms_nodeN, modelled (ms)");
        c.put("deferred_pages", "pages deferred init initialised, all nodes");
        c.put("boot_ms", "mmkit's wall time of the whole boot (ms)");
        c.put("phases", "the boot's phase table: PHASE_ms measured, PHASE_model_ms modelled where there is a model");
        c.put("memtotal_kb", "MemTotal: managed pages, all zones (kB)");
        c.put("memfree_kb", "MemFree (kB) after the boot (and the script)");
        c.put("zones", "per populated zone: nodeN_ZONE_present, _managed, _free (pages)");
        c.put("pageowner_early", "pages page_owner found allocated before it was initialised (empty when off)");
        c.put("reported_pages", "free page reporting: pages reported (after the script)");
        c.put("reported_blocks", "free page reporting: blocks reported");
        c.put("reporting_batches", "free page reporting: reports sent to the device");
        c.put("reporting_dropped", "free page reporting: captures dropped (array strategy)");
        c.put("script_ms", "wall time of the --script commands (ms)");
        return java.util.Collections.unmodifiableMap(c);
    }

    /** Parses {@code --figures}: comma-separated names from {@link #CATALOGUE}. */
    static List<String> parse(String spec) {
        String s = spec == null || spec.isBlank() ? DEFAULT : spec;
        Set<String> out = new LinkedHashSet<>();
        for (String item : s.split(",", -1)) {
            String f = item.trim();
            if (!CATALOGUE.containsKey(f)) {
                throw new IllegalArgumentException("--figures: unknown figure '" + f + "' (known: "
                        + String.join(", ", CATALOGUE.keySet()) + ")");
            }
            if (!out.add(f)) throw new IllegalArgumentException("--figures: " + f + " is given twice");
        }
        return List.copyOf(out);
    }

    /** What one point gave: everything the figures need, read from the services right after the point. */
    record Sample(MemoryModel.BootResult boot, double bootMs, double scriptMs, List<NodeInfo> nodes,
                  List<ZoneInfo> zones, long managedPages, long freePages, List<EarlyCount> early,
                  ReportingStats reporting) {}

    /** Reads a sample from the services (page_owner and reporting may be absent: null). */
    static Sample sample(MemoryModel.BootResult boot, double bootMs, double scriptMs, MemoryModel model,
                         PageOwner pageOwner, ReportingService reporting) {
        List<ZoneInfo> zones = new ArrayList<>();
        for (NodeInfo n : model.nodes()) {
            for (ZoneType z : ZoneType.values()) {
                ZoneInfo zi = model.zone(n.nid(), z);
                if (zi != null && zi.populated()) zones.add(zi);
            }
        }
        List<EarlyCount> early = pageOwner != null && pageOwner.enabled() ? pageOwner.earlyCounts() : null;
        return new Sample(boot, bootMs, scriptMs, model.nodes(), zones, model.totalManagedPages(),
                model.totalFreePages(), early, reporting == null ? null : reporting.stats());
    }

    /** The columns of {@code figures} for one sample, in order; a figure that does not apply gives no column. */
    static Map<String, Double> columns(List<String> figures, Sample s) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String f : figures) {
            switch (f) {
                case "deferred_ms" -> out.put(f, slowest(s, 0));
                case "deferred_model_ms" -> out.put(f, slowest(s, 1));
                case "deferred_node_ms" -> deferred(s).forEach((nid, t) -> out.put("deferred_ms_node" + nid, t[0]));
                case "deferred_node_model_ms" -> deferred(s).forEach((nid, t) ->
                        out.put("deferred_model_ms_node" + nid, t[1]));
                case "deferred_pages" -> {
                    long pages = 0;
                    for (String phase : s.boot().timings().keySet()) {
                        Matcher m = DEFERRED_PHASE.matcher(phase);
                        if (m.matches()) pages += Long.parseLong(m.group(2));
                    }
                    out.put(f, (double) pages);
                }
                case "boot_ms" -> out.put(f, s.bootMs());
                case "phases" -> s.boot().timings().forEach((phase, t) -> {
                    String key = phaseKey(phase);
                    out.put(key + "_ms", t[0]);
                    if (!Double.isNaN(t[1])) out.put(key + "_model_ms", t[1]);
                });
                case "memtotal_kb" -> out.put(f, s.managedPages() * 4.0);
                case "memfree_kb" -> out.put(f, s.freePages() * 4.0);
                case "zones" -> {
                    for (ZoneInfo z : s.zones()) {
                        String k = "node" + z.nid() + "_" + z.zone().kernelName();
                        out.put(k + "_present", (double) z.presentPages());
                        out.put(k + "_managed", (double) z.managedPages());
                        out.put(k + "_free", (double) z.freePages());
                    }
                }
                case "pageowner_early" -> {
                    if (s.early() == null) {
                        out.put(f, null);
                    } else {
                        long n = 0;
                        for (EarlyCount c : s.early()) n += c.pages();
                        out.put(f, (double) n);
                    }
                }
                case "reported_pages" -> out.put(f, s.reporting() == null ? null : (double) s.reporting().reportedPages());
                case "reported_blocks" -> out.put(f, s.reporting() == null ? null
                        : (double) s.reporting().reportedBlocks());
                case "reporting_batches" -> out.put(f, s.reporting() == null ? null : (double) s.reporting().batches());
                case "reporting_dropped" -> out.put(f, s.reporting() == null ? null : (double) s.reporting().dropped());
                case "script_ms" -> out.put(f, s.scriptMs());
                default -> throw new IllegalStateException(f);
            }
        }
        return out;
    }

    /** deferred_init per node: nid -> {measured, modelled}, from the phase table's "deferred_init node N" rows. */
    private static Map<Integer, double[]> deferred(Sample s) {
        Map<Integer, double[]> out = new java.util.TreeMap<>();
        s.boot().timings().forEach((phase, t) -> {
            Matcher m = DEFERRED_PHASE.matcher(phase);
            if (m.matches()) out.put(Integer.parseInt(m.group(1)), t);
        });
        return out;
    }

    /** The slowest node's time (boot waits for every pgdatinit thread): 0 measured, 1 modelled; null: none. */
    private static Double slowest(Sample s, int which) {
        Double max = null;
        for (double[] t : deferred(s).values()) {
            double v = t[which];
            if (!Double.isNaN(v) && (max == null || v > max)) max = v;
        }
        return max;
    }

    /** A phase's name as a column name: {@code deferred_init node 0 (98530883 pages)} -> {@code deferred_init_node0}. */
    static String phaseKey(String phase) {
        String p = phase.replaceAll("\\s*\\(.*\\)\\s*$", "").trim();
        p = p.replaceAll("node (\\d+)", "node$1");
        return p.replaceAll("[^A-Za-z0-9_]+", "_");
    }
}
