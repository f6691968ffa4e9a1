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

    private void setConfig(String kv) {
        int eq = kv.indexOf('=');
        if (eq <= 0) throw new IllegalArgumentException("expected KEY=VALUE, got '" + kv + "'");
        String k = kv.substring(0, eq).trim(), v = kv.substring(eq + 1).trim();
        Tunables p = core.tunables();
        PageReportingDevice dev = core.device();
        BalloonDevice b = dev == null ? null : dev.balloon();
        try {
            switch (k) {
                case "latency.us" -> {
                    if (b == null) throw new IllegalArgumentException("no balloon device is registered");
                    b.setLatencyNanos((long) (Double.parseDouble(v) * 1000));
                }
                case "capacity" -> {
                    if (b == null) throw new IllegalArgumentException("no balloon device is registered");
                    b.setCapacity(Integer.parseInt(v));
                    core.setTunables(p);
                }
                case "array.capacity" -> core.setTunables(new Tunables(Integer.parseInt(v), p.arrayThreshold(), p.bitmapThreshold(), p.delayNanos()));
                case "array.threshold" -> core.setTunables(new Tunables(p.arrayCapacity(), Integer.parseInt(v), p.bitmapThreshold(), p.delayNanos()));
                case "bitmap.threshold" -> core.setTunables(new Tunables(p.arrayCapacity(), p.arrayThreshold(), Integer.parseInt(v), p.delayNanos()));
                case "delay.ms" -> core.setTunables(new Tunables(p.arrayCapacity(), p.arrayThreshold(), p.bitmapThreshold(), (long) (Double.parseDouble(v) * 1e6)));
                default -> throw new IllegalArgumentException("unknown key '" + k + "' (latency.us, capacity, array.capacity,"
                        + " array.threshold, bitmap.threshold, delay.ms)");
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad number for " + k + ": '" + v + "'");
        }
    }

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
            @Descriptor("random seed") @Parameter(names = {"--seed"}, absentValue = "1") long seed,
            @Descriptor("emulated seconds (mix, idle)") @Parameter(names = {"--seconds"}, absentValue = "10") double seconds,
            @Descriptor("idle pacing: multiple of real time, 0 = as fast as possible") @Parameter(names = {"--speed"}, absentValue = "0") double speed,
            @Descriptor("boot the current machine first") @Parameter(names = {"--boot"}, absentValue = "false", presentValue = "true") boolean boot,
            @Descriptor("free-storm | mix | idle | boot") String kind) {
        if (!WORKLOADS.contains(kind)) {
            throw new IllegalArgumentException("unknown workload '" + kind + "' (expected free-storm, mix, idle or boot)");
        }
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
        data.put("real_ns", r.realNanos());
        data.put("strategy", core.strategy());
        data.put("stopped_because", r.stoppedBecause());
        String text = String.format(Locale.ROOT, "%s: allocated %.1f MiB, freed %.1f MiB, %d failed allocations,"
                        + " %.3f s emulated in %.3f s (reporting: %s)%n", r.kind(), r.allocatedPages() * (double) Mm.PAGE_SIZE / (1 << 20),
                r.freedPages() * (double) Mm.PAGE_SIZE / (1 << 20), r.failedAllocs(), r.emulatedNanos() / 1e9,
                r.realNanos() / 1e9, core.enabled() ? core.strategy() : "disabled");
        if (r.stoppedBecause() != null) text = r.kind() + " stopped early: " + r.stoppedBecause() + "\n" + text;
        print(Report.of("workload", text, data));
    }

    private void ensureBooted() {
        if (!model.booted()) bootCurrent();
    }

    private void bootCurrent() {
        Machine m = machines.current();
        long t0 = System.nanoTime();
        model.boot(m);
        print(Report.of("workload-boot", String.format(Locale.ROOT, "booted %s: %.1f MiB free of %.1f MiB managed (%.2f s)%n",
                m.name(), model.totalFreePages() * (double) Mm.PAGE_SIZE / (1 << 20),
                model.totalManagedPages() * (double) Mm.PAGE_SIZE / (1 << 20), (System.nanoTime() - t0) / 1e9),
                Map.of("machine", m.name(), "free_pages", model.totalFreePages(), "managed_pages", model.totalManagedPages())));
    }
}
