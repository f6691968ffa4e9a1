package mm.reporting.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import mm.core.api.MemoryModel;
import mm.core.api.Mm;
import mm.machine.api.Machine;
import mm.machine.api.MachineService;
import mm.reporting.api.BalloonDevice;
import mm.reporting.api.PageReportingDevice;
import mm.reporting.api.ReportingService;
import mm.reporting.api.Tunables;
import mm.reporting.api.Workloads;
import mm.shell.api.Help;
import mm.shell.api.Report;
import mm.shell.api.ReportPrinter;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code mm:reporting} and {@code mm:workload}. */
@Component(service = ReportingCommands.class, property = Help.GROUP + "=free page reporting and guest workloads")
@GogoCommand(scope = "mm", function = {"reporting", "workload"})
public final class ReportingCommands {
    static final List<String> WORKLOADS = List.of("free-storm", "mix", "idle", "boot");

    private final ReportingService core;
    private final Workloads workloads;
    private final MachineService machines;
    private final MemoryModel model;
    private final ReportPrinter out;

    @Activate
    public ReportingCommands(@Reference(name = "reporting") ReportingService reporting,
                             @Reference(name = "workloads") Workloads workloads,
                             @Reference(name = "machines") MachineService machines,
                             @Reference(name = "model") MemoryModel model, @Reference ReportPrinter out) {
        this.core = reporting;
        this.workloads = workloads;
        this.machines = machines;
        this.model = model;
        this.out = out;
    }

    private void print(Report r) {
        out.print(r);
    }

    // ---------------------------------------------------------------- mm:reporting

    @Descriptor("show free page reporting: strategy, device, host view, totals (same as mm:reporting status)")
    public void reporting() {
        reporting("status");
    }

    @Descriptor("status: state and totals | stats: per zone and order, host RSS over time | enable | disable |"
            + " reset: clear the counters | table: the comparison table | table-clear | order: show"
            + " page_reporting_order | config: show the tunables")
    public void reporting(@Descriptor("status | stats | enable | disable | reset | table | table-clear | order | config"
                                  + " (record takes a LABEL)") String sub) {
        switch (sub) {
            case "status" -> print(core.status());
            case "stats" -> print(core.statsReport());
            case "enable" -> {
                core.enable();
                print(Report.of("reporting-enable", "free page reporting enabled (strategy " + core.strategy() + ")\n",
                        Map.of("enabled", true)));
            }
            case "disable" -> {
                core.disable();
                print(Report.of("reporting-disable", "free page reporting disabled; no page is isolated\n",
                        Map.of("enabled", false)));
            }
            case "reset" -> {
                core.resetStats();
                print(Report.of("reporting-reset", "reporting counters cleared\n", Map.of()));
            }
            case "table" -> print(core.table());
            case "table-clear" -> {
                core.clearTable();
                print(Report.of("reporting-table-clear", "comparison table cleared\n", Map.of()));
            }
            case "order" -> print(Report.of("reporting-order", "page_reporting_order " + core.order() + "\n",
                    Map.of("order", core.order())));
            case "config" -> print(config());
            case "record" -> throw new IllegalArgumentException("mm:reporting record needs a LABEL");
            default -> throw new IllegalArgumentException("unknown subcommand '" + sub + "' (expected status, stats,"
                    + " enable, disable, reset, table, table-clear, record LABEL, order [N], config [KEY=VALUE])");
        }
    }

    @Descriptor("record LABEL: add the current counters as a row of the comparison table | order N: set"
            + " page_reporting_order (-1 = default) | config KEY=VALUE: set a tunable (latency.us, capacity,"
            + " array.capacity, array.threshold, bitmap.threshold, delay.ms)")
    public void reporting(@Descriptor("record | order | config") String sub,
                          @Descriptor("LABEL, N or KEY=VALUE") String arg) {
        switch (sub) {
            case "record" -> {
                Map<String, Object> row = core.record(arg);
                print(Report.of("reporting-record", String.format(Locale.ROOT,
                        "recorded %s: reported %.1f MiB, dropped %d, host RSS %.1f MiB%n", arg, row.get("reported_mib"),
                        row.get("dropped"), row.get("host_rss_mib")), row));
            }
            case "order" -> {
                int order;
                try {
                    order = Integer.parseInt(arg.trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("mm:reporting order: expected an integer order (-1 = the"
                            + " default), got '" + arg + "'");
                }
                core.setOrder(order);
                print(Report.of("reporting-order", "page_reporting_order " + core.order() + "\n", Map.of("order", core.order())));
            }
            case "config" -> {
                setConfig(arg);
                print(config());
            }
            default -> throw new IllegalArgumentException("unknown subcommand '" + sub + "' with an argument"
                    + " (expected record LABEL, order N or config KEY=VALUE)");
        }
    }

    /** The longest delay or device latency a tunable takes: one day (longer is a typo, and overflows nothing). */
    static final double MAX_MS = 86_400_000;

    private void setConfig(String kv) {
        int eq = kv.indexOf('=');
        if (eq <= 0) throw new IllegalArgumentException("expected KEY=VALUE, got '" + shown(kv) + "'");
        String k = kv.substring(0, eq).trim(), v = kv.substring(eq + 1).trim();
        Tunables p = core.tunables();
        PageReportingDevice dev = core.device();
        BalloonDevice b = dev == null ? null : dev.balloon();
        switch (k) {
            case "latency.us" -> {
                double us = decimal(k, v, MAX_MS * 1000);
                if (b == null) throw new IllegalArgumentException("latency.us: no balloon device is registered");
                b.setLatencyNanos(Math.round(us * 1000));
            }
            case "capacity" -> {
                int c = integer(k, v);
                if (b == null) throw new IllegalArgumentException("capacity: no balloon device is registered");
                b.setCapacity(c);
                core.setTunables(p);
            }
            case "array.capacity" -> core.setTunables(new Tunables(integer(k, v), p.arrayThreshold(), p.bitmapThreshold(), p.delayNanos()));
            case "array.threshold" -> core.setTunables(new Tunables(p.arrayCapacity(), integer(k, v), p.bitmapThreshold(), p.delayNanos()));
            case "bitmap.threshold" -> core.setTunables(new Tunables(p.arrayCapacity(), p.arrayThreshold(), integer(k, v), p.delayNanos()));
            case "delay.ms" -> core.setTunables(new Tunables(p.arrayCapacity(), p.arrayThreshold(), p.bitmapThreshold(),
                    Math.round(decimal(k, v, MAX_MS) * 1e6)));
            default -> throw new IllegalArgumentException("unknown key '" + shown(k) + "' (latency.us, capacity,"
                    + " array.capacity, array.threshold, bitmap.threshold, delay.ms)");
        }
    }

    /** A count tunable: an integer 1..2^31-1, as the typed configuration takes it. */
    private static int integer(String k, String v) {
        try {
            int n = Integer.parseInt(v);
            if (n >= 1) return n;
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException(k + ": expected an integer 1.." + Integer.MAX_VALUE + ", got '" + shown(v) + "'");
    }

    /** A time tunable: a finite number 0..max. */
    private static double decimal(String k, String v, double max) {
        try {
            double d = Double.parseDouble(v);
            if (d >= 0 && d <= max) return d;
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException(k + ": expected a number 0.." + String.format(Locale.ROOT, "%.0f", max)
                + " (one day), got '" + shown(v) + "'");
    }

    /** Bounds of the workload options: a PiB working set, a guest's CPUs, a year of emulated time. */
    static final double MAX_GIB = 1 << 20, MAX_SECONDS = 365 * 86400.0, MAX_SPEED = 1e6;
    static final int MAX_THREADS = 1024;

    private static IllegalArgumentException bad(String option, String allowed, double got) {
        String g = got == Math.rint(got) && !Double.isInfinite(got) ? Long.toString((long) got) : Double.toString(got);
        return new IllegalArgumentException(option + ": expected " + allowed + ", got " + g);
    }

    /** An argument echoed in a message: at most 60 characters. */
    static String shown(String s) { return s.length() <= 60 ? s : s.substring(0, 57) + "..."; }

    private Report config() {
        Tunables p = core.tunables();
        Map<String, Object> m = new LinkedHashMap<>();
        PageReportingDevice dev = core.device();
        BalloonDevice b = dev == null ? null : dev.balloon();
        if (b != null) m.put("latency.us", b.latencyNanos() / 1000.0);
        if (dev != null) m.put("capacity", dev.capacity());
        m.put("array.capacity", p.arrayCapacity());
        m.put("array.threshold", p.arrayThreshold());
        m.put("bitmap.threshold", p.bitmapThreshold());
        m.put("delay.ms", p.delayNanos() / 1e6);
        m.put("order", core.order());
        StringBuilder t = new StringBuilder();
        Map<String, Object> data = new LinkedHashMap<>();
        m.forEach((k, v) -> {
            t.append(k).append(" = ").append(v).append('\n');
            data.put(k.replace('.', '_'), v);
        });
        return Report.of("reporting-config", t.toString(), data);
    }

    // ---------------------------------------------------------------- mm:workload

    @Descriptor("run a guest workload on the emulated clock: free-storm (allocate --gib and free it all, --waves"
            + " times), mix (steady random alloc/free over --gib for --seconds), idle (--seconds of idle time, --speed"
            + " x real time, 0 = as fast as possible), boot (boot the current machine)")
    public void workload(
            @Descriptor("GiB the storm allocates per wave / the mix's working set")
            @Parameter(names = {"--gib"}, absentValue = "1") double gib,
            @Descriptor("storm waves") @Parameter(names = {"--waves"}, absentValue = "3") int waves,
            @Descriptor("guest threads") @Parameter(names = {"--threads"}, absentValue = "1") int threads,
            @Descriptor("percent of the storm allocated as order-9 THPs") @Parameter(names = {"--thp"}, absentValue = "50") int thp,
            @Descriptor("random seed (default: the run's seed, mm:boot --seed or the launcher's --seed; else 1)")
            @Parameter(names = {"--seed"}, absentValue = NO_SEED) String seedArg,
            @Descriptor("emulated seconds (mix, idle)") @Parameter(names = {"--seconds"}, absentValue = "10") double seconds,
            @Descriptor("idle pacing: multiple of real time, 0 = as fast as possible") @Parameter(names = {"--speed"}, absentValue = "0") double speed,
            @Descriptor("boot the current machine first") @Parameter(names = {"--boot"}, absentValue = "false", presentValue = "true") boolean boot,
            @Descriptor("free-storm | mix | idle | boot") String kind) {
        if (!WORKLOADS.contains(kind)) {
            throw new IllegalArgumentException("unknown workload '" + shown(kind) + "' (expected free-storm, mix, idle or boot,"
                    + (kind.equals("replay") ? " or replay FILE: the dump's file is missing)" : " or replay FILE)"));
        }
        long seed;
        if (seedArg.equals(NO_SEED)) {
            seed = model.seed().orElse(1);
        } else {
            try {
                seed = Long.parseLong(seedArg.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--seed: expected a whole number, got '" + shown(seedArg) + "'");
            }
        }
        // every option checked before anything runs (a boot first included)
        if (!(gib > 0 && gib <= MAX_GIB)) throw bad("--gib", "a number of GiB above 0, at most " + (long) MAX_GIB, gib);
        if (waves < 1) throw bad("--waves", "at least 1", waves);
        if (threads < 1 || threads > MAX_THREADS) throw bad("--threads", "1.." + MAX_THREADS, threads);
        if (thp < 0 || thp > 100) throw bad("--thp", "a percentage 0..100", thp);
        if (!(seconds >= 0 && seconds <= MAX_SECONDS) || (kind.equals("mix") && seconds == 0)) {
            throw bad("--seconds", (kind.equals("mix") ? "above 0" : "0 or more") + ", at most " + (long) MAX_SECONDS
                    + " emulated seconds", seconds);
        }
        if (!(speed >= 0 && speed <= MAX_SPEED)) throw bad("--speed", "0 (as fast as possible) or a multiple of real"
                + " time up to " + (long) MAX_SPEED, speed);
        if (boot || kind.equals("boot")) bootCurrent();
        Workloads.Result r;
        switch (kind) {
            case "boot" -> { return; }
            case "free-storm" -> {
                ensureBooted();
                r = workloads.freeStorm(gib, waves, threads, thp, seed);
            }
            case "mix" -> {
                ensureBooted();
                r = workloads.mix(seconds, gib, threads, seed);
            }
            case "idle" -> {
                ensureBooted();
                r = workloads.idle(seconds, speed);
            }
            default -> throw new IllegalArgumentException("unknown workload '" + kind + "' (free-storm, mix, idle, boot)");
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("kind", r.kind());
        data.put("allocated_pages", r.allocatedPages());
        data.put("freed_pages", r.freedPages());
        data.put("failed_allocs", r.failedAllocs());
        data.put("emulated_ns", r.emulatedNanos());
        // under a seed (reproducible runs) no measured time: it differs from run to run
        boolean measured = model.seed().isEmpty();
        if (measured) data.put("real_ns", r.realNanos());
        data.put("strategy", core.strategy());
        data.put("stopped_because", r.stoppedBecause());
        String text = String.format(Locale.ROOT, "%s: allocated %.1f MiB, freed %.1f MiB, %d failed allocations,"
                        + " %.3f s emulated%s (reporting: %s)%n", r.kind(), r.allocatedPages() * (double) Mm.PAGE_SIZE / (1 << 20),
                r.freedPages() * (double) Mm.PAGE_SIZE / (1 << 20), r.failedAllocs(), r.emulatedNanos() / 1e9,
                measured ? String.format(Locale.ROOT, " in %.3f s", r.realNanos() / 1e9) : "",
                core.enabled() ? core.strategy() : "disabled");
        if (r.stoppedBecause() != null) text = r.kind() + " stopped early: " + r.stoppedBecause() + "\n" + text;
        print(Report.of("workload", text, data));
    }

    @Descriptor("replay FILE: re-issue the allocations of a real /sys/kernel/debug/page_owner dump in timestamp"
            + " order (order, mask, stack, task, on the node its page was on); all or nothing")
    public void workload(@Descriptor("replay") String sub, @Descriptor("a page_owner dump (cat /sys/kernel/debug/page_owner)") String file) {
        if (!sub.equals("replay")) {
            throw new IllegalArgumentException("unknown workload subcommand '" + shown(sub) + "' (expected replay FILE)");
        }
        java.nio.file.Path path = java.nio.file.Path.of(file);
        String text;
        try {
            text = java.nio.file.Files.readString(path);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file");
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            throw new IllegalArgumentException(file + ": cannot read it (" + (e.getMessage() == null ? "I/O error"
                    : e.getMessage()) + ")");
        }
        List<PageOwnerReplay.Rec> recs = PageOwnerReplay.parse(file, text);
        if (recs.isEmpty()) throw new IllegalArgumentException(file + ":1:1: no page_owner records in it");
        ensureBooted();
        long t0 = System.nanoTime();
        PageOwnerReplay.Result r = PageOwnerReplay.replay(file, recs, model);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("kind", "replay");
        data.put("file", file);
        data.put("records", r.records());
        data.put("allocated_pages", r.pages());
        data.put("same_pfn", r.atRecordedPfn());
        data.put("same_node", r.sameNode());
        List<Long> byNode = new java.util.ArrayList<>();
        for (long p : r.pagesByNode()) byNode.add(p);
        data.put("pages_by_node", byNode);
        StringBuilder nodes = new StringBuilder();
        for (int n = 0; n < r.pagesByNode().length; n++) {
            if (n > 0) nodes.append(", ");
            nodes.append("node ").append(n).append(' ').append(r.pagesByNode()[n]);
        }
        String text2 = String.format(Locale.ROOT, "replay %s: %d allocations in timestamp order, %d pages (%s); %d on"
                + " the PFN the dump names, %d on its node (%.2f s)%n", file, r.records(), r.pages(), nodes,
                r.atRecordedPfn(), r.sameNode(), (System.nanoTime() - t0) / 1e9);
        print(Report.of("workload", text2, data));
    }

    private void ensureBooted() {
        if (!model.booted()) bootCurrent();
    }

    /** The absent value of {@code mm:workload --seed}: the run's seed. */
    static final String NO_SEED = "run";

    private void bootCurrent() {
        Machine m = machines.current();
        long t0 = System.nanoTime();
        model.boot(m);
        double s = (System.nanoTime() - t0) / 1e9;
        // the free count once the reporting worker's first pass (started by the boot) is done: the same every run
        if (core instanceof ReportingCore rc) rc.clock().awaitQuiescent();
        print(Report.of("workload-boot", String.format(Locale.ROOT, "booted %s: %.1f MiB free of %.1f MiB managed%s%n",
                m.name(), model.totalFreePages() * (double) Mm.PAGE_SIZE / (1 << 20),
                model.totalManagedPages() * (double) Mm.PAGE_SIZE / (1 << 20),
                model.seed().isEmpty() ? String.format(Locale.ROOT, " (%.2f s)", s) : ""),
                Map.of("machine", m.name(), "free_pages", model.totalFreePages(), "managed_pages", model.totalManagedPages())));
    }
}
