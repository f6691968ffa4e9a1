package mm.pageowner.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mm.core.api.MemoryModel;
import mm.core.api.Mm;
import mm.core.api.NodeInfo;
import mm.machine.api.Machine;
import mm.pageext.api.PageExt;
import mm.pageowner.api.EarlyCount;
import mm.pageowner.api.PageOwner;
import mm.shell.api.Report;

/**
 * The experiment of seed 000: boot one machine (with page_owner=on) under several page_ext init variants and
 * print, side by side, how many early-allocated pages page_owner's init scan finds per node and zone, and what each
 * variant costs: page_ext bytes (and where they came from), the measured boot time of the emulator, and the
 * modelled kernel time of the parts that differ (serial memmap init, deferred init, page_ext init, the scan).
 * Every count comes from the emulated boots.
 */
final class Compare {
    /** One boot of the comparison. */
    record Column(String pageExt, String deferred) {}

    /** late as today's kernels boot; late and early without deferred init (the 2019 thread); on-touch with it. */
    static final List<Column> SEED000 = List.of(new Column("late", "per-node"), new Column("late", "off"),
            new Column("early", "off"), new Column("on-touch", "per-node"));

    /** Makes a column's variants the active ones (through the variant registry in the framework). */
    interface Selector {
        void select(String pageExt, String deferred);
    }

    /** What one boot gave. */
    record Result(Column column, List<EarlyCount> counts, long pageExtBytes, Map<String, Integer> sources,
                  String variant, double wallMs, double memmapMs, double deferredMs, double pageExtMs, double scanMs,
                  long earlyInitPages, long deferredPages, boolean pageOwner) {
        double modelledMs() { return memmapMs + deferredMs + pageExtMs + scanMs; }
    }

    private static final Pattern DEFERRED_KEY = Pattern.compile("deferred_init node (\\d+) \\((\\d+) pages\\)");

    static List<Result> run(Machine m, List<Column> columns, MemoryModel model, PageExt ext, PageOwner owner,
                            Selector selector) {
        Machine machine = m.withOptions(m.options().withPageOwner(true).withEarlyPageExt(false));
        List<Result> out = new ArrayList<>();
        for (Column c : columns) {
            selector.select(c.pageExt(), c.deferred());
            long t0 = System.nanoTime();
            MemoryModel.BootResult r = model.boot(machine);
            double wall = (System.nanoTime() - t0) / 1e6;
            out.add(result(c, r, wall, machine, model, ext, owner));
        }
        return out;
    }

    private static Result result(Column c, MemoryModel.BootResult r, double wall, Machine m, MemoryModel model,
                                 PageExt ext, PageOwner owner) {
        long present = 0;
        for (NodeInfo n : model.nodes()) present += n.presentPages();
        long deferredPages = 0;
        double deferredMs = 0, pageExtMs = 0, scanMs = 0;
        for (Map.Entry<String, double[]> e : r.timings().entrySet()) {
            Matcher x = DEFERRED_KEY.matcher(e.getKey());
            double modelled = Double.isNaN(e.getValue()[1]) ? 0 : e.getValue()[1];
            if (x.find()) {
                deferredPages += Long.parseLong(x.group(2));
                deferredMs = Math.max(deferredMs, modelled);   // pgdatinit threads run in parallel; the boot waits for all
            } else if (e.getKey().startsWith("page_ext")) {
                pageExtMs += modelled;
            } else if (e.getKey().startsWith("page_owner")) {
                scanMs += modelled;
            }
        }
        long earlyInit = present - deferredPages;
        // free_area_init initialises the rest on the boot CPU: same per-page work and bandwidth as deferred init
        double memmapMs = (earlyInit * (m.timing("init_ns_per_page", 8.0))
                + earlyInit * (double) Mm.STRUCT_PAGE_SIZE / m.timing("mem_bw_gbps", 40.0)) / 1e6;
        Map<String, Integer> sources = new LinkedHashMap<>();
        for (PageExt.Section s : ext.sections()) sources.merge(s.source(), 1, Integer::sum);
        return new Result(c, owner.earlyCounts(), ext.allocatedBytes(), sources, ext.variant(), wall, memmapMs,
                deferredMs, pageExtMs, scanMs, earlyInit, deferredPages, owner.enabled());
    }

    static Report report(Machine m, List<Result> results) {
        StringBuilder sb = new StringBuilder();
        long mib = m.usableBytes() >> 20;
        sb.append(String.format(Locale.ROOT, "seed 000: page owner's early-allocated pages per zone, machine %s (%d node%s,"
                + " %d MiB), page_owner=on%n", m.name(), m.nodes().size(), m.nodes().size() == 1 ? "" : "s", mib));
        String rowFmt = "%-28s" + "%16s".repeat(results.size()) + "%n";
        Object[] head = new Object[results.size() + 1];
        head[0] = "page_ext init";
        for (int i = 0; i < results.size(); i++) head[i + 1] = results.get(i).column().pageExt();
        sb.append(String.format(Locale.ROOT, rowFmt, head));
        head[0] = "deferred struct page init";
        for (int i = 0; i < results.size(); i++) head[i + 1] = results.get(i).column().deferred();
        sb.append(String.format(Locale.ROOT, rowFmt, head));
        // every (node, zone) any boot printed, in boot order
        List<String> zones = new ArrayList<>();
        for (Result r : results) for (EarlyCount e : r.counts()) {
            String k = key(e);
            if (!zones.contains(k)) zones.add(k);
        }
        List<Map<String, Object>> cols = new ArrayList<>();
        for (String z : zones) {
            Object[] row = new Object[results.size() + 1];
            row[0] = z;
            for (int i = 0; i < results.size(); i++) {
                Long v = null;
                for (EarlyCount e : results.get(i).counts()) if (key(e).equals(z)) v = e.pages();
                row[i + 1] = v == null ? "-" : Long.toString(v);
            }
            sb.append(String.format(Locale.ROOT, rowFmt, row));
        }
        line(sb, rowFmt, "total early allocated", results, r -> Long.toString(total(r)));
        line(sb, rowFmt, "page_ext bytes", results, r -> Long.toString(r.pageExtBytes()));
        line(sb, rowFmt, "page_ext tables from", results, r -> r.sources().isEmpty() ? "-" : String.join("+", r.sources().keySet()));
        line(sb, rowFmt, "boot measured (emulator ms)", results, r -> String.format(Locale.ROOT, "%.1f", r.wallMs()));
        line(sb, rowFmt, "boot modelled (kernel ms)", results, r -> String.format(Locale.ROOT, "%.1f", r.modelledMs()));
        line(sb, rowFmt, "  memmap init, boot CPU", results, r -> String.format(Locale.ROOT, "%.1f", r.memmapMs()));
        line(sb, rowFmt, "  deferred init (slowest)", results, r -> String.format(Locale.ROOT, "%.1f", r.deferredMs()));
        line(sb, rowFmt, "  page_ext tables", results, r -> String.format(Locale.ROOT, "%.1f", r.pageExtMs()));
        line(sb, rowFmt, "  page_owner early scan", results, r -> String.format(Locale.ROOT, "%.1f", r.scanMs()));
        sb.append("(modelled: the parts that differ between the variants, docs/timing-model.md parameters of the machine;"
                + " counts and bytes are the emulated boots')\n");
        for (Result r : results) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("page_ext", r.column().pageExt());
            c.put("deferred_init", r.column().deferred());
            c.put("variant_used", r.variant());
            Map<String, Object> counts = new LinkedHashMap<>();
            for (EarlyCount e : r.counts()) counts.put(key(e), e.pages());
            c.put("early_allocated", counts);
            c.put("early_allocated_total", total(r));
            c.put("page_ext_bytes", r.pageExtBytes());
            c.put("page_ext_sources", r.sources());
            c.put("boot_measured_ms", r.wallMs());
            c.put("boot_modelled_ms", r.modelledMs());
            c.put("memmap_init_modelled_ms", r.memmapMs());
            c.put("deferred_init_modelled_ms", r.deferredMs());
            c.put("page_ext_modelled_ms", r.pageExtMs());
            c.put("page_owner_scan_modelled_ms", r.scanMs());
            c.put("pages_initialised_early", r.earlyInitPages());
            c.put("pages_deferred", r.deferredPages());
            cols.add(c);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("machine", m.name());
        data.put("boots", cols);
        return Report.of("pageowner-compare", sb.toString().replace(System.lineSeparator(), "\n"), data);
    }

    static long total(Result r) {
        long t = 0;
        for (EarlyCount e : r.counts()) t += e.pages();
        return t;
    }

    private static String key(EarlyCount e) {
        return String.format(Locale.ROOT, "Node %d, zone %8s", e.nid(), e.zone().kernelName());
    }

    private static void line(StringBuilder sb, String fmt, String label, List<Result> rs,
                             java.util.function.Function<Result, String> f) {
        Object[] row = new Object[rs.size() + 1];
        row[0] = label;
        for (int i = 0; i < rs.size(); i++) row[i + 1] = f.apply(rs.get(i));
        sb.append(String.format(Locale.ROOT, fmt, row));
    }
}
