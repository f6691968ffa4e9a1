package mm.shell.internal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import mm.core.api.MemoryModel;
import mm.shell.api.Artifacts;
import mm.shell.api.Artifacts.Artifact;
import mm.shell.api.Help;
import mm.shell.api.Report;
import mm.shell.api.ReportPrinter;
import mm.shell.api.SafeFiles;
import mm.variant.api.VariantService;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code mm:report FILE.html}: the session's experiments on one self-contained page, for a mailing-list post or a
 * bug: the compare tables, sweep charts and maps that {@link Artifacts} kept, with the machine, variants, mmkit
 * version and date on top. Nothing is linked: SVG is inline, PNG a data URI, tables the HTML fragments recorded.
 */
@Component(service = ReportCommands.class, property = Help.GROUP + "=" + ReportCommands.GROUP)
@GogoCommand(scope = "mm", function = {"report"})
public final class ReportCommands {
    static final String GROUP = "experiments";
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    /** Sections in this order; any other kind follows under its own name. */
    private static final Map<String, String> SECTIONS = new LinkedHashMap<>();

    static {
        SECTIONS.put("compare", "Comparisons (mm:compare)");
        SECTIONS.put("sweep", "Sweeps (mm:sweep)");
        SECTIONS.put("map", "Memory maps (mm:map)");
    }

    private final BundleContext ctx;
    private final Artifacts artifacts;
    private final MemoryModel model;
    private final VariantService variants;
    private final ReportPrinter out;

    @Activate
    public ReportCommands(BundleContext ctx, @Reference Artifacts artifacts, @Reference MemoryModel model,
                          @Reference VariantService variants, @Reference ReportPrinter out) {
        this.ctx = ctx;
        this.artifacts = artifacts;
        this.model = model;
        this.variants = variants;
        this.out = out;
    }

    @Descriptor("write the session's compare tables, sweep charts and maps into one self-contained HTML file")
    public void report(
            @Descriptor("overwrite the file if it exists") @Parameter(names = {"-f", "--force"}, presentValue = "true", absentValue = "false") boolean force,
            @Descriptor("the HTML file to write, e.g. session.html") String file) {
        Path target = Path.of(file);
        SafeFiles.checkWritable(target, force);
        List<Artifact> all = artifacts.list();
        if (all.isEmpty()) {
            throw new IllegalStateException("nothing to report: no comparison, sweep chart or map was recorded in this"
                    + " session (run mm:compare, mm:sweep or mm:map --png/--svg first)");
        }
        String version = ctx.getBundle().getHeaders("").get(Constants.BUNDLE_VERSION);
        String machine = model.booted() && model.machine() != null ? model.machine().name() : "(not booted)";
        String html = html(all, machine, variants.selection(), version, System.currentTimeMillis());
        long bytes = SafeFiles.write(target, force, w -> w.write(html));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("file", file);
        data.put("bytes", bytes);
        data.put("artifacts", all.size());
        out.print(Report.of("report", "wrote " + file + " (" + bytes + " bytes): " + all.size() + " recorded "
                + (all.size() == 1 ? "item" : "items") + " of " + machine, data));
    }

    /** The page: the header, then a section per kind (compare, sweep, map, others), each item oldest first. */
    static String html(List<Artifact> all, String machine, Map<String, String> selection, String version, long now) {
        StringBuilder sb = new StringBuilder();
        // polyglot markup (HTML5 that is also well-formed XML), so that scripts can parse the page as XML too
        sb.append("<!DOCTYPE html>\n<html lang=\"en\" xmlns=\"http://www.w3.org/1999/xhtml\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>mmkit report: ")
                .append(esc(machine)).append("</title>\n<style>\n")
                .append("body{font-family:sans-serif;margin:1.5em;max-width:1300px}\n")
                .append("table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:2px 6px;text-align:left}\n")
                .append("td.num,th.num{text-align:right}figure{margin:1em 0}figcaption{color:#555;font-size:90%}\n")
                .append("svg,img{max-width:100%;height:auto}pre{background:#f6f6f6;padding:6px;overflow-x:auto}\n")
                .append("</style>\n</head>\n<body>\n<h1>mmkit report: ").append(esc(machine)).append("</h1>\n");
        sb.append("<table id=\"mm-report-meta\">\n");
        row(sb, "machine", machine);
        StringBuilder v = new StringBuilder();
        for (var e : new TreeMap<>(selection).entrySet()) v.append(v.length() == 0 ? "" : ", ").append(e.getKey()).append('=').append(e.getValue());
        row(sb, "variants", v.length() == 0 ? "(none)" : v.toString());
        row(sb, "mmkit", version == null ? "?" : version);
        row(sb, "date", WHEN.format(Instant.ofEpochMilli(now)));
        sb.append("</table>\n");
        List<String> kinds = new ArrayList<>(SECTIONS.keySet());
        for (Artifact a : all) if (!kinds.contains(a.kind())) kinds.add(a.kind());
        int n = 0;
        for (String kind : kinds) {
            List<Artifact> items = new ArrayList<>();
            for (Artifact a : all) if (a.kind().equals(kind) && !shownAsSvg(a, all)) items.add(a);
            if (items.isEmpty()) continue;
            sb.append("<h2>").append(esc(SECTIONS.getOrDefault(kind, kind))).append("</h2>\n");
            for (Artifact a : items) {
                sb.append("<figure id=\"item-").append(++n).append("\" class=\"").append(esc(kind)).append("\">\n");
                body(sb, a);
                sb.append("<figcaption>").append(esc(a.title())).append(" (recorded ")
                        .append(WHEN.format(Instant.ofEpochMilli(a.millis()))).append(")</figcaption>\n</figure>\n");
            }
        }
        sb.append("</body>\n</html>\n");
        return sb.toString();
    }

    /** A PNG drawn from the same picture as a recorded SVG (mm:map --png --svg) appears once, as the SVG. */
    private static boolean shownAsSvg(Artifact a, List<Artifact> all) {
        if (!a.mediaType().equals("image/png")) return false;
        for (Artifact b : all) {
            if (b != a && b.kind().equals(a.kind()) && b.title().equals(a.title()) && b.mediaType().equals("image/svg+xml"))
                return true;
        }
        return false;
    }

    private static void body(StringBuilder sb, Artifact a) {
        String text = new String(a.content(), StandardCharsets.UTF_8);
        switch (a.mediaType()) {
            case "text/html" -> sb.append(text).append('\n');
            case "image/svg+xml" -> {
                int at = text.indexOf("<svg"); // inline: without the XML declaration or a DOCTYPE
                sb.append(at < 0 ? esc(text) : text.substring(at)).append('\n');
            }
            case "image/png" -> sb.append("<img alt=\"").append(esc(a.title())).append("\" src=\"data:image/png;base64,")
                    .append(Base64.getEncoder().encodeToString(a.content())).append("\"/>\n");
            default -> sb.append("<pre>").append(esc(text)).append("</pre>\n");
        }
    }

    private static void row(StringBuilder sb, String k, String v) {
        sb.append("<tr><th>").append(esc(k)).append("</th><td>").append(esc(v)).append("</td></tr>\n");
    }

    static String esc(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
