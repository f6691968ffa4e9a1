package mm.pageext.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import mm.core.api.Mm;
import mm.pageext.api.PageExt;
import mm.shell.api.Help;
import mm.shell.api.Report;
import mm.shell.api.ReportPrinter;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code mm:pageext}: the page_ext storage of the booted machine, per node, and its clients. */
@Component(service = PageExtCommands.class, property = Help.GROUP + "=page_ext")
@GogoCommand(scope = "mm", function = "pageext")
public class PageExtCommands {
    private final PageExt ext;
    private final ReportPrinter out;

    @Activate
    public PageExtCommands(@Reference PageExt ext, @Reference ReportPrinter out) {
        this.ext = ext;
        this.out = out;
    }

    @Descriptor("page_ext of the booted machine: init variant, entry size and layout (clients and their offsets),"
            + " tables and bytes per node")
    public void pageext() {
        print(report(ext, false));
    }

    @Descriptor("page_ext details: 'summary' as mm:pageext, 'sections' also lists every section's table (node, bytes,"
            + " where it came from)")
    public void pageext(@Descriptor("summary | sections") String sub) {
        switch (sub) {
            case "summary" -> print(report(ext, false));
            case "sections" -> print(report(ext, true));
            default -> throw new IllegalArgumentException("unknown subcommand '" + sub + "' (expected summary or sections)");
        }
    }

    /** The storage report (text and JSON). */
    public static Report report(PageExt ext, boolean sections) {
        StringBuilder sb = new StringBuilder();
        Map<String, Object> data = new LinkedHashMap<>();
        String variant = ext.variant();
        int entry = ext.entrySize();
        long bytes = ext.allocatedBytes();
        List<PageExt.Section> secs = ext.sections();
        data.put("variant", variant);
        data.put("ready", ext.ready());
        data.put("entry_size", entry);
        data.put("bytes", bytes);
        data.put("sections", secs.size());
        if (variant == null) {
            sb.append("page_ext: no boot yet (mm:boot)\n");
        } else if (entry == 0) {
            sb.append("page_ext: variant ").append(variant).append(": no client needs page_ext on this boot"
                    + " (page_owner=off), nothing allocated\n");
        } else {
            sb.append(String.format(Locale.ROOT, "page_ext: variant %s, %s, entry %d bytes per page, %d sections,"
                    + " %d bytes (%.1f MiB) = %d bytes per present page%n", variant, ext.ready() ? "initialised" : "not initialised",
                    entry, secs.size(), bytes, bytes / 1048576.0, secs.isEmpty() ? 0 : bytes / ((long) secs.size() * Mm.PAGES_PER_SECTION)));
        }
        List<Map<String, Object>> clients = new ArrayList<>();
        sb.append("clients:\n");
        if (entry > 0 && ext.clients().stream().anyMatch(PageExt.Client::needed) && ext.clients().stream()
                .filter(PageExt.Client::needed).mapToInt(PageExt.Client::offset).min().orElse(0) > 0)
            sb.append(String.format(Locale.ROOT, "  %-16s offset %3d  size %3d%n", "flags", 0, 8));
        for (PageExt.Client c : ext.clients()) {
            sb.append(String.format(Locale.ROOT, "  %-16s %s  size %3d%s%n", c.name(),
                    c.offset() >= 0 ? String.format(Locale.ROOT, "offset %3d", c.offset()) : "offset   -",
                    c.size(), c.needed() ? "" : "  (not needed on this boot)"));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", c.name());
            m.put("offset", c.offset());
            m.put("size", c.size());
            m.put("needed", c.needed());
            clients.add(m);
        }
        data.put("clients", clients);
        Map<Integer, long[]> perNode = new TreeMap<>();
        Map<Integer, Map<String, Integer>> sources = new TreeMap<>();
        for (PageExt.Section s : secs) {
            long[] n = perNode.computeIfAbsent(s.nid(), k -> new long[2]);
            n[0]++;
            n[1] += s.bytes();
            sources.computeIfAbsent(s.nid(), k -> new TreeMap<>()).merge(s.source(), 1, Integer::sum);
        }
        List<Map<String, Object>> nodes = new ArrayList<>();
        for (Map.Entry<Integer, long[]> e : perNode.entrySet()) {
            sb.append(String.format(Locale.ROOT, "Node %d: %d sections, %d bytes, tables from %s%n", e.getKey(),
                    e.getValue()[0], e.getValue()[1], sources.get(e.getKey())));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("node", e.getKey());
            m.put("sections", e.getValue()[0]);
            m.put("bytes", e.getValue()[1]);
            m.put("sources", sources.get(e.getKey()));
            nodes.add(m);
        }
        data.put("nodes", nodes);
        if (sections) {
            List<Map<String, Object>> rows = new ArrayList<>();
            sb.append("section  node  bytes     source    where\n");
            for (PageExt.Section s : secs) {
                String where = s.source().equals("memblock") ? String.format(Locale.ROOT, "%#x", s.where())
                        : String.format(Locale.ROOT, "pfn %#x", s.where());
                sb.append(String.format(Locale.ROOT, "%7d  %4d  %-8d  %-8s  %s (node %d)%n", s.sectionNr(), s.nid(),
                        s.bytes(), s.source(), where, s.tableNid()));
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("section", s.sectionNr());
                m.put("node", s.nid());
                m.put("bytes", s.bytes());
                m.put("source", s.source());
                m.put("where", s.where());
                m.put("table_node", s.tableNid());
                rows.add(m);
            }
            data.put("tables", rows);
        }
        return Report.of("pageext", sb.toString().replace(System.lineSeparator(), "\n"), data);
    }

    private void print(Report r) {
        out.print(r);
    }
}
