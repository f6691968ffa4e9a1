package mm.shell.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import mm.core.api.CallStack;
import mm.core.api.Gfp;
import mm.core.api.Memblock;
import mm.core.api.MemoryModel;
import mm.core.api.Mm;
import mm.core.api.NodeInfo;
import mm.core.api.PageFlags;
import mm.core.api.PageInfo;
import mm.core.api.ProcFile;
import mm.machine.api.Machine;
import mm.machine.api.MachineFormatException;
import mm.machine.api.MachineService;
import mm.machine.api.Sizes;
import mm.shell.api.Column;
import mm.shell.api.Help;
import mm.shell.api.Report;
import mm.shell.api.ReportPrinter;
import mm.shell.api.Table;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * mm.core's commands: boot, the /proc views, the page allocator, memblock experiments, the invariant checker.
 * Errors are thrown with a precise message (script mode then exits non-zero naming the command).
 */
@Component(service = CoreCommands.class, property = Help.GROUP + "=boot, /proc views and the page allocator")
@GogoCommand(scope = "mm", function = {"boot", "dmesg", "zoneinfo", "buddyinfo", "extfrag", "unusable", "pagetypeinfo",
        "meminfo", "vmstat", "memblock", "alloc", "free", "page", "check", "deferred"})
public final class CoreCommands {
    static final String MEMBLOCK_SUBCOMMANDS = "memory, reserved, dump, reset, add, add-node, reserve, remove, free,"
            + " alloc, alloc-nid, bottom-up, top-down";
    private static final List<String> MEMBLOCK_SUBCOMMANDS_LIST = List.of(MEMBLOCK_SUBCOMMANDS.split(", *"));
    /** The timing key deferred_threads' bound (NR_CPUS 8192, as machine files take it). */
    static final int MAX_DEFERRED_THREADS = 8192;
    private final ReportPrinter out;
    private final MemoryModel model;
    private final MachineService machines;
    /** The progress line of long boots (absent in tests that wire the commands by hand). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile BootProgress progress;

    @Activate
    public CoreCommands(@Reference ReportPrinter out, @Reference MemoryModel model, @Reference MachineService machines) {
        this.out = out;
        this.model = model;
        this.machines = machines;
    }

    private void print(Report r) { out.print(r); }

    private void print(ProcFile f) { print(Report.of(f.name(), f.text(), f.data())); }

    // ------------------------------------------------------------------------------------------------ boot

    @Descriptor("boot the current machine (or --machine FILE|NAME) and print the boot log and timings")
    public void boot(
            @Descriptor("machine file or built-in name (default: the current machine)")
            @Parameter(names = {"-m", "--machine"}, absentValue = "") String machineFile,
            @Descriptor("print only the summary, not the whole boot log")
            @Parameter(names = {"-q", "--quiet"}, presentValue = "true", absentValue = "false") boolean quiet,
            @Descriptor("helper threads per node the timing model assumes for multithreaded deferred init")
            @Parameter(names = {"--deferred-threads"}, absentValue = "0") int deferredThreads,
            @Descriptor("show the progress line on stderr even in script or JSON mode")
            @Parameter(names = {"--progress"}, presentValue = "true", absentValue = "false") boolean showProgress,
            @Descriptor("make the run reproducible with this seed from now on (the boot workload, the guest workloads'"
                    + " default seed); the output then shows modelled times only")
            @Parameter(names = {"--seed"}, absentValue = NO_SEED) String seed,
            @Descriptor("the kernel build for this boot, on top of the machine's: a version preset (6.12, 6.1) and"
                    + " CONFIG_NAME=y|n words, space-separated (docs/machine-format.md)")
            @Parameter(names = {"--config"}, absentValue = "") String config,
            @Descriptor("boot options added to the machine's command line for this boot, in the kernel's spelling")
            @Parameter(names = {"--cmdline"}, absentValue = "") String cmdline)
            throws Exception {
        long seedValue = 0;
        if (!seed.equals(NO_SEED)) {
            try {
                seedValue = Long.parseLong(seed.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--seed: expected a whole number, got '"
                        + (seed.length() <= 60 ? seed : seed.substring(0, 57) + "...") + "'");
            }
        }
        if (deferredThreads < 0 || deferredThreads > MAX_DEFERRED_THREADS) {
            throw new IllegalArgumentException("--deferred-threads: expected 1.." + MAX_DEFERRED_THREADS
                    + " helper threads per node (0 or absent: the node's CPUs), got " + deferredThreads);
        }
        Machine m = machineFile.isEmpty() ? machines.current() : loadMachine(machineFile);
        m = withBuildAndCmdline(m, config.trim(), cmdline.trim());
        if (deferredThreads > 0) {
            Map<String, Double> t = new LinkedHashMap<>(m.timing());
            t.put("deferred_threads", (double) deferredThreads);
            m = new Machine(m.name(), m.source(), m.nodes(), m.distance(), m.e820(), m.hotplug(), m.reservations(),
                    m.memblockOps(), m.lateFrees(), m.options(), m.workload(), m.kernel(), t, m.config());
        }
        if (!seed.equals(NO_SEED)) model.setSeed(seedValue);
        long t0 = System.nanoTime();
        Machine booting = m;
        BootProgress p = progress;
        MemoryModel.BootResult r = p == null ? model.boot(m)
                : p.during(m, showProgress, System.err, () -> model.boot(booting));
        double wallMs = (System.nanoTime() - t0) / 1e6;
        print(bootReport(r, wallMs, quiet));
    }

    /**
     * The machine with {@code --config} words applied to its build and {@code --cmdline} words appended to its command
     * line (as a later {@code cmdline} statement would: a later option overrides an earlier one); checked as the
     * machine file's statements are, the first problem naming the option and the word.
     */
    Machine withBuildAndCmdline(Machine m, String config, String cmdline) {
        if (!config.isEmpty()) {
            mm.machine.api.KernelConfig c = m.config();
            for (String w : config.split("[\\s,]+")) {
                int eq = w.indexOf('=');
                if (eq < 0) {
                    if (!mm.machine.api.KernelConfig.VERSIONS.contains(w)) throw new IllegalArgumentException("--config: "
                            + "unknown kernel version '" + w + "' (presets: " + String.join(", ",
                            mm.machine.api.KernelConfig.VERSIONS) + "; options are written CONFIG_NAME=y|n)");
                    try {
                        c = c.withVersion(w);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("--config: " + e.getMessage());
                    }
                    continue;
                }
                String why = mm.machine.api.KernelConfig.check(c.version(), w.substring(0, eq), w.substring(eq + 1));
                if (why != null) throw new IllegalArgumentException("--config: " + why);
                c = c.with(w.substring(0, eq), w.substring(eq + 1));
            }
            try {
                m = m.withConfig(c);
            } catch (IllegalArgumentException e) {
                // an option the machine's build set that the chosen version lacks
                throw new IllegalArgumentException("--config: " + e.getMessage());
            }
        }
        if (!cmdline.isEmpty()) {
            try {
                m = machines.parse(m.name(), machines.render(m) + "\ncmdline " + cmdline + "\n").withConfig(m.config());
            } catch (MachineFormatException e) {
                String msg = e.getMessage();
                String why = msg.substring(msg.indexOf(": ", msg.indexOf(':') + 1) + 2);
                throw new IllegalArgumentException("--cmdline: " + why);
            }
        }
        return m;
    }

    private Machine loadMachine(String spec) throws Exception {
        Machine m = machines.load(java.nio.file.Path.of(spec));
        machines.setCurrent(m);
        return m;
    }

    /** The absent value of {@code mm:boot --seed}. */
    static final String NO_SEED = "none";

    Report bootReport(MemoryModel.BootResult r, double wallMs, boolean quiet) {
        // under a seed (reproducible runs) only modelled times: the measured ones differ from run to run
        boolean measured = model.seed().isEmpty();
        StringBuilder sb = new StringBuilder();
        if (!quiet) for (String l : r.log()) if (!l.contains("memblock_") && !l.contains("] MEMBLOCK") && !l.matches(".*\\]  (memory|reserved)(\\[|\\.cnt| size).*")) sb.append(l).append('\n');
        if (measured) {
            sb.append(String.format(Locale.ROOT, "mmkit: booted %s (deferred-init %s) in %.1f ms%n", r.machine().name(),
                    model.deferredInitVariant(), wallMs));
        } else {
            sb.append(String.format(Locale.ROOT, "mmkit: booted %s (deferred-init %s, seed %d)%n", r.machine().name(),
                    model.deferredInitVariant(), model.seed().getAsLong()));
        }
        Table phases = measured
                ? Table.of(Column.text("phase", "phase").width(44),
                        Column.number("measured_ms", "measured ms").width(12).format(v -> String.format(Locale.ROOT, "%.1f", v)),
                        Column.number("modelled_ms", "modelled kernel ms").width(24)
                                .format(v -> String.format(Locale.ROOT, "%.1f (modelled)", v)))
                : Table.of(Column.text("phase", "phase").width(44),
                        Column.number("modelled_ms", "modelled kernel ms").width(24)
                                .format(v -> String.format(Locale.ROOT, "%.1f (modelled)", v)));
        // under a seed: the phases that have a modelled kernel time (the others only have a measured one)
        r.timings().forEach((k, v) -> {
            if (measured) phases.row(k, v[0], Double.isNaN(v[1]) ? null : v[1]);
            else if (!Double.isNaN(v[1])) phases.row(k, v[1]);
        });
        if (!phases.rows().isEmpty()) phases.text().lines().forEach(l -> sb.append("  ").append(l).append('\n'));
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("machine", r.machine().name());
        d.put("deferred_init", model.deferredInitVariant());
        if (measured) d.put("wall_ms", wallMs);
        else d.put("seed", model.seed().getAsLong());
        d.put("phases", phases.rows());
        d.put("log", r.log());
        return Report.of("boot", sb.toString(), d);
    }

    @Descriptor("the kernel log of the last boot and everything since")
    public void dmesg() {
        List<String> lines = model.dmesg();
        print(Report.of("dmesg", String.join("\n", lines) + "\n", Map.of("lines", lines)));
    }

    /** The columns of {@code mm:zoneinfo --summary}. */
    static Table zoneSummaryTable() {
        return Table.of(Column.number("node", "node").width(4).left(), Column.text("zone", "zone").width(8),
                Column.number("start_pfn", "start_pfn").width(12), Column.number("spanned", "spanned").width(12),
                Column.number("present", "present").width(12), Column.number("managed", "managed").width(12),
                Column.number("free", "free").width(12), Column.number("min", "min").width(10),
                Column.number("low", "low").width(10), Column.number("high", "high").width(10));
    }

    @Descriptor("/proc/zoneinfo, or with --summary (or --csv) one line per populated zone")
    public void zoneinfo(
            @Descriptor("one line per zone: node, zone, start_pfn, spanned, present, managed, free, watermarks")
            @Parameter(names = {"-s", "--summary"}, presentValue = "true", absentValue = "false") boolean summary,
            @Descriptor("print the one-line-per-zone summary as CSV (header of JSON keys)")
            @Parameter(names = {"--csv"}, presentValue = "true", absentValue = "false") boolean csv) {
        if (!summary && !csv) { print(model.zoneinfo()); return; }
        Table t = zoneSummaryTable();
        for (NodeInfo n : model.nodes()) {
            for (mm.core.api.ZoneType zt : mm.core.api.ZoneType.VALUES) {
                mm.core.api.ZoneInfo z = model.zone(n.nid(), zt);
                if (z.spannedPages() == 0) continue;
                t.row(n.nid(), zt.kernelName(), z.zoneStartPfn(), z.spannedPages(), z.presentPages(), z.managedPages(),
                        z.freePages(), z.min(), z.low(), z.high());
            }
        }
        out.print(Report.table("zoneinfo-summary", "zones", t), csv);
    }

    @Descriptor("/proc/buddyinfo")
    public void buddyinfo() { print(model.buddyinfo()); }

    @Descriptor("/sys/kernel/debug/extfrag/extfrag_index: per zone and order, whether a failed allocation would be due to fragmentation (towards 1) or lack of memory (towards 0); -1 when a block of the order is free")
    public void extfrag() { print(model.extfragIndex()); }

    @Descriptor("/sys/kernel/debug/extfrag/unusable_index: per zone and order, the share of free memory that cannot serve an allocation of that order")
    public void unusable() { print(model.unusableIndex()); }

    @Descriptor("/proc/pagetypeinfo")
    public void pagetypeinfo() { print(model.pagetypeinfo()); }

    @Descriptor("/proc/meminfo: every line of Linux 6.12's (docs/views.md: which are modelled)")
    public void meminfo() { print(model.meminfo()); }

    @Descriptor("/proc/vmstat: zone and node counters, NUMA events, vm events")
    public void vmstat() { print(model.vmstat()); }

    // ------------------------------------------------------------------------------------------- allocator

    @Descriptor("allocate pages (alloc_pages_node) and print their PFNs")
    public void alloc(
            @Descriptor("order 0..10") @Parameter(names = {"-o", "--order"}, absentValue = "0") String orderArg,
            @Descriptor("how many blocks (all or nothing: on a failure the blocks already taken are freed)")
            @Parameter(names = {"-n", "--count"}, absentValue = "1") String countArg,
            @Descriptor("GFP mask, kernel spelling, quoted because of the |: 'GFP_KERNEL|__GFP_ZERO', or 0xdc0")
            @Parameter(names = {"-g", "--gfp"}, absentValue = "GFP_KERNEL") String gfp,
            @Descriptor("preferred node (default: the caller's)") @Parameter(names = {"--node"}, absentValue = "-1") String nodeArg,
            @Descriptor("caller tag: a stack of function names, innermost first, separated by commas")
            @Parameter(names = {"-c", "--caller"}, absentValue = "mm_alloc_command") String caller,
            @Descriptor("print every PFN (without it, the text shows the first " + SHOWN_PFNS + " of a long list)")
            @Parameter(names = {"-l", "--list"}, presentValue = "true", absentValue = "false") boolean list) {
        int order = (int) bounded(orderArg, "--order", 0, Mm.MAX_PAGE_ORDER);
        int count = (int) bounded(countArg, "--count", 1, Integer.MAX_VALUE);
        int node = (int) bounded(nodeArg, "--node", -1, Integer.MAX_VALUE);
        if (node >= 0 && model.nodes().stream().noneMatch(n -> n.nid() == node)) {
            throw new IllegalArgumentException("--node " + node + ": no such node (nodes: "
                    + model.nodes().stream().map(n -> String.valueOf(n.nid())).reduce((a, b) -> a + ", " + b).orElse("none")
                    + "; -1 = the caller's)");
        }
        int mask = Gfp.parse(gfp);
        CallStack stack = CallStack.parse(caller);
        List<Long> pfns = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long pfn = model.alloc(order, mask, node, stack);
            if (pfn < 0) {
                // all or nothing: give back what this command took
                for (int k = pfns.size() - 1; k >= 0; k--) model.free(pfns.get(k), order, stack);
                throw new IllegalStateException(String.format(Locale.ROOT,
                        "page allocation failure: order:%d, mode:%s after %d of %d blocks%s", order, Gfp.format(mask), i,
                        count, pfns.isEmpty() ? "" : "; the " + pfns.size() + " blocks it took were freed again"));
            }
            pfns.add(pfn);
        }
        StringBuilder sb = new StringBuilder();
        int shown = list ? pfns.size() : Math.min(pfns.size(), SHOWN_PFNS);
        for (int i = 0; i < shown; i++) sb.append(String.format(Locale.ROOT, "%#x%n", pfns.get(i)));
        if (shown < pfns.size()) {
            sb.append(String.format(Locale.ROOT, "... %d blocks of order %d in all (--list prints every PFN, --json"
                    + " lists them too)%n", pfns.size(), order));
        }
        print(Report.of("alloc", sb.toString(), Map.of("order", order, "gfp", Gfp.format(mask), "pfns", pfns)));
    }

    /** The text shows this many PFNs of an mm:alloc; --list shows all. */
    static final int SHOWN_PFNS = 32;

    /** A whole number argument in [min, max], or one sentence naming the argument and what is allowed. */
    static long bounded(String s, String what, long min, long max) {
        long v;
        try {
            String t = s.trim();
            v = t.startsWith("0x") || t.startsWith("0X") ? Long.parseLong(t.substring(2), 16) : Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + ": expected a whole number in " + min + ".." + max + ", got '"
                    + (s.length() > 60 ? s.substring(0, 60) + "..." : s) + "'");
        }
        if (v < min || v > max) {
            throw new IllegalArgumentException(what + ": " + v + " is out of range (" + min + ".." + max + ")");
        }
        return v;
    }


    @Descriptor("free a block allocated with mm:alloc (__free_pages)")
    public void free(@Descriptor("PFN (hex 0x... or decimal)") String pfn,
                     @Descriptor("order it was allocated with") int order) {
        long p = pfn(pfn);
        model.free(p, order);
        print(Report.of("free", String.format(Locale.ROOT, "freed %#x order %d%n", p, order), Map.of("pfn", p, "order", order)));
    }

    @Descriptor("free a block allocated with mm:alloc (__free_pages; without ORDER an order-0 page)")
    public void free(@Descriptor("PFN (hex 0x... or decimal)") String pfn) { free(pfn, 0); }

    @Descriptor("show one struct page (drgn-style): flags, page_type, refcounts, node, zone, migratetype, state")
    public void page(@Descriptor("PFN (hex 0x... or decimal)") String pfn) {
        long p = pfn(pfn);
        print(pageReport(p, model.page(p)));
    }

    /** The text and the JSON of mm:page from the same values: flags without the page_type bits, page_type apart. */
    static Report pageReport(long p, PageInfo pi) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("pfn", p);
        d.put("phys_addr", Mm.pfnPhys(p));
        d.put("valid", pi.valid());
        d.put("initialised", pi.initialised());
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "PFN: %#x%n", p));
        sb.append(String.format(Locale.ROOT, "Physical address: %#x%n", Mm.pfnPhys(p)));
        if (!pi.valid()) {
            sb.append("pfn_valid: false (no memmap for this section)\n");
        } else if (!pi.initialised()) {
            d.put("flags", PageFlags.POISON);
            sb.append(String.format(Locale.ROOT, "flags: %#x (page_init_poison: never initialised)%n", PageFlags.POISON));
            sb.append("State: ").append(pi.state()).append('\n');
        } else {
            long flags = pi.flags(); // page->flags; the page_type (PageBuddy) is a field of its own, as in the kernel
            String names = PageFlags.names(flags);
            String pageType = (pi.pageType() & PageFlags.TYPE_BUDDY) != 0 ? "buddy" : null;
            String zone = pi.zone() == null ? null : pi.zone().kernelName();
            String mt = pi.pageblockMt() == null ? null : pi.pageblockMt().kernelName();
            d.put("flags", flags);
            d.put("flag_names", names);
            d.put("page_type", pageType);
            d.put("refcount", pi.refcount());
            d.put("mapcount", pi.mapcount());
            d.put("private", pi.privateField());
            d.put("node", pi.nid());
            d.put("zone", zone);
            d.put("pageblock_migratetype", mt);
            sb.append(String.format(Locale.ROOT, "flags: %#x(%s)%n", flags, names));
            if (pageType != null) sb.append("page_type: ").append(pageType).append('\n');
            sb.append(String.format(Locale.ROOT, "_refcount: %d%n", pi.refcount()));
            sb.append(String.format(Locale.ROOT, "_mapcount: %d%n", pi.mapcount()));
            sb.append(String.format(Locale.ROOT, "private: %d%n", pi.privateField()));
            sb.append(String.format(Locale.ROOT, "node: %d%nzone: %s%n", pi.nid(), zone == null ? "-" : zone));
            sb.append("pageblock migratetype: ").append(mt == null ? "-" : mt).append('\n');
            sb.append("State: ").append(pi.state()).append('\n');
        }
        d.put("state", pi.state());
        d.put("page_state", pi.pageState().name().toLowerCase(Locale.ROOT));
        return Report.of("page", sb.toString(), d);
    }

    @Descriptor("verify the whole memmap and every free list (CONFIG_DEBUG_VM style); fails on a violation")
    public void check() throws Exception {
        BootProgress p = progress;
        List<String> v;
        if (p == null || !p.enabled()) v = model.check();
        else {
            String[] at = {"starting"};
            double[] share = {0};
            v = ProgressLine.during(() -> String.format(Locale.ROOT, "mm:check: %s, %d%% of present pages checked",
                    at[0], (int) (share[0] * 100)), System.err, () -> model.check((f, nid, zone) -> {
                        share[0] = f;
                        at[0] = "node " + nid + " zone " + zone.kernelName();
                    }));
        }
        if (v.isEmpty()) {
            print(Report.of("check", "OK\n", Map.of("ok", true, "violations", v)));
            return;
        }
        print(Report.of("check", String.join("\n", v) + "\n", Map.of("ok", false, "violations", v)));
        throw new IllegalStateException(v.size() + " invariant violation(s); first: " + v.get(0));
    }

    @Descriptor("deferred struct page init per node: first_deferred_pfn, pages still deferred, growth events")
    public void deferred(
            @Descriptor("print the per-node table as CSV (header of JSON keys)")
            @Parameter(names = {"--csv"}, presentValue = "true", absentValue = "false") boolean csv) {
        Table t = Table.of(Column.number("node", "node").width(5).left(),
                Column.text("boot_first_deferred_pfn", "boot first_deferred").width(22).hex().absent("none"),
                Column.text("first_deferred_pfn", "first_deferred_pfn").width(20).hex().absent("none"),
                Column.number("deferred_pages", "still deferred").width(16),
                Column.number("grow_events", "grown").width(8));
        for (NodeInfo n : model.nodes()) {
            long first = n.firstDeferredPfn(), boot = n.bootFirstDeferredPfn();
            t.row(n.nid(), boot == NodeInfo.NO_DEFERRED ? null : boot, first == NodeInfo.NO_DEFERRED ? null : first,
                    n.deferredPages(), n.growEvents());
        }
        String variant = model.deferredInitVariant();
        out.print(Report.table("deferred", "nodes", t).with("variant", variant)
                .appendText("variant: " + variant + "\n"), csv);
    }

    // ------------------------------------------------------------------------------------------- memblock

    @Descriptor("print memblock.memory as the debugfs file does (BASE..END inclusive, nid, flags)")
    public void memblock() { memblock("memory"); }

    @Descriptor("memblock: memory | reserved | dump | reset | add BASE SIZE | add-node BASE SIZE NID | reserve BASE SIZE | "
            + "remove BASE SIZE | free BASE SIZE | alloc SIZE [ALIGN] | alloc-nid SIZE ALIGN NID | bottom-up | top-down "
            + "(numbers in hex or decimal with K/M/G suffixes)")
    public void memblock(@Descriptor("memory | reserved | dump | reset | add | add-node | reserve | remove | free | alloc"
                                 + " | alloc-nid | bottom-up | top-down") String sub,
                         @Descriptor("arguments in the kernel function's order") String... args) {
        if (!MEMBLOCK_SUBCOMMANDS_LIST.contains(sub)) {
            throw new IllegalArgumentException("unknown mm:memblock subcommand '" + sub + "' (expected one of: "
                    + MEMBLOCK_SUBCOMMANDS + ")");
        }
        checkArity(sub, args);
        Memblock mb = memblockForCommands(sub.equals("reset"));
        String out;
        switch (sub) {
            case "memory" -> out = mb.debugfs(false);
            case "reserved" -> out = mb.debugfs(true);
            case "dump" -> out = mb.dumpAll();
            case "reset" -> out = "memblock reset: empty memory and reserved arrays, top-down\n";
            case "add" -> { long[] r = range(args, sub); out = rc("memblock_add", mb.caller("mm_memblock_command").add(r[0], r[1])); }
            case "add-node" -> { long[] r = range(args, sub); out = rc("memblock_add_node", mb.caller("mm_memblock_command").addNode(r[0],
                    r[1], nid(args, 2, sub), 0)); }
            case "reserve" -> { long[] r = range(args, sub); out = rc("memblock_reserve", mb.caller("mm_memblock_command").reserve(r[0], r[1])); }
            case "remove" -> { long[] r = range(args, sub); out = rc("memblock_remove", mb.caller("mm_memblock_command").remove(r[0], r[1])); }
            case "free" -> { long[] r = range(args, sub); out = rc("memblock_phys_free", mb.caller("mm_memblock_command").physFree(r[0], r[1])); }
            case "alloc" -> out = addr(mb.caller("mm_memblock_command").physAlloc(allocSize(args, sub),
                    args.length > 1 ? align(args, 1, sub) : Mm.PAGE_SIZE));
            case "alloc-nid" -> out = addr(mb.caller("mm_memblock_command").physAllocTryNid(allocSize(args, sub),
                    align(args, 1, sub), nid(args, 2, sub)));
            case "bottom-up" -> { mb.setBottomUp(true); out = "memblock: bottom-up allocation\n"; }
            case "top-down" -> { mb.setBottomUp(false); out = "memblock: top-down allocation\n"; }
            default -> throw new IllegalStateException("unhandled mm:memblock subcommand '" + sub + "'");
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("memory", regions(mb.memory()));
        d.put("reserved", regions(mb.reserved()));
        d.put("output", out);
        print(Report.of("memblock", out, d));
    }

    private static List<Object> regions(List<Memblock.Region> rs) {
        List<Object> out = new ArrayList<>();
        for (Memblock.Region r : rs) out.add(Map.of("base", r.base(), "size", r.size(), "nid", r.nid(), "flags", r.flags()));
        return out;
    }

    private Memblock memblockForCommands(boolean reset) {
        return model.memblockForExperiments(reset);
    }

    private static String rc(String fn, int rc) {
        if (rc != 0) throw new IllegalStateException(fn + " failed: " + rc);
        return fn + ": ok\n";
    }

    private static String addr(long a) {
        if (a == 0) throw new IllegalStateException("memblock allocation failed (no free range fits)");
        return String.format(Locale.ROOT, "%s%n", Mm.hex18(a));
    }

    /** The arguments each subcommand takes: its usage, and the least and most count. */
    private static final Map<String, Object[]> MEMBLOCK_ARGS = Map.ofEntries(
            Map.entry("memory", new Object[] {"", 0, 0}), Map.entry("reserved", new Object[] {"", 0, 0}),
            Map.entry("dump", new Object[] {"", 0, 0}), Map.entry("reset", new Object[] {"", 0, 0}),
            Map.entry("bottom-up", new Object[] {"", 0, 0}), Map.entry("top-down", new Object[] {"", 0, 0}),
            Map.entry("add", new Object[] {"BASE SIZE", 2, 2}), Map.entry("reserve", new Object[] {"BASE SIZE", 2, 2}),
            Map.entry("remove", new Object[] {"BASE SIZE", 2, 2}), Map.entry("free", new Object[] {"BASE SIZE", 2, 2}),
            Map.entry("add-node", new Object[] {"BASE SIZE NID", 3, 3}),
            Map.entry("alloc", new Object[] {"SIZE [ALIGN]", 1, 2}),
            Map.entry("alloc-nid", new Object[] {"SIZE ALIGN NID", 3, 3}));

    /** Too few or too many arguments: refused before anything changes, naming the usage. */
    static void checkArity(String sub, String[] args) {
        Object[] a = MEMBLOCK_ARGS.get(sub);
        String usage = (String) a[0];
        int min = (Integer) a[1], max = (Integer) a[2], n = args == null ? 0 : args.length;
        if (n >= min && n <= max) return;
        String want = usage.isEmpty() ? "takes no arguments" : "takes " + usage;
        String got = n == 0 ? "got none" : "got " + n + " (" + shown(String.join(" ", args)) + ")";
        throw new IllegalArgumentException("mm:memblock " + sub + " " + want + ", " + got);
    }

    /** An argument echoed in a message: at most 60 characters. */
    static String shown(String s) { return s.length() <= 60 ? s : s.substring(0, 57) + "..."; }

    /** memblock_phys_alloc's size: at least one byte (a zero-size allocation is a caller's bug). */
    private static long allocSize(String[] args, String sub) {
        long size = n(args, 0, sub);
        if (size == 0) throw new IllegalArgumentException("argument 1 of " + sub + ": the size must be at least 1 byte, got '"
                + args[0] + "'");
        return size;
    }

    /** An alignment: a power of two (round_up in memblock_find_in_range_node is a mask), at most 2^52. */
    private static long align(String[] args, int i, String sub) {
        long a = n(args, i, sub);
        if (a == 0 || Long.bitCount(a) != 1 || a > Mm.MAX_PHYS_ADDR) {
            throw new IllegalArgumentException("argument " + (i + 1) + " of " + sub + ": the alignment must be a power"
                    + " of two from 1 to 2^52, got '" + args[i] + "'");
        }
        return a;
    }

    private static long n(String[] args, int i, String sub) {
        if (args.length <= i) throw new IllegalArgumentException("mm:memblock " + sub + ": missing argument " + (i + 1));
        return number(args[i], "argument " + (i + 1) + " of " + sub);
    }

    /** A node id argument: -1 (NUMA_NO_NODE) or 0..MAX_NUMNODES-1, never a value cut to an int. */
    static int nid(String[] args, int i, String sub) {
        if (args.length <= i) throw new IllegalArgumentException("mm:memblock " + sub + ": missing argument " + (i + 1));
        String a = args[i].trim();
        long v = a.equals("-1") ? -1 : number(a, "argument " + (i + 1) + " of " + sub);
        if (v < -1 || v >= Mm.MAX_NUMNODES) {
            throw new IllegalArgumentException("argument " + (i + 1) + " of " + sub + ": expected a node id -1.."
                    + (Mm.MAX_NUMNODES - 1) + ", got '" + args[i] + "'");
        }
        return (int) v;
    }

    /** A PFN argument: below 2^40 (physical addresses end at 2^52). */
    static long pfn(String s) {
        long p = number(s, "PFN");
        if (p >= Mm.MAX_PFN) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "PFN %#x is at or above 2^40: physical"
                    + " addresses end at 2^52 (MAX_PHYSMEM_BITS 52, 5-level paging)", p));
        }
        return p;
    }

    /** The base and size arguments of a memblock range: an address below 2^52 and a range that ends by 2^52. */
    private static long[] range(String[] args, String sub) {
        long base = n(args, 0, sub), size = n(args, 1, sub);
        if (base >= Mm.MAX_PHYS_ADDR) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "argument 1 of %s: address %#x is at or above"
                    + " 2^52, the end of the physical address space (MAX_PHYSMEM_BITS 52, 5-level paging)", sub, base));
        }
        if (size > Mm.MAX_PHYS_ADDR - base) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "argument 2 of %s: the range %#x+%#x ends"
                    + " above 2^52, the end of the physical address space (MAX_PHYSMEM_BITS 52, 5-level paging)", sub,
                    base, size));
        }
        return new long[] {base, size};
    }

    static long number(String s, String what) {
        long v = Sizes.parse(s.trim());
        if (v < 0) throw new IllegalArgumentException(what + ": expected a number like 0x1000, 4096 or 4K, got '" + s + "'");
        return v;
    }

}
