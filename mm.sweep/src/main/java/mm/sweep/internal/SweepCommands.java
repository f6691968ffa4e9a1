package mm.sweep.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import mm.core.api.MemoryModel;
import mm.machine.api.Machine;
import mm.machine.api.MachineService;
import mm.pageowner.api.PageOwner;
import mm.reporting.api.ReportingService;
import mm.shell.api.Artifacts;
import mm.shell.api.Column;
import mm.shell.api.Help;
import mm.shell.api.Progress;
import mm.shell.api.Report;
import mm.shell.api.ReportPrinter;
import mm.shell.api.SafeFiles;
import mm.shell.api.Table;
import mm.variant.api.VariantService;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * {@code mm:sweep}: one parameter over a list or a range; at each point a boot (and a script), and the chosen figures
 * recorded; then a table, a CSV and a chart (PNG, SVG) with published points overlaid. Variants, page_reporting_order
 * and the current machine are as they were afterwards; the model holds the last point's boot.
 */
@Component(service = SweepCommands.class, property = Help.GROUP + "=experiments")
@GogoCommand(scope = "mm", function = "sweep")
public final class SweepCommands {
    private final MemoryModel model;
    private final MachineService machines;
    private final VariantService variants;
    private final ReportPrinter out;
    private final Artifacts artifacts;
    private final Progress progress;
    private final CommandProcessor processor;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile PageOwner pageOwner;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile ReportingService reporting;

    @Activate
    public SweepCommands(@Reference MemoryModel model, @Reference MachineService machines,
                         @Reference VariantService variants, @Reference ReportPrinter out,
                         @Reference Artifacts artifacts, @Reference Progress progress,
                         @Reference CommandProcessor processor) {
        this.model = model;
        this.machines = machines;
        this.variants = variants;
        this.out = out;
        this.artifacts = artifacts;
        this.progress = progress;
        this.processor = processor;
    }

    @Descriptor("vary one parameter over a --range or --values; at each point boot (and run --script) and record"
            + " --figures; print the table, write --csv and a chart (--png, --svg) with --overlay's published points;"
            + " variants and page_reporting_order are restored afterwards")
    public void sweep(
            @Descriptor("the parameter: " + Plan.PARAMS)
            @Parameter(names = {"-p", "--param"}, absentValue = "") String param,
            @Descriptor("numbers and integer ranges, e.g. 1..52 or 1,2,4..8")
            @Parameter(names = {"-r", "--range"}, absentValue = "") String range,
            @Descriptor("visit every STEP-th value of each range (its end is always visited)")
            @Parameter(names = {"--step"}, absentValue = "1") int step,
            @Descriptor("comma-separated values: machine names or files, variants, option values, command-line words"
                    + " (a variant parameter without --values visits every variant)")
            @Parameter(names = {"-v", "--values"}, absentValue = "") String values,
            @Descriptor("machine file or built-in name to sweep on (default: the current machine)")
            @Parameter(names = {"-m", "--machine"}, absentValue = "") String machine,
            @Descriptor("variants for every point: SUBSYSTEM=VARIANT,... (e.g. deferred-init=multithreaded)")
            @Parameter(names = {"--with"}, absentValue = "") String with,
            @Descriptor("figures to record, comma-separated (default " + Figures.DEFAULT + "); mm:sweep --figures"
                    + " help lists them")
            @Parameter(names = {"-f", "--figures"}, absentValue = "") String figures,
            @Descriptor("columns to chart, comma-separated (default: every recorded column)")
            @Parameter(names = {"--chart"}, absentValue = "") String chartColumns,
            @Descriptor("a file of mm: commands to run after each boot, one per line (# comments)")
            @Parameter(names = {"--script"}, absentValue = "") String script,
            @Descriptor("write the table as CSV to FILE")
            @Parameter(names = {"--csv"}, absentValue = "") String csv,
            @Descriptor("write the chart as PNG to FILE")
            @Parameter(names = {"--png"}, absentValue = "") String png,
            @Descriptor("write the chart as SVG to FILE")
            @Parameter(names = {"--svg"}, absentValue = "") String svg,
            @Descriptor("a CSV of published points to overlay on the chart: the swept value, then a column per series"
                    + " (# lines name the source; *_stdev columns are not drawn)")
            @Parameter(names = {"--overlay"}, absentValue = "") String overlay,
            @Descriptor("the chart's title (default: the parameter and the machine)")
            @Parameter(names = {"--title"}, absentValue = "") String title,
            @Descriptor("the chart's size WIDTHxHEIGHT in pixels")
            @Parameter(names = {"--size"}, absentValue = "900x560") String size,
            @Descriptor("overwrite existing output files")
            @Parameter(names = {"--force"}, presentValue = "true", absentValue = "false") boolean force,
            @Descriptor("show the progress line on stderr even in script or JSON mode")
            @Parameter(names = {"--progress"}, presentValue = "true", absentValue = "false") boolean showProgress)
            throws Exception {
        if ("help".equals(figures)) {
            printFigures();
            return;
        }
        // everything is checked before the first boot: a bad argument changes nothing
        Map<String, List<String>> subsystems = variants.variants();
        Plan.Param p = Plan.param(param, subsystems);
        Points points = points(p, range, step, values, subsystems);
        Map<String, String> withVariants = Plan.with(with, subsystems);
        List<String> figs = Figures.parse(figures);
        int[] wh = size(size);
        Path csvPath = output("--csv", csv, force), pngPath = output("--png", png, force),
                svgPath = output("--svg", svg, force);
        SweepCsv.Overlay ov = overlay.isEmpty() ? null : SweepCsv.readOverlay(Path.of(overlay));
        List<String[]> scriptLines = script.isEmpty() ? List.of() : readScript(Path.of(script));
        Machine base = machine.isEmpty() ? machines.current() : loadMachine(machine);
        List<Plan.Point> plan = Plan.points(p, points, base, withVariants, subsystems, machines);
        ReportingService rep = reporting;
        if (p.kind().equals("page_reporting_order") && rep == null) {
            throw new IllegalStateException("--param page_reporting_order: free page reporting (mm.reporting) is not"
                    + " running");
        }
        if (p.kind().equals("deferred-threads")) {
            String mt = withVariants.getOrDefault("deferred-init", variants.selection().get("deferred-init"));
            if (!"multithreaded".equals(mt)) {
                throw new IllegalArgumentException("--param deferred-threads: only multithreaded deferred init has"
                        + " helper threads, the selection is " + mt + " (add --with deferred-init=multithreaded)");
            }
        }
        List<List<double[]>> overlayPoints = ov == null ? List.of() : mapOverlay(ov, points);

        // the sweep: variants and reporting order are put back whatever happens
        Map<String, String> before = variants.selection();
        int orderBefore = rep == null ? -1 : rep.order();
        Run run = new Run(plan.size());
        long t0 = System.nanoTime();
        List<Map<String, Double>> rows;
        try {
            rows = progress.during(() -> run.line(p.label(), plan), showProgress,
                    () -> runPoints(p, plan, figs, scriptLines, script, run));
        } finally {
            restore(before, withVariants.keySet(), p);
            if (p.kind().equals("page_reporting_order") && rep != null) rep.setOrder(orderBefore);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;

        // the table, the files, the artifacts
        List<String> columns = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (Map<String, Double> r : rows) for (String c : r.keySet()) if (seen.add(c)) columns.add(c);
        List<String> charted = chartColumns(chartColumns, columns);
        SweepCsv.Sheet sheet = sheet(p.label(), points, columns, rows);
        String csvText = SweepCsv.write(csvComments(p, base, plan, withVariants, figs), sheet);
        String chartTitle = title.isEmpty() ? "mm:sweep " + p.label() + " on " + machineName(p, base) : title;
        List<String> subtitles = subtitles(p, withVariants, ov);
        SweepChart chart = chart(chartTitle, subtitles, p, points, charted, columns, rows, ov, overlayPoints);
        String svgText = chart.svg(wh[0], wh[1]);
        byte[] pngBytes = pngPath == null ? null : chart.png(wh[0], wh[1]);
        // the report is made (and so checked) before any file is written: a command fails whole or not at all
        report(p, base, plan, withVariants, columns, rows, seconds, List.of(), chartTitle);
        List<String> wrote = new ArrayList<>();
        if (csvPath != null) wrote.add(csvPath + " (" + SafeFiles.write(csvPath, force, w -> w.write(csvText)) + " bytes)");
        if (pngPath != null) wrote.add(pngPath + " (" + SafeFiles.writeBytes(pngPath, force, pngBytes) + " bytes)");
        if (svgPath != null) wrote.add(svgPath + " (" + SafeFiles.write(svgPath, force, w -> w.write(svgText)) + " bytes)");
        long now = System.currentTimeMillis();
        artifacts.record(new Artifacts.Artifact("sweep", chartTitle, "image/svg+xml",
                svgText.getBytes(StandardCharsets.UTF_8), now));
        if (pngBytes != null) artifacts.record(new Artifacts.Artifact("sweep", chartTitle, "image/png", pngBytes, now));
        artifacts.record(new Artifacts.Artifact("sweep", chartTitle, "text/csv",
                csvText.getBytes(StandardCharsets.UTF_8), now));
        out.print(report(p, base, plan, withVariants, columns, rows, seconds, wrote, chartTitle));
    }

    // ------------------------------------------------------------------------------------------------ arguments

    private static Points points(Plan.Param p, String range, int step, String values,
                                 Map<String, List<String>> subsystems) {
        if (!range.isEmpty() && !values.isEmpty()) {
            throw new IllegalArgumentException("--range and --values: give one of them, not both");
        }
        if (step != 1 && range.isEmpty()) throw new IllegalArgumentException("--step: only with --range");
        if (!range.isEmpty()) return Points.range(range, step);
        if (!values.isEmpty()) return Points.values(values);
        if (p.kind().equals("variant")) return Points.values(String.join(",", subsystems.get(p.arg())));
        throw new IllegalArgumentException("--param " + p.label() + ": say which values, with --range (e.g. 1..52)"
                + " or --values (e.g. a,b,c)");
    }

    private static int[] size(String s) {
        String[] wh = s.toLowerCase(Locale.ROOT).split("x", -1);
        try {
            if (wh.length == 2) {
                int w = Integer.parseInt(wh[0].trim()), h = Integer.parseInt(wh[1].trim());
                if (w >= SweepChart.MIN_SIZE && h >= SweepChart.MIN_SIZE && w <= SweepChart.MAX_SIZE
                        && h <= SweepChart.MAX_SIZE) {
                    return new int[] {w, h};
                }
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new IllegalArgumentException("--size: expected WIDTHxHEIGHT, each " + SweepChart.MIN_SIZE + ".."
                + SweepChart.MAX_SIZE + " pixels, e.g. 900x560; got '" + s + "'");
    }

    private static Path output(String option, String file, boolean force) {
        if (file.isEmpty()) return null;
        Path f = Path.of(file);
        try {
            SafeFiles.checkWritable(f, force);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage());
        }
        return f;
    }

    /** The script's commands with their line numbers ({@code [line, text]}). */
    static List<String[]> readScript(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("--script: " + file + ": no such file");
        } catch (IOException e) {
            throw new IllegalArgumentException("--script: " + file + ": cannot read it");
        }
        List<String[]> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).trim();
            if (l.isEmpty() || l.startsWith("#")) continue;
            if (l.startsWith("mm:sweep")) {
                throw new IllegalArgumentException("--script: " + file + ":" + (i + 1) + ":1: a sweep cannot run"
                        + " mm:sweep");
            }
            out.add(new String[] {Integer.toString(i + 1), l});
        }
        if (out.isEmpty()) throw new IllegalArgumentException("--script: " + file + ": no command in it");
        return out;
    }

    private Machine loadMachine(String spec) throws Exception {
        var builtin = machines.builtin(spec);
        if (builtin.isPresent()) return builtin.get();
        Path f = Path.of(spec);
        if (!Files.isRegularFile(f)) {
            throw new IllegalArgumentException("--machine: '" + spec + "' is neither a built-in machine ("
                    + String.join(", ", machines.builtinNames()) + ") nor a file");
        }
        return machines.load(f);
    }

    /** The overlay's points on the sweep's x axis: numbers as they are, words by the point of the same value. */
    static List<List<double[]>> mapOverlay(SweepCsv.Overlay ov, Points points) {
        List<List<double[]>> out = new ArrayList<>();
        for (SweepCsv.Series s : ov.series()) {
            List<double[]> xy = new ArrayList<>();
            for (int i = 0; i < s.x().size(); i++) {
                String x = s.x().get(i);
                double xv;
                if (points.numeric()) {
                    Double d = Points.parse(x);
                    if (d == null) {
                        throw new IllegalArgumentException("--overlay: " + ov.file() + ":" + s.lines().get(i) + ":1: '"
                                + x + "' is not a number, and the swept values are");
                    }
                    xv = d;
                } else {
                    int k = points.labels().indexOf(x);
                    if (k < 0) {
                        throw new IllegalArgumentException("--overlay: " + ov.file() + ":" + s.lines().get(i) + ":1: '"
                                + x + "' is none of the swept values (" + String.join(", ", points.labels()) + ")");
                    }
                    xv = points.x()[k];
                }
                xy.add(new double[] {xv, s.y().get(i)});
            }
            out.add(xy);
        }
        return out;
    }

    private static List<String> chartColumns(String spec, List<String> columns) {
        if (spec.isEmpty()) return columns;
        List<String> out = new ArrayList<>();
        for (String item : spec.split(",", -1)) {
            String c = item.trim();
            if (!columns.contains(c)) {
                throw new IllegalArgumentException("--chart: no column '" + c + "' was recorded (recorded: "
                        + String.join(", ", columns) + ")");
            }
            out.add(c);
        }
        return out;
    }

    private void printFigures() {
        StringBuilder sb = new StringBuilder("figures mm:sweep can record (--figures):\n");
        Figures.CATALOGUE.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "  %-24s %s%n", k, v)));
        out.print(Report.of("sweep-figures", sb.toString(), Map.of("figures", Figures.CATALOGUE)));
    }

    // ------------------------------------------------------------------------------------------------ the run

    /** Where a sweep is, for the progress line. */
    final class Run {
        final int total;
        volatile int index;
        volatile boolean scripting;
        final long start = System.nanoTime();

        Run(int total) { this.total = total; }

        String line(String param, List<Plan.Point> plan) {
            int i = Math.min(index, total - 1);
            Plan.Point pt = plan.get(i);
            String what = scripting ? "running the script" : "booting " + pt.machine().name() + ": "
                    + progress.bootStatus();
            return String.format(Locale.ROOT, "mm:sweep %s=%s (%d of %d, %.0f s): %s", param, pt.label(), i + 1,
                    total, (System.nanoTime() - start) / 1e9, what);
        }
    }

    private List<Map<String, Double>> runPoints(Plan.Param p, List<Plan.Point> plan, List<String> figs,
                                                List<String[]> scriptLines, String scriptFile, Run run) {
        List<Map<String, Double>> rows = new ArrayList<>();
        for (int i = 0; i < plan.size(); i++) {
            Plan.Point pt = plan.get(i);
            run.index = i;
            run.scripting = false;
            try {
                for (Map.Entry<String, String> v : pt.variants().entrySet()) {
                    if (!v.getValue().equals(variants.active(v.getKey()))) variants.select(v.getKey(), v.getValue());
                }
                ReportingService rep = reporting;
                if (pt.reportingOrder() >= 0 && rep != null) rep.setOrder(pt.reportingOrder());
                long t0 = System.nanoTime();
                MemoryModel.BootResult r = model.boot(pt.machine());
                double bootMs = (System.nanoTime() - t0) / 1e6;
                double scriptMs = Double.NaN;
                if (!scriptLines.isEmpty()) {
                    run.scripting = true;
                    long s0 = System.nanoTime();
                    runScript(scriptLines, scriptFile);
                    scriptMs = (System.nanoTime() - s0) / 1e6;
                }
                rows.add(Figures.columns(figs, Figures.sample(r, bootMs, scriptMs, model, pageOwner, reporting)));
            } catch (RuntimeException e) {
                throw new IllegalStateException("mm:sweep stopped at point " + (i + 1) + " of " + plan.size() + " ("
                        + p.label() + "=" + pt.label() + "), nothing written: " + message(e), e);
            }
        }
        return rows;
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    /**
     * Runs the script in a session of its own whose output is dropped (a failing command stops the sweep). It runs in
     * a thread of its own: a Gogo session started in the thread of a running command writes to that command's
     * output (Gogo's current pipe is per thread), which would print every script command's report.
     */
    private void runScript(List<String[]> lines, String file) {
        PrintStream sink = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        RuntimeException[] failed = new RuntimeException[1];
        Thread t = new Thread(() -> {
            CommandSession s = processor.createSession(InputStream.nullInputStream(), sink, sink);
            try {
                for (String[] l : lines) {
                    try {
                        s.execute(l[1]);
                    } catch (Exception e) {
                        failed[0] = new IllegalStateException("--script " + file + ":" + l[0] + ": " + l[1] + ": "
                                + message(e));
                        return;
                    }
                }
            } catch (RuntimeException | Error e) {
                failed[0] = new IllegalStateException("--script " + file + ": " + message(e));
            } finally {
                s.close();
            }
        }, "mm-sweep-script");
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            t.interrupt();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("--script " + file + ": interrupted");
        }
        if (failed[0] != null) throw failed[0];
    }

    private void restore(Map<String, String> before, Set<String> with, Plan.Param p) {
        Set<String> touched = new LinkedHashSet<>(with);
        if (p.kind().equals("variant")) touched.add(p.arg());
        for (String sub : touched) {
            String was = before.get(sub);
            if (was != null && !was.equals(variants.selection().get(sub))) variants.select(sub, was);
        }
    }

    // ------------------------------------------------------------------------------------------------ output

    private static SweepCsv.Sheet sheet(String param, Points points, List<String> columns,
                                        List<Map<String, Double>> rows) {
        List<String> header = new ArrayList<>();
        header.add(param);
        header.addAll(columns);
        List<List<String>> body = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            List<String> r = new ArrayList<>();
            r.add(points.labels().get(i));
            for (String c : columns) r.add(SweepCsv.number(rows.get(i).get(c)));
            body.add(r);
        }
        return new SweepCsv.Sheet(header, body);
    }

    private static String machineName(Plan.Param p, Machine base) {
        return p.kind().equals("machine") ? "each machine" : base.name();
    }

    private List<String> csvComments(Plan.Param p, Machine base, List<Plan.Point> plan, Map<String, String> with,
                                     List<String> figs) {
        List<String> c = new ArrayList<>();
        c.add("mm:sweep " + p.label() + " on " + machineName(p, base) + ", " + plan.size() + " point"
                + (plan.size() == 1 ? "" : "s"));
        c.add("variants: " + variantLine(with, p));
        c.add("figures: " + String.join(",", figs) + " (_ms measured by mmkit, _model_ms the kernel's modelled time;"
                + " docs/sweep.md)");
        return c;
    }

    /** The variants in effect during the sweep (the swept subsystem, if any, varies). */
    private String variantLine(Map<String, String> with, Plan.Param p) {
        Map<String, String> v = new java.util.TreeMap<>(variants.selection());
        v.putAll(with);
        if (p.kind().equals("variant")) v.put(p.arg(), "(swept)");
        StringBuilder sb = new StringBuilder();
        v.forEach((k, val) -> sb.append(sb.length() == 0 ? "" : " ").append(k).append('=').append(val));
        return sb.toString();
    }

    private List<String> subtitles(Plan.Param p, Map<String, String> with,
                                   SweepCsv.Overlay ov) {
        List<String> s = new ArrayList<>();
        Map<String, String> shown = new LinkedHashMap<>();
        String di = variants.selection().get("deferred-init");
        if (di != null) shown.put("deferred-init", di);
        shown.putAll(with);
        if (p.kind().equals("variant")) shown.remove(p.arg());
        StringBuilder sb = new StringBuilder();
        shown.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append(' ').append(v));
        if (sb.length() > 0) s.add(sb.toString());
        // the overlay's first comment line names its source
        if (ov != null && !ov.source().isEmpty() && !ov.source().get(0).isEmpty()) {
            s.add("published: " + ov.source().get(0));
        }
        return s;
    }

    private static SweepChart chart(String title, List<String> subtitles, Plan.Param p, Points points,
                                    List<String> charted, List<String> columns, List<Map<String, Double>> rows,
                                    SweepCsv.Overlay ov, List<List<double[]>> overlayPoints) {
        List<SweepChart.Line> sweep = new ArrayList<>();
        for (String c : charted) {
            double[] y = new double[rows.size()];
            for (int i = 0; i < rows.size(); i++) {
                Double v = rows.get(i).get(c);
                y[i] = v == null ? Double.NaN : v;
            }
            sweep.add(new SweepChart.Line(c, points.x().clone(), y));
        }
        List<SweepChart.Line> overlays = new ArrayList<>();
        if (ov != null) {
            for (int k = 0; k < ov.series().size(); k++) {
                List<double[]> xy = overlayPoints.get(k);
                List<Double> sds = ov.series().get(k).stdev();
                double[] x = new double[xy.size()], y = new double[xy.size()], sd = new double[xy.size()];
                for (int i = 0; i < xy.size(); i++) {
                    x[i] = xy.get(i)[0];
                    y[i] = xy.get(i)[1];
                    sd[i] = sds.get(i) == null ? Double.NaN : sds.get(i);
                }
                overlays.add(new SweepChart.Line(ov.series().get(k).name(), x, y, sd));
            }
        }
        return new SweepChart(title, subtitles, p.label(), points.numeric() ? null : points.labels(),
                SweepChart.unit(charted), sweep, overlays);
    }

    /** A column name as a report key: snake_case. */
    static String key(String column) {
        String k = column.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_+|_+$", "");
        if (k.isEmpty()) return "figure";
        return Character.isLetter(k.charAt(0)) ? k : "f_" + k;
    }

    /** A figure in the printed table: whole numbers as they are, others to 0.1 (the CSV keeps 0.001). */
    static String shown(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private Report report(Plan.Param p, Machine base, List<Plan.Point> plan, Map<String, String> with,
                          List<String> columns, List<Map<String, Double>> rows, double seconds, List<String> wrote,
                          String chartTitle) {
        List<Column> cols = new ArrayList<>();
        int w0 = Math.max(p.label().length(), 6);
        for (Plan.Point pt : plan) w0 = Math.max(w0, pt.label().length());
        cols.add(Column.text("value", p.label()).width(w0).left());
        for (String c : columns) {
            // a report's keys are snake_case (JSON); the header keeps the CSV's name (node0_DMA32_free)
            String key = key(c);
            cols.add(Column.number(key.equals("value") ? "value_figure" : key, c).width(Math.max(10, c.length()))
                    .format(v -> shown(((Number) v).doubleValue())).absent("-"));
        }
        Table t = Table.of(cols.toArray(Column[]::new));
        for (int i = 0; i < rows.size(); i++) {
            Object[] r = new Object[columns.size() + 1];
            r[0] = plan.get(i).label();
            for (int k = 0; k < columns.size(); k++) r[k + 1] = rows.get(i).get(columns.get(k));
            t.row(r);
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "mm:sweep: %d point%s of %s on %s in %.1f s (variants: %s)%n",
                plan.size(), plan.size() == 1 ? "" : "s", p.label(), machineName(p, base), seconds, variantLine(with, p)));
        sb.append(t.text());
        if (!sb.toString().endsWith("\n")) sb.append('\n');
        for (String wf : wrote) sb.append("wrote ").append(wf).append('\n');
        sb.append("chart recorded for mm:report: ").append(chartTitle).append('\n');
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("param", p.label());
        d.put("machine", machineName(p, base));
        d.put("seconds", seconds);
        d.put("points", t.rows());
        d.put("files", wrote);
        return Report.of("sweep", sb.toString(), d);
    }
}
