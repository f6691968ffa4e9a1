package mm.stress.internal;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import mm.core.api.MemoryModel;
import mm.hotplug.api.MemoryHotplug;
import mm.reporting.api.ReportingService;
import mm.reporting.api.Workloads;
import mm.shell.api.Report;
import mm.shell.api.ReportPrinter;
import mm.variant.api.VariantService;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code mm:stress}: everything at once on the booted machine, then the invariant checker. */
@Component(service = StressCommands.class)
@GogoCommand(scope = "mm", function = "stress")
public class StressCommands {
    /** A soak is ten minutes; a day is the most a run takes. */
    static final double MAX_SECONDS = 86_400;
    static final int MAX_THREADS = 64;

    private final MemoryModel model;
    private final VariantService variants;
    private final MemoryHotplug hotplug;
    private final ReportingService reporting;
    private final Workloads workloads;
    private final ReportPrinter out;

    @Activate
    public StressCommands(@Reference MemoryModel model, @Reference VariantService variants,
                          @Reference MemoryHotplug hotplug, @Reference ReportingService reporting,
                          @Reference Workloads workloads, @Reference ReportPrinter out) {
        this.model = model;
        this.variants = variants;
        this.hotplug = hotplug;
        this.reporting = reporting;
        this.workloads = workloads;
        this.out = out;
    }

    @Descriptor("stress the booted machine for --seconds: --threads workers allocate and free mixed orders on every"
            + " node while memory blocks are hot-added, onlined and offlined, free page reporting is switched on, off"
            + " and between strategies, the next boot's variants are switched and the machine reboots every"
            + " --reboot-every seconds; then the workers free what they hold and mm:check runs (the run fails on a"
            + " violation, a page handed out twice or an error in any actor)")
    public void stress(
            @Descriptor("real seconds to run (a soak: 600)")
            @Parameter(names = {"-s", "--seconds"}, absentValue = "60") double seconds,
            @Descriptor("allocation worker threads")
            @Parameter(names = {"-t", "--threads"}, absentValue = "4") int threads,
            @Descriptor("random seed (the interleaving still depends on the host's scheduling)")
            @Parameter(names = {"--seed"}, absentValue = "1") long seed,
            @Descriptor("seconds between reboots, 0 = never")
            @Parameter(names = {"--reboot-every"}, absentValue = "10") double rebootEvery,
            @Descriptor("also run a guest workload of movable pages (mm:workload mix) that hotplug offline migrates")
            @Parameter(names = {"--guest"}, presentValue = "true", absentValue = "false") boolean guest,
            @Descriptor("leave free page reporting disabled instead of toggling and switching it")
            @Parameter(names = {"--no-reporting"}, presentValue = "true", absentValue = "false") boolean noReporting) {
        if (!(seconds > 0 && seconds <= MAX_SECONDS)) {
            throw new IllegalArgumentException("--seconds: expected above 0, at most " + (long) MAX_SECONDS + ", got "
                    + seconds);
        }
        if (threads < 1 || threads > MAX_THREADS) {
            throw new IllegalArgumentException("--threads: expected 1.." + MAX_THREADS + ", got " + threads);
        }
        if (!(rebootEvery >= 0 && rebootEvery <= MAX_SECONDS)) {
            throw new IllegalArgumentException("--reboot-every: expected 0 (never) or seconds up to "
                    + (long) MAX_SECONDS + ", got " + rebootEvery);
        }
        if (!model.booted()) throw new IllegalStateException("no machine is booted (mm:boot first)");
        Stress.Outcome o = new Stress(model, variants, hotplug, reporting, workloads, model::machine)
                .run(new Stress.Options(seconds, threads, seed, rebootEvery, guest, !noReporting));
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "mm:stress: %.1f s on %s, %d workers, seed %d%n",
                o.seconds(), model.machine().name(), threads, seed));
        o.counts().forEach((k, v) -> sb.append(String.format(Locale.ROOT, "  %-20s %12d%n", k, v)));
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("seconds", o.seconds());
        d.put("machine", model.machine().name());
        d.put("threads", threads);
        d.put("seed", seed);
        d.put("counts", o.counts());
        d.put("failure", o.failure());
        d.put("check", o.check());
        if (o.ok()) {
            sb.append("mm:check OK\n");
            out.print(Report.of("stress", sb.toString(), d));
            return;
        }
        out.print(Report.of("stress", sb.toString(), d));
        String why = o.failure() != null ? o.failure() : o.check().size() + " invariant violation(s), the first: "
                + o.check().get(0);
        throw new IllegalStateException("mm:stress failed after " + String.format(Locale.ROOT, "%.1f", o.seconds())
                + " s: " + why);
    }
}
