package mm.compare.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import mm.compare.api.CompareService;
import mm.compare.api.Comparison;
import mm.compare.api.Configuration;
import mm.shell.api.Artifacts;
import mm.shell.api.Help;
import mm.shell.api.ReportPrinter;
import mm.shell.api.SafeFiles;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code mm:compare}: the same scenario under several configurations, or the emulator against a real snapshot. */
@Component(service = CompareCommands.class, property = Help.GROUP + "=experiments")
@GogoCommand(scope = "mm", function = {"compare"})
public final class CompareCommands {
    static final String USAGE = "mm:compare [--machine M] [--script FILE] CONFIG CONFIG... | mm:compare --real DIR"
            + " [CONFIG]";
    private final CompareService compare;
    private final ReportPrinter out;
    private final Artifacts artifacts;
    private final CommandProcessor processor;

    @Activate
    public CompareCommands(@Reference CompareService compare, @Reference ReportPrinter out,
                           @Reference Artifacts artifacts, @Reference CommandProcessor processor) {
        this.compare = compare;
        this.out = out;
        this.artifacts = artifacts;
        this.processor = processor;
    }

    /** The shortest form: mm:help lists this line. */
    @Descriptor("the same boot under two or more configurations, every number side by side with its delta; or the"
            + " emulator against a real kernel's snapshot (--real DIR)")
    public void compare() {
        throw new IllegalArgumentException("mm:compare needs two or more configurations, got 0 (" + USAGE
                + "; \"\" is the runtime as it is; 'help mm:compare' shows the options)");
    }

    @Descriptor("run the same boot (and --script) under two or more configurations and show every number of the"
            + " views side by side with its delta against the first; or, with --real DIR, the emulator against a real"
            + " kernel's snapshot with a verdict per field. A CONFIG is one quoted argument of words:"
            + " SUBSYSTEM=VARIANT (mm:variant's names, e.g. deferred-init=off), machine=NAME|FILE, and kernel"
            + " command-line words (page_owner=on, movablecore=20%); \"\" is the runtime as it is."
            + " Example: mm:compare --machine xeon-2x384g deferred-init=per-node deferred-init=off."
            + " Afterwards the variants and the current machine are as before; the last boot is kept (docs/compare.md)")
    public void compare(
            @Descriptor("machine for every configuration without machine= (built-in name or file; default: the"
                    + " current machine)")
            @Parameter(names = {"-m", "--machine"}, absentValue = "") String machine,
            @Descriptor("a file of mm: commands (one per line, # comments) run after each configuration's boot,"
                    + " before the numbers are read")
            @Parameter(names = {"--script"}, absentValue = "") String script,
            @Descriptor("a real kernel's snapshot directory: console.log or dmesg, zoneinfo, buddyinfo, pagetypeinfo,"
                    + " meminfo, vmstat, memory-blocks (each also as NAME.txt); its machine is imported from the log")
            @Parameter(names = {"--real"}, absentValue = "") String real,
            @Descriptor("only these views, comma-separated: phases, memory, pageowner, zoneinfo, buddyinfo,"
                    + " pagetypeinfo, meminfo, vmstat, blocks")
            @Parameter(names = {"--view"}, absentValue = "") String views,
            @Descriptor("only the rows whose values are not all the same")
            @Parameter(names = {"--changed"}, presentValue = "true", absentValue = "false") boolean changed,
            @Descriptor("print the rows as CSV (header of JSON keys)")
            @Parameter(names = {"--csv"}, presentValue = "true", absentValue = "false") boolean csv,
            @Descriptor("also write the table as an HTML page to FILE")
            @Parameter(names = {"--html"}, absentValue = "") String html,
            @Descriptor("overwrite the --html FILE if it exists")
            @Parameter(names = {"--force"}, presentValue = "true", absentValue = "false") boolean force,
            @Descriptor("fail (after printing) when a field differs beyond its tolerance")
            @Parameter(names = {"--fail-on-diff"}, presentValue = "true", absentValue = "false") boolean failOnDiff,
            @Descriptor("configurations, each one quoted argument of words (with --real: at most one, applied to"
                    + " the emulated side)") String... configs) throws IOException {
        Set<String> only = views(views);
        Path htmlFile = html.isEmpty() ? null : Path.of(html);
        if (htmlFile != null) SafeFiles.checkWritable(htmlFile, force); // refused before anything boots
        String[] cs = configs == null ? new String[0] : configs;
        Comparison c;
        if (!real.isEmpty()) {
            if (cs.length > 1) {
                throw new IllegalArgumentException("--real takes at most one configuration (for the emulated side), got "
                        + cs.length + " (" + USAGE + ")");
            }
            if (!script.isEmpty()) throw new IllegalArgumentException("--script does not go with --real (" + USAGE + ")");
            if (!machine.isEmpty()) {
                throw new IllegalArgumentException("--machine does not go with --real: the machine is imported from the"
                        + " snapshot's log (" + USAGE + ")");
            }
            Configuration one = cs.length == 1 ? compare.configuration("emulated", cs[0]) : null;
            c = compare.real(Path.of(real), one);
        } else {
            if (cs.length < 2) {
                throw new IllegalArgumentException("mm:compare needs two or more configurations, got " + cs.length
                        + " (" + USAGE + "; \"\" is the runtime as it is)");
            }
            if (cs.length > 26) throw new IllegalArgumentException("mm:compare takes at most 26 configurations, got "
                    + cs.length);
            List<Configuration> list = new ArrayList<>();
            for (int i = 0; i < cs.length; i++) list.add(compare.configuration(String.valueOf((char) ('A' + i)), cs[i]));
            List<String> lines = script.isEmpty() ? null : scriptLines(Path.of(script));
            c = compare.compare(machine.isEmpty() ? null : machine, list,
                    lines == null ? null : cfg -> runScript(script, lines, cfg));
        }
        Comparison shown = Tables.filter(c, only, changed);
        out.print(csv ? Tables.csvReport(shown) : Tables.report(shown), csv);
        String fragment = Tables.html(shown);
        if (htmlFile != null) SafeFiles.write(htmlFile, force, w -> w.write(Tables.page(shown.title(), fragment)));
        artifacts.record(new Artifacts.Artifact("compare", shown.title(), "text/html",
                fragment.getBytes(StandardCharsets.UTF_8), System.currentTimeMillis()));
        if (failOnDiff) {
            List<Comparison.Row> d = shown.differing();
            if (!d.isEmpty()) {
                Comparison.Row r = d.get(0);
                throw new IllegalStateException(d.size() + " field(s) differ beyond their tolerance (--fail-on-diff);"
                        + " first: " + r.view() + " " + r.field() + " " + Tables.valuesText(shown, r)
                        + ", tolerance " + r.tolerance());
            }
        }
    }

    static Set<String> views(String list) {
        Set<String> out = new LinkedHashSet<>();
        if (list.isBlank()) return out;
        for (String v : list.split(",")) {
            String t = v.strip();
            if (!Comparison.VIEWS.contains(t)) {
                throw new IllegalArgumentException("--view: unknown view '" + t + "' (views: "
                        + String.join(", ", Comparison.VIEWS) + ")");
            }
            out.add(t);
        }
        return out;
    }

    /** A script's commands: one per line; blank lines and lines starting with # are left out. */
    static List<String> scriptLines(Path file) {
        List<String> all;
        try {
            all = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("--script " + file + ": cannot read it ("
                    + (Files.exists(file) ? "unreadable or not UTF-8" : "no such file") + ")");
        }
        return all;
    }

    /**
     * Runs the script in a session of its own whose output is kept out of the table. On a thread of its own too:
     * Gogo gives a statement run on a thread that is inside a command (this one) that command's streams, whatever
     * session runs it (Closure takes the current Pipe's), so only a fresh thread writes to the session's sink.
     */
    private void runScript(String name, List<String> lines, Configuration c) throws Exception {
        Exception[] failed = new Exception[1];
        Thread t = new Thread(() -> {
            try {
                runLines(name, lines, c);
            } catch (Exception e) {
                failed[0] = e;
            }
        }, "mm:compare script");
        t.start();
        t.join();
        if (failed[0] != null) throw failed[0];
    }

    private void runLines(String name, List<String> lines, Configuration c) {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(sink, true, StandardCharsets.UTF_8);
        CommandSession s = processor.createSession(new ByteArrayInputStream(new byte[0]), ps, ps);
        try {
            for (int i = 0; i < lines.size(); i++) {
                String l = lines.get(i).strip();
                if (l.isEmpty() || l.startsWith("#")) continue;
                try {
                    s.execute(l);
                } catch (Exception e) {
                    String m = e.getMessage() == null ? "it failed" : e.getMessage();
                    throw new IllegalStateException("configuration " + c.label() + ": " + name + ":" + (i + 1) + ": "
                            + m);
                }
            }
        } finally {
            s.close();
        }
    }
}
