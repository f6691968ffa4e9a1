package mm.trace.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import mm.shell.api.Help;
import mm.shell.api.Report;
import mm.shell.api.ReportPrinter;
import mm.shell.api.SafeFiles;
import mm.trace.api.Tracer;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code mm:trace}: the mm tracepoints, as tracefs offers them (set_event, tracing_on, trace, buffer_size). */
@Component(service = TraceCommands.class, property = Help.GROUP + "=tracing")
@GogoCommand(scope = "mm", function = "trace")
public class TraceCommands {
    static final String USAGE = "expected: start | stop | show | clear | status | events [EVENT...] | size ENTRIES"
            + " | write FILE [--force]";
    private final Tracer tracer;
    private final ReportPrinter out;

    @Activate
    public TraceCommands(@Reference Tracer tracer, @Reference ReportPrinter out) {
        this.tracer = tracer;
        this.out = out;
    }

    @Descriptor("the tracer's state: on or off, the enabled events, the buffer's entries, writes and overruns")
    public void trace() {
        out.print(status());
    }

    @Descriptor("mm tracepoints: start (tracing_on=1: binds the hooks), stop, show (the trace file as"
            + " /sys/kernel/tracing/trace prints it), clear, status, events [EVENT...] (set_event: event, system:event,"
            + " system, *, !event; no argument lists available_events), size ENTRIES (the ring buffer; empties it),"
            + " write FILE (the trace file, whole or not at all, never over an existing file without --force)")
    public void trace(@Descriptor("overwrite an existing FILE (write)")
                      @Parameter(names = {"-f", "--force"}, presentValue = "true", absentValue = "false") boolean force,
                      @Descriptor("start | stop | show | clear | status | events | size | write") String sub,
                      @Descriptor("EVENT... (events), ENTRIES (size), FILE (write)") String... args) throws IOException {
        if (force && !sub.equals("write")) throw new IllegalArgumentException("--force applies to write only (" + USAGE + ")");
        switch (sub) {
            case "start", "stop", "show", "clear", "status" -> {
                if (args.length != 0) {
                    throw new IllegalArgumentException("mm:trace " + sub + " takes no argument, got '" + args[0] + "' ("
                            + USAGE + ")");
                }
                switch (sub) {
                    case "start" -> { tracer.start(); out.print(status()); }
                    case "stop" -> { tracer.stop(); out.print(status()); }
                    case "clear" -> { tracer.clear(); out.print(status()); }
                    case "status" -> out.print(status());
                    default -> show();
                }
            }
            case "events" -> {
                if (args.length > 0) tracer.setEvents(List.of(args));
                out.print(events());
            }
            case "size" -> {
                if (args.length != 1) throw new IllegalArgumentException("mm:trace size needs one number of entries ("
                        + USAGE + ")");
                int n;
                try {
                    n = Integer.parseInt(args[0]);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("size: expected a number of entries ("
                            + Tracer.MIN_ENTRIES + ".." + Tracer.MAX_ENTRIES + "), got '" + clip(args[0]) + "'");
                }
                tracer.resize(n);
                out.print(status());
            }
            case "write" -> {
                if (args.length != 1) throw new IllegalArgumentException("mm:trace write needs one FILE (" + USAGE + ")");
                write(Path.of(args[0]), force);
            }
            default -> throw new IllegalArgumentException("unknown mm:trace subcommand '" + clip(sub) + "' (" + USAGE + ")");
        }
    }

    static String clip(String s) { return s.length() > 60 ? s.substring(0, 57) + "..." : s; }

    private void show() throws IOException {
        PrintStream ps = System.out;
        StringBuilder sb = new StringBuilder();
        tracer.print(sb);
        ps.print(sb);
        ps.flush();
    }

    private void write(Path p, boolean force) {
        SafeFiles.checkWritable(p, force);
        long[] n = new long[1];
        long bytes = SafeFiles.write(p, force, w -> n[0] = tracer.print(w));
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("file", p.toString());
        d.put("entries", n[0]);
        d.put("bytes", bytes);
        d.put("overrun", tracer.overrun());
        out.print(Report.of("trace-write", String.format(Locale.ROOT, "wrote %d trace entries (%d bytes) to %s%s%n",
                n[0], bytes, p, tracer.overrun() > 0 ? " (" + tracer.overrun() + " older entries overrun)" : "")
                .replace(System.lineSeparator(), "\n"), d));
    }

    private Report status() {
        List<String> enabled = tracer.enabledEvents();
        int all = tracer.availableEvents().size();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("tracing", tracer.tracing());
        d.put("events", enabled);
        d.put("capacity", tracer.capacity());
        d.put("entries", tracer.entries());
        d.put("written", tracer.written());
        d.put("overrun", tracer.overrun());
        String text = String.format(Locale.ROOT, "tracing: %s%nevents: %s%nbuffer: %d of %d entries, %d written, %d overrun%n",
                tracer.tracing() ? "on" : "off",
                enabled.size() == all ? "all " + all : enabled.isEmpty() ? "none" : String.join(" ", enabled),
                tracer.entries(), tracer.capacity(), tracer.written(), tracer.overrun());
        return Report.of("trace", text.replace(System.lineSeparator(), "\n"), d);
    }

    /** available_events with the enabled ones marked, as set_event would list them. */
    private Report events() {
        List<String> enabled = tracer.enabledEvents();
        StringBuilder sb = new StringBuilder();
        Map<String, Object> d = new LinkedHashMap<>();
        for (String e : tracer.availableEvents()) {
            boolean on = enabled.contains(e);
            sb.append(on ? "* " : "  ").append(e).append('\n');
            d.put(e, on);
        }
        return Report.of("trace-events", sb.toString(), Map.of("events", d));
    }
}
