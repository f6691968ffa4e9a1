package mm.reporting.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import mm.core.api.MemoryModel;
import mm.core.api.Mm;
import mm.core.hook.BootContext;
import mm.core.hook.BootPhase;
import mm.core.hook.BootPhaseListener;
import mm.core.spi.FreePageReportingSupport.ZoneHandle;
import mm.core.spi.FreePageReportingSupport;
import mm.core.spi.IsolatedPageHolder;
import mm.reporting.api.BalloonDevice;
import mm.reporting.api.PageReportingDevice;
import mm.reporting.api.RefaultCounter;
import mm.reporting.api.ReportingBusyException;
import mm.reporting.api.ReportingService;
import mm.reporting.api.ReportingStats;
import mm.reporting.api.Tunables;
import mm.shell.api.Report;
import mm.variant.api.VariantListener;
import mm.variant.api.VariantService;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reporting core (the part of mm/page_reporting.c that is not a strategy): device registration (one at a time),
 * enable/disable, page_reporting_order, the emulated clock, the counters, and the live hand-over between strategies:
 * whenever the active variant of subsystem {@code reporting} changes (mm:variant), the device goes away, reporting
 * is disabled or the guest reboots, the running strategy is stopped (its isolated pages go back to the free lists)
 * before the next one starts.
 */
@Component(service = {ReportingService.class, VariantListener.class, BootPhaseListener.class,
        IsolatedPageHolder.class}, immediate = true, configurationPid = ReportingConfig.PID)
@Designate(ocd = ReportingConfig.class)
public final class ReportingCore implements ReportingService, VariantListener, BootPhaseListener, IsolatedPageHolder {
    private static final Logger LOG = LoggerFactory.getLogger(ReportingCore.class);
    private final MemoryModel model;
    private final FreePageReportingSupport support;
    private final Hooks hooks;
    /** Which strategy should run: the registry in a framework, a StandaloneVariants outside one. */
    private final VariantService variants;
    private final EmuClock clock;
    private final Metrics metrics = new Metrics();
    private final Object switchLock = new Object();

    private volatile PageReportingDevice device;
    private Strategy current;
    private StrategyContext currentCtx;
    private boolean enabled = true;
    private boolean booting;
    private long announcedBoot;
    private volatile int orderParam = -1;
    private volatile Tunables params = Tunables.defaults();
    private final List<Map<String, Object>> table = new ArrayList<>();

    @Activate
    public ReportingCore(@Reference(name = "model") MemoryModel model,
                         @Reference(name = "support") FreePageReportingSupport support,
                         @Reference(name = "variants") VariantService variants, BundleContext ctx,
                         ReportingConfig config) {
        this(model, support, new OsgiHooks(ctx), variants);
        configure(config, LOG::warn);
    }

    /** Outside OSGi (tests, benchmarks): {@code hooks} registers the hooks directly with the model. */
    public ReportingCore(MemoryModel model, FreePageReportingSupport support, Hooks hooks, VariantService variants) {
        this.model = model;
        this.support = support;
        this.hooks = hooks;
        this.variants = variants;
        this.clock = new EmuClock(model);
    }

    private Strategy activeStrategy() {
        return variants.activeService(SUBSYSTEM, Strategy.class);
    }

    /**
     * The configuration of PID {@value ReportingConfig#PID}; a value that cannot be used is reported to {@code warn}
     * and its default kept.
     */
    void configure(ReportingConfig config, Consumer<String> warn) {
        ConfigReader r = new ConfigReader(ReportingConfig.PID, warn);
        Tunables d = Tunables.defaults();
        orderParam = r.integer("order", config::order, -1, -1, Mm.MAX_PAGE_ORDER);
        enabled = r.bool("enabled", config::enabled, true);
        params = new Tunables(
                r.integer("array.capacity", config::array_capacity, d.arrayCapacity(), 1, Integer.MAX_VALUE),
                r.integer("array.threshold", config::array_threshold, d.arrayThreshold(), 1, Integer.MAX_VALUE),
                r.integer("bitmap.threshold", config::bitmap_threshold, d.bitmapThreshold(), 1, Integer.MAX_VALUE),
                (long) (r.decimal("delay.ms", config::delay_ms, d.delayNanos() / 1e6, 0, ReportingCommands.MAX_MS) * 1_000_000));
    }

    @Deactivate
    void deactivate() {
        synchronized (switchLock) {
            stopCurrent();
        }
    }

    public EmuClock clock() { return clock; }

    public FreePageReportingSupport support() { return support; }

    public MemoryModel model() { return model; }

    Metrics metrics() { return metrics; }

    /**
     * offline_pages found the block at pfn isolated for reporting: let the worker that holds it finish its report on
     * the emulated clock (wait until the workers are quiescent, then jump to the next deadline they sleep until)
     * until the block is put back. Deterministic: it depends on emulated deadlines, not on how fast the host runs.
     */
    @Override
    public boolean awaitPutback(long pfn) {
        if (!support.booted() || !support.isIsolated(pfn)) return false;
        long bound = System.nanoTime() + EmuClock.HANG_BOUND_MS * 1_000_000;
        while (support.isIsolated(pfn)) {
            clock.awaitQuiescent();
            if (!support.isIsolated(pfn)) break;
            long now = clock.now(), next = clock.nextDeadline();
            if (next != Long.MAX_VALUE && next > now) {
                clock.advanceNoWait(next - now);
            } else if (System.nanoTime() - bound > 0) {
                throw new IllegalStateException(String.format(Locale.ROOT, "free page reporting has held pfn %#x"
                        + " isolated for %d s with no worker waiting to put it back (a hang)", pfn,
                        EmuClock.HANG_BOUND_MS / 1000));
            } else {
                Thread.onSpinWait();
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- device

    @Override
    public void register(PageReportingDevice dev) {
        synchronized (switchLock) {
            if (device != null && device != dev)
                throw new ReportingBusyException("page_reporting_register: a reporting device is already registered");
            device = dev;
            dev.registered(refaults);
            if (support.booted() && !booting) dev.guestBooted(support);
            reconcileLocked();
        }
    }

    @Override
    public void unregister(PageReportingDevice dev) {
        synchronized (switchLock) {
            if (device != dev) return;
            stopCurrent();
            device = null;
        }
    }

    @Override
    public PageReportingDevice device() {
        synchronized (switchLock) { return device; }
    }

    // ---------------------------------------------------------------- state changes

    @Override public boolean enabled() { synchronized (switchLock) { return enabled; } }

    @Override
    public void enable() {
        synchronized (switchLock) {
            enabled = true;
            reconcileLocked();
        }
    }

    @Override
    public void disable() {
        synchronized (switchLock) {
            enabled = false;
            reconcileLocked();
        }
    }

    @Override
    public int order() {
        int o = orderParam;
        if (o >= 0 && o <= Mm.MAX_PAGE_ORDER) return o;
        PageReportingDevice d = device;
        if (d != null && d.order() > 0 && d.order() <= Mm.MAX_PAGE_ORDER) return d.order();
        return Mm.PAGEBLOCK_ORDER;
    }

    @Override
    public void setOrder(int order) {
        if (order < -1 || order > Mm.MAX_PAGE_ORDER)
            throw new IllegalArgumentException("page_reporting_order must be 0.." + Mm.MAX_PAGE_ORDER + " (or -1: default), got " + order);
        synchronized (switchLock) {
            orderParam = order;
            restartLocked();
        }
    }

    /** Changes the strategies' tunables (restarts the running strategy). */
    @Override
    public void setTunables(Tunables p) {
        synchronized (switchLock) {
            params = p;
            restartLocked();
        }
    }

    @Override
    public Tunables tunables() { return params; }

    @Override
    public String strategy() {
        synchronized (switchLock) {
            Strategy s = current;
            if (s != null) return s.name();
        }
        Strategy a = activeStrategy();
        return a == null ? null : a.name();
    }

    /** The variant registry changed the active strategy: hand over at once. */
    @Override
    public void activeChanged(String subsystem, String previous, String now) {
        if (SUBSYSTEM.equals(subsystem)) reconcile();
    }

    @Override
    public void onPhase(BootPhase phase, BootContext ctx) {
        synchronized (switchLock) {
            if (phase == BootPhase.SETUP_ARCH) {
                booting = true;
                stopCurrent();
                if (device != null) device.guestBooting();
            } else if (phase == BootPhase.DONE) {
                booting = false;
                if (device != null) device.guestBooted(support);
                reconcileLocked();
            }
        }
    }

    /** Makes the running strategy the one that should run (the variant registry's active one, when allowed). */
    public void reconcile() {
        synchronized (switchLock) {
            reconcileLocked();
        }
    }

    private void reconcileLocked() {
        Strategy want = enabled && device != null && support.booted() && !booting ? activeStrategy() : null;
        if (want == current && (want == null || currentCtx.bootId == support.bootId())) return;
        stopCurrent();
        if (want == null) return;
        StrategyContext c = new StrategyContext(support, clock, device, order(), metrics, hooks, params);
        want.start(c);
        current = want;
        currentCtx = c;
        if (announcedBoot != c.bootId) {
            announcedBoot = c.bootId;
            model.log("Free page reporting enabled");
        }
    }

    private void restartLocked() {
        stopCurrent();
        reconcileLocked();
    }

    /** Stops the running strategy: afterwards none of its pages is isolated. */
    private void stopCurrent() {
        Strategy s = current;
        if (s == null) return;
        current = null;
        currentCtx = null;
        s.stop();
    }

    // ---------------------------------------------------------------- statistics

    private BalloonDevice balloon() {
        PageReportingDevice d = device;
        return d == null ? null : d.balloon();
    }

    /** The device's re-faults, counted per zone and order. */
    private final RefaultCounter refaults = this::countRefault;

    private void countRefault(long pfn, int order, long pages) {
        ZoneHandle z = support.zoneOfPfn(pfn);
        if (z != null) metrics.refault(z.nid(), z.type(), order, pages);
    }

    /** Under a run seed the reports show no measured CPU time (it differs from run to run): see MemoryModel.seed. */
    private boolean measured() {
        return model.seed().isEmpty();
    }

    @Override
    public ReportingStats stats() {
        // read with the workers quiescent: a snapshot of the emulated clock's state, not of the host's scheduling
        clock.awaitQuiescent();
        String name;
        boolean running;
        synchronized (switchLock) {
            running = current != null;
            name = running ? current.name() : null;
        }
        if (name == null) {
            Strategy a = activeStrategy();
            name = a == null ? null : a.name();
        }
        BalloonDevice b = balloon();
        long isolated = 0;
        if (support.booted()) for (ZoneHandle z : support.zones()) isolated += z.isolatedPages();
        return metrics.snapshot(name, running, order(), b == null ? 0 : b.hostRssPages(),
                b == null ? 0 : b.discardedPages(), isolated);
    }

    @Override
    public void resetStats() {
        clock.awaitQuiescent();
        metrics.reset();
        BalloonDevice b = balloon();
        if (b != null) b.resetStatistics();
    }

    static String mib(long pages) {
        return String.format(Locale.ROOT, "%.1f MiB", pages * (double) Mm.PAGE_SIZE / (1 << 20));
    }

    static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.3f ms", nanos / 1e6);
    }

    @Override
    public Report status() {
        ReportingStats s = stats();
        Map<String, Object> details;
        synchronized (switchLock) {
            details = current == null ? Map.of() : current.details();
        }
        BalloonDevice b = balloon();
        PageReportingDevice d = device();
        StringBuilder t = new StringBuilder();
        t.append("free page reporting: ").append(enabled() ? "enabled" : "disabled")
                .append(", strategy ").append(s.strategy() == null ? "none" : s.strategy())
                .append(s.running() ? " (running)" : " (not running" + whyNot() + ")")
                .append(", page_reporting_order ").append(s.order()).append('\n');
        if (d == null) t.append("device: none registered\n");
        else t.append(String.format(Locale.ROOT, "device: virtio-balloon, capacity %d, latency %s per report%n",
                d.capacity(), b == null ? "?" : ms(b.latencyNanos())));
        if (b != null) t.append(String.format(Locale.ROOT, "host: RSS %s (%d pages), discarded %d pages, re-faults %d%n",
                mib(b.hostRssPages()), b.hostRssPages(), b.discardedPages(), b.refaults()));
        t.append(String.format(Locale.ROOT, "isolated for reporting now: %d pages%n", s.isolatedPages()));
        if (!details.isEmpty()) {
            t.append("strategy state:");
            details.forEach((k, v) -> t.append(' ').append(k).append('=').append(v));
            t.append('\n');
        }
        t.append(String.format(Locale.ROOT, "reported %s (%d blocks) in %d reports; captures %d, dropped %d, re-faults %d%n",
                mib(s.reportedPages()), s.reportedBlocks(), s.batches(), s.captures(), s.dropped(), s.refaults()));
        boolean measured = measured();
        t.append(String.format(Locale.ROOT, "freeing path: %d calls, %s%s emulated stall%n",
                s.freePathCalls(), measured ? ms(s.freePathCpuNanos()) + " cpu, " : "", ms(s.freePathEmuNanos())));
        t.append(String.format(Locale.ROOT, "worker: %d passes, %s%s emulated waiting for the device%n",
                s.passes(), measured ? ms(s.workerCpuNanos()) + " cpu, " : "", ms(s.workerEmuNanos())));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("enabled", enabled());
        data.put("strategy", s.strategy());
        data.put("running", s.running());
        data.put("order", s.order());
        data.put("device", d == null ? null : Map.of("capacity", d.capacity(), "latency_ns", b == null ? 0 : b.latencyNanos()));
        data.put("host_rss_pages", s.hostRssPages());
        data.put("discarded_pages", s.discardedPages());
        data.put("isolated_pages", s.isolatedPages());
        Map<String, Object> state = new LinkedHashMap<>();
        details.forEach((k, v) -> state.put(k.replace(' ', '_'), v));
        data.put("strategy_state", state);
        data.put("totals", totals(s, measured));
        return Report.of("reporting-status", t.toString(), data);
    }

    private String whyNot() {
        synchronized (switchLock) {
            if (!enabled) return ": disabled";
            if (device == null) return ": no device";
            if (!support.booted()) return ": not booted";
            if (activeStrategy() == null) return ": no active variant";
            return "";
        }
    }

    static Map<String, Object> totals(ReportingStats s, boolean measured) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("reported_pages", s.reportedPages());
        m.put("reported_blocks", s.reportedBlocks());
        m.put("batches", s.batches());
        m.put("captures", s.captures());
        m.put("dropped", s.dropped());
        m.put("refaults", s.refaults());
        m.put("free_path_calls", s.freePathCalls());
        if (measured) m.put("free_path_cpu_ns", s.freePathCpuNanos());
        m.put("free_path_emu_ns", s.freePathEmuNanos());
        if (measured) m.put("worker_cpu_ns", s.workerCpuNanos());
        m.put("worker_emu_ns", s.workerEmuNanos());
        m.put("passes", s.passes());
        return m;
    }

    @Override
    public Report statsReport() {
        ReportingStats s = stats();
        StringBuilder t = new StringBuilder();
        List<Object> zones = new ArrayList<>();
        for (ReportingStats.Zone z : s.zones()) {
            t.append(String.format(Locale.ROOT, "Node %d, zone %8s  (%d reports)%n", z.nid(), z.zone(), z.batches()));
            t.append("  order   captures    dropped   reported   reported MiB   re-faults\n");
            for (int o = 0; o <= Mm.MAX_PAGE_ORDER; o++) {
                if (z.captures()[o] == 0 && z.dropped()[o] == 0 && z.reportedBlocks()[o] == 0 && z.refaults()[o] == 0) continue;
                t.append(String.format(Locale.ROOT, "  %5d %10d %10d %10d %14.1f %11d%n", o, z.captures()[o],
                        z.dropped()[o], z.reportedBlocks()[o], z.reportedPages()[o] * 4096.0 / (1 << 20), z.refaults()[o]));
            }
            Map<String, Object> zm = new LinkedHashMap<>();
            zm.put("nid", z.nid());
            zm.put("zone", z.zone());
            zm.put("batches", z.batches());
            zm.put("captures", z.captures());
            zm.put("dropped", z.dropped());
            zm.put("reported_blocks", z.reportedBlocks());
            zm.put("reported_pages", z.reportedPages());
            zm.put("refaults", z.refaults());
            zones.add(zm);
        }
        if (s.zones().isEmpty()) t.append("no reporting activity\n");
        boolean measured = measured();
        t.append(String.format(Locale.ROOT, "freeing path: %d calls, %s%s emulated stall; worker: %d passes, %s%s emulated%n",
                s.freePathCalls(), measured ? ms(s.freePathCpuNanos()) + " cpu, " : "", ms(s.freePathEmuNanos()),
                s.passes(), measured ? ms(s.workerCpuNanos()) + " cpu, " : "", ms(s.workerEmuNanos())));
        BalloonDevice b = balloon();
        List<Object> hist = new ArrayList<>();
        if (b != null) {
            List<long[]> h = b.rssHistory();
            t.append("host RSS over time (emulated s: MiB):");
            int shown = Math.min(12, h.size());
            for (int i = 0; i < shown; i++) {
                long[] p = h.get(shown == 1 ? 0 : (int) ((long) i * (h.size() - 1) / (shown - 1)));
                t.append(String.format(Locale.ROOT, " %.2f:%.1f", p[0] / 1e9, p[1] * 4096.0 / (1 << 20)));
            }
            t.append('\n');
            for (long[] p : h) hist.add(List.of(p[0], p[1]));
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("strategy", s.strategy());
        data.put("order", s.order());
        data.put("zones", zones);
        data.put("totals", totals(s, measured));
        data.put("host_rss_history", hist);
        return Report.of("reporting-stats", t.toString(), data);
    }

    // ---------------------------------------------------------------- the comparison table (seed 004)

    /** Adds a row with the current counters to the comparison table. */
    @Override
    public Map<String, Object> record(String label) {
        ReportingStats s = stats();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("label", label);
        row.put("strategy", s.strategy());
        row.put("reported_mib", round(s.reportedMiB()));
        row.put("reports", s.batches());
        row.put("dropped", s.dropped());
        row.put("refaults", s.refaults());
        row.put("host_rss_mib", round(s.hostRssMiB()));
        row.put("free_path_calls", s.freePathCalls());
        // under a seed no measured CPU time (the table then shows the emulated stall and wait only)
        boolean measured = measured();
        if (measured) row.put("free_path_cpu_ms", round(s.freePathCpuNanos() / 1e6));
        row.put("free_path_stall_ms", round(s.freePathEmuNanos() / 1e6));
        if (measured) row.put("worker_cpu_ms", round(s.workerCpuNanos() / 1e6));
        row.put("worker_emu_ms", round(s.workerEmuNanos() / 1e6));
        synchronized (table) { table.add(row); }
        return row;
    }

    private static double round(double v) { return Math.round(v * 1000) / 1000.0; }

    /** "0.90/40.0 ms", or "-/40.0 ms" for a row recorded under a seed (no measured CPU time). */
    private static String cpuSlash(Object cpuMs, double emuMs) {
        return (cpuMs instanceof Double c ? String.format(Locale.ROOT, "%.2f", c) : "-")
                + String.format(Locale.ROOT, "/%.1f ms", emuMs);
    }

    @Override
    public void clearTable() {
        synchronized (table) { table.clear(); }
    }

    @Override
    public Report table() {
        List<Map<String, Object>> rows;
        synchronized (table) { rows = List.copyOf(table); }
        StringBuilder t = new StringBuilder();
        t.append(String.format(Locale.ROOT, "%-10s %12s %8s %8s %9s %12s %22s %22s%n", "strategy", "reported MiB",
                "reports", "dropped", "re-faults", "host RSS MiB", "freeing path cpu/stall", "worker cpu/emulated"));
        for (Map<String, Object> r : rows) {
            t.append(String.format(Locale.ROOT, "%-10s %12.1f %8d %8d %9d %12.1f %22s %22s%n", r.get("label"),
                    (Double) r.get("reported_mib"), (Long) r.get("reports"), (Long) r.get("dropped"),
                    (Long) r.get("refaults"), (Double) r.get("host_rss_mib"),
                    cpuSlash(r.get("free_path_cpu_ms"), (Double) r.get("free_path_stall_ms")),
                    cpuSlash(r.get("worker_cpu_ms"), (Double) r.get("worker_emu_ms"))));
        }
        if (rows.isEmpty()) t.append("(no rows: run a workload and mm:reporting record LABEL)\n");
        return Report.of("reporting-table", t.toString(), Map.of("rows", rows));
    }
}
