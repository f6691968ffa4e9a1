package mm.shell.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import mm.core.api.CallStack;
import mm.core.api.Gfp;
import mm.machine.api.Machine;
import mm.machine.api.MachineService;
import mm.core.api.Memblock;
import mm.core.api.MemoryModel;
import mm.core.api.ProcFile;
import mm.core.api.Mm;
import mm.core.api.NodeInfo;
import mm.core.api.PageFlags;
import mm.core.api.PageInfo;
import mm.shell.api.Report;
import mm.machine.api.Sizes;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * mm.core's commands: boot, the /proc views, the page allocator, memblock experiments, the invariant checker.
 * Errors are thrown with a precise message (script mode then exits non-zero naming the command).
 */
@Component(service = CoreCommands.class, property = {
        "osgi.command.scope=mm",
        "osgi.command.function=boot", "osgi.command.function=dmesg", "osgi.command.function=zoneinfo",
        "osgi.command.function=buddyinfo", "osgi.command.function=pagetypeinfo", "osgi.command.function=meminfo",
        "osgi.command.function=memblock", "osgi.command.function=alloc", "osgi.command.function=free",
        "osgi.command.function=page", "osgi.command.function=check", "osgi.command.function=deferred"})
public final class CoreCommands {
    private final BundleContext ctx;
    private final MemoryModel model;
    private final MachineService machines;

    @Activate
    public CoreCommands(BundleContext ctx, @Reference MemoryModel model, @Reference MachineService machines) {
        this.ctx = ctx;
        this.model = model;
        this.machines = machines;
    }

    private void print(Report r) { Out.print(ctx, r); }

    private void print(ProcFile f) { print(Report.of(f.name(), f.text(), f.data())); }

    // ------------------------------------------------------------------------------------------------ boot

    @Descriptor("boot the current machine (or --machine FILE|NAME) and print the boot log and timings")
    public void boot(
            @Descriptor("machine file or built-in name (default: the current machine)")
            @Parameter(names = {"-m", "--machine"}, absentValue = "") String machineFile,
            @Descriptor("print only the summary, not the whole boot log")
            @Parameter(names = {"-q", "--quiet"}, presentValue = "true", absentValue = "false") boolean quiet,
            @Descriptor("helper threads per node the timing model assumes for multithreaded deferred init")
            @Parameter(names = {"--deferred-threads"}, absentValue = "0") int deferredThreads)
            throws Exception {
        Machine m = machineFile.isEmpty() ? machines.current() : loadMachine(machineFile);
        if (deferredThreads > 0) {
            Map<String, Double> t = new LinkedHashMap<>(m.timing());
            t.put("deferred_threads", (double) deferredThreads);
            m = new Machine(m.name(), m.source(), m.nodes(), m.distance(), m.e820(), m.hotplug(), m.reservations(),
                    m.memblockOps(), m.lateFrees(), m.options(), m.workload(), m.kernel(), t);
        }
        long t0 = System.nanoTime();
        MemoryModel.BootResult r = model.boot(m);
        double wallMs = (System.nanoTime() - t0) / 1e6;
        print(bootReport(r, wallMs, quiet));
    }

    private Machine loadMachine(String spec) throws Exception {
        Machine m = machines.load(java.nio.file.Path.of(spec));
        machines.setCurrent(m);
        return m;
    }

    Report bootReport(MemoryModel.BootResult r, double wallMs, boolean quiet) {
        StringBuilder sb = new StringBuilder();
        if (!quiet) for (String l : r.log()) if (!l.contains("memblock_") && !l.contains("] MEMBLOCK") && !l.matches(".*\\]  (memory|reserved)(\\[|\\.cnt| size).*")) sb.append(l).append('\n');
        sb.append(String.format(Locale.ROOT, "mmkit: booted %s (deferred-init %s) in %.1f ms%n", r.machine().name(),
                model.deferredInitVariant(), wallMs));
        sb.append(String.format(Locale.ROOT, "  %-44s %12s %24s%n", "phase", "measured ms", "modelled kernel ms"));
        Map<String, Object> phases = new LinkedHashMap<>();
        r.timings().forEach((k, v) -> {
            sb.append(String.format(Locale.ROOT, "  %-44s %12.1f %24s%n", k, v[0],
                    Double.isNaN(v[1]) ? "-" : String.format(Locale.ROOT, "%.1f (modelled)", v[1])));
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("measured_ms", v[0]);
            p.put("modelled_ms", Double.isNaN(v[1]) ? null : v[1]);
            phases.put(k, p);
        });
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("machine", r.machine().name());
        d.put("deferred_init", model.deferredInitVariant());
        d.put("wall_ms", wallMs);
        d.put("phases", phases);
        d.put("log", r.log());
        return Report.of("boot", sb.toString(), d);
    }

    @Descriptor("the kernel log of the last boot and everything since")
    public void dmesg() {
        List<String> lines = model.dmesg();
        print(Report.of("dmesg", String.join("\n", lines) + "\n", Map.of("lines", lines)));
    }

    @Descriptor("/proc/zoneinfo, or with --summary one line per zone")
    public void zoneinfo(
            @Descriptor("one line per zone: span, present, managed, free, watermarks")
            @Parameter(names = {"-s", "--summary"}, presentValue = "true", absentValue = "false") boolean summary) {
        if (!summary) { print(model.zoneinfo()); return; }
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-4s %-8s %12s %12s %12s %12s %12s %10s %10s %10s%n",
                "node", "zone", "start_pfn", "spanned", "present", "managed", "free", "min", "low", "high"));
        List<Object> rows = new ArrayList<>();
        for (NodeInfo n : model.nodes()) {
            for (mm.core.api.ZoneType t : mm.core.api.ZoneType.VALUES) {
                mm.core.api.ZoneInfo z = model.zone(n.nid(), t);
                if (z.spannedPages() == 0) continue;
                sb.append(String.format(Locale.ROOT, "%-4d %-8s %12d %12d %12d %12d %12d %10d %10d %10d%n", n.nid(),
                        t.kernelName(), z.zoneStartPfn(), z.spannedPages(), z.presentPages(), z.managedPages(),
                        z.freePages(), z.min(), z.low(), z.high()));
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("node", n.nid());
                r.put("zone", t.kernelName());
                r.put("start_pfn", z.zoneStartPfn());
                r.put("spanned", z.spannedPages());
                r.put("present", z.presentPages());
                r.put("managed", z.managedPages());
                r.put("free", z.freePages());
                rows.add(r);
            }
        }
        print(Report.of("zoneinfo-summary", sb.toString(), Map.of("zones", rows)));
    }

    @Descriptor("/proc/buddyinfo")
    public void buddyinfo() { print(model.buddyinfo()); }

    @Descriptor("/proc/pagetypeinfo")
    public void pagetypeinfo() { print(model.pagetypeinfo()); }

    @Descriptor("/proc/meminfo (the fields mm.core knows)")
    public void meminfo() { print(model.meminfo()); }

    // ------------------------------------------------------------------------------------------- allocator

    @Descriptor("allocate pages (alloc_pages_node) and print their PFNs")
    public void alloc(
            @Descriptor("order 0..10") @Parameter(names = {"-o", "--order"}, absentValue = "0") int order,
            @Descriptor("how many blocks") @Parameter(names = {"-n", "--count"}, absentValue = "1") int count,
            @Descriptor("GFP mask, kernel spelling, quoted because of the |: 'GFP_KERNEL|__GFP_ZERO', or 0xdc0")
            @Parameter(names = {"-g", "--gfp"}, absentValue = "GFP_KERNEL") String gfp,
            @Descriptor("preferred node (default: the caller's)") @Parameter(names = {"--node"}, absentValue = "-1") int node,
            @Descriptor("caller tag: a stack of function names, innermost first, separated by commas")
            @Parameter(names = {"-c", "--caller"}, absentValue = "mm_alloc_command") String caller) {
        int mask = Gfp.parse(gfp);
        CallStack stack = CallStack.parse(caller);
        List<Long> pfns = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < count; i++) {
            long pfn = model.alloc(order, mask, node, stack);
            if (pfn < 0) {
                throw new IllegalStateException(String.format(Locale.ROOT,
                        "page allocation failure: order:%d, mode:%s after %d of %d blocks%s", order, Gfp.format(mask), i,
                        count, pfns.isEmpty() ? "" : " (allocated: " + hexList(pfns) + ")"));
            }
            pfns.add(pfn);
            sb.append(String.format(Locale.ROOT, "%#x%n", pfn));
        }
        print(Report.of("alloc", sb.toString(), Map.of("order", order, "gfp", Gfp.format(mask), "pfns", pfns)));
    }

    private static String hexList(List<Long> l) {
        StringBuilder sb = new StringBuilder();
        for (long v : l) sb.append(sb.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%#x", v));
        return sb.toString();
    }

    @Descriptor("free a block allocated with mm:alloc (__free_pages)")
    public void free(@Descriptor("PFN (hex 0x... or decimal)") String pfn,
                     @Descriptor("order it was allocated with") int order) {
        long p = number(pfn, "PFN");
        model.free(p, order);
        print(Report.of("free", String.format(Locale.ROOT, "freed %#x order %d%n", p, order), Map.of("pfn", p, "order", order)));
    }

    @Descriptor("free an order-0 page (__free_pages PFN 0)")
    public void free(@Descriptor("PFN (hex 0x... or decimal)") String pfn) { free(pfn, 0); }

    @Descriptor("show one struct page (drgn-style)")
    public void page(@Descriptor("PFN (hex 0x... or decimal)") String pfn) {
        long p = number(pfn, "PFN");
        PageInfo pi = model.page(p);
        StringBuilder sb = new StringBuilder();
        Map<String, Object> d = new LinkedHashMap<>();
        sb.append(String.format(Locale.ROOT, "PFN: %#x%n", p));
        sb.append(String.format(Locale.ROOT, "Physical address: %#x%n", Mm.pfnPhys(p)));
        d.put("pfn", p);
        d.put("valid", pi.valid());
        d.put("initialised", pi.initialised());
        d.put("state", pi.state());
        if (!pi.valid()) {
            sb.append("pfn_valid: false (no memmap for this section)\n");
        } else if (!pi.initialised()) {
            sb.append(String.format(Locale.ROOT, "flags: %#x (page_init_poison: never initialised)%n", PageFlags.POISON));
            sb.append("State: ").append(pi.state()).append('\n');
        } else {
            long pg = pi.flags();
            sb.append(String.format(Locale.ROOT, "flags: %#x(%s)%n", pg, PageFlags.names(pg)));
            if ((pi.pageType() & PageFlags.TYPE_BUDDY) != 0) sb.append("page_type: buddy\n");
            sb.append(String.format(Locale.ROOT, "_refcount: %d%n", pi.refcount()));
            sb.append(String.format(Locale.ROOT, "_mapcount: %d%n", pi.mapcount()));
            sb.append(String.format(Locale.ROOT, "private: %d%n", pi.privateField()));
            sb.append(String.format(Locale.ROOT, "node: %d%nzone: %s%n", pi.nid(), pi.zone() == null ? "-" : pi.zone().kernelName()));
            sb.append("pageblock migratetype: ").append(pi.pageblockMt() == null ? "-" : pi.pageblockMt().kernelName()).append('\n');
            sb.append("State: ").append(pi.state()).append('\n');
            d.put("flags", pi.flags());
            d.put("flag_names", PageFlags.names(pi.flags()));
            d.put("refcount", pi.refcount());
            d.put("mapcount", pi.mapcount());
            d.put("private", pi.privateField());
            d.put("node", pi.nid());
            d.put("zone", pi.zone() == null ? null : pi.zone().kernelName());
            d.put("pageblock_migratetype", pi.pageblockMt() == null ? null : pi.pageblockMt().kernelName());
        }
        print(Report.of("page", sb.toString(), d));
    }

    @Descriptor("verify the whole memmap and every free list (CONFIG_DEBUG_VM style); fails on a violation")
    public void check() {
        List<String> v = model.check();
        if (v.isEmpty()) {
            print(Report.of("check", "OK\n", Map.of("ok", true, "violations", v)));
            return;
        }
        print(Report.of("check", String.join("\n", v) + "\n", Map.of("ok", false, "violations", v)));
        throw new IllegalStateException(v.size() + " invariant violation(s); first: " + v.get(0));
    }

    @Descriptor("deferred struct page init per node: first_deferred_pfn, pages still deferred, growth events")
    public void deferred() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-5s %-22s %-20s %16s %8s%n", "node",
                "boot first_deferred", "first_deferred_pfn", "still deferred", "grown"));
        List<Object> rows = new ArrayList<>();
        for (NodeInfo n : model.nodes()) {
            long first = n.firstDeferredPfn();
            String f = first == NodeInfo.NO_DEFERRED ? "none" : String.format(Locale.ROOT, "%#x", first);
            String b = n.bootFirstDeferredPfn() == NodeInfo.NO_DEFERRED ? "none"
                    : String.format(Locale.ROOT, "%#x", n.bootFirstDeferredPfn());
            sb.append(String.format(Locale.ROOT, "%-5d %-22s %-20s %16d %8d%n", n.nid(), b, f, n.deferredPages(),
                    n.growEvents()));
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("node", n.nid());
            r.put("boot_first_deferred_pfn", n.bootFirstDeferredPfn() == NodeInfo.NO_DEFERRED ? null : n.bootFirstDeferredPfn());
            r.put("first_deferred_pfn", first == NodeInfo.NO_DEFERRED ? null : first);
            r.put("deferred_pages", n.deferredPages());
            r.put("grow_events", n.growEvents());
            rows.add(r);
        }
        sb.append("variant: ").append(model.deferredInitVariant()).append('\n');
        print(Report.of("deferred", sb.toString(), Map.of("variant", model.deferredInitVariant(), "nodes", rows)));
    }

    // ------------------------------------------------------------------------------------------- memblock

    @Descriptor("print memblock.memory as the debugfs file does (BASE..END inclusive, nid, flags)")
    public void memblock() { memblock("memory"); }

    @Descriptor("memblock: memory | reserved | dump | reset | add BASE SIZE | add-node BASE SIZE NID | reserve BASE SIZE | "
            + "remove BASE SIZE | free BASE SIZE | alloc SIZE [ALIGN] | alloc-nid SIZE ALIGN NID | bottom-up | top-down "
            + "(numbers in hex or decimal with K/M/G suffixes)")
    public void memblock(@Descriptor("what to show or do") String sub,
                         @Descriptor("arguments in the kernel function's order") String... args) {
        Memblock mb = memblockForCommands(sub.equals("reset"));
        String out;
        switch (sub) {
            case "memory" -> out = mb.debugfs(false);
            case "reserved" -> out = mb.debugfs(true);
            case "dump" -> out = mb.dumpAll();
            case "reset" -> out = "memblock reset: empty memory and reserved arrays, top-down\n";
            case "add" -> out = rc("memblock_add", mb.caller("mm_memblock_command").add(n(args, 0, sub), n(args, 1, sub)));
            case "add-node" -> out = rc("memblock_add_node", mb.caller("mm_memblock_command").addNode(n(args, 0, sub),
                    n(args, 1, sub), (int) n(args, 2, sub), 0));
            case "reserve" -> out = rc("memblock_reserve", mb.caller("mm_memblock_command").reserve(n(args, 0, sub), n(args, 1, sub)));
            case "remove" -> out = rc("memblock_remove", mb.caller("mm_memblock_command").remove(n(args, 0, sub), n(args, 1, sub)));
            case "free" -> out = rc("memblock_phys_free", mb.caller("mm_memblock_command").physFree(n(args, 0, sub), n(args, 1, sub)));
            case "alloc" -> out = addr(mb.caller("mm_memblock_command").physAlloc(n(args, 0, sub),
                    args.length > 1 ? n(args, 1, sub) : Mm.PAGE_SIZE));
            case "alloc-nid" -> out = addr(mb.caller("mm_memblock_command").physAllocTryNid(n(args, 0, sub), n(args, 1, sub),
                    (int) n(args, 2, sub)));
            case "bottom-up" -> { mb.setBottomUp(true); out = "memblock: bottom-up allocation\n"; }
            case "top-down" -> { mb.setBottomUp(false); out = "memblock: top-down allocation\n"; }
            default -> throw new IllegalArgumentException("unknown memblock subcommand '" + sub
                    + "' (memory, reserved, dump, reset, add, add-node, reserve, remove, free, alloc, alloc-nid, bottom-up, top-down)");
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

    private static long n(String[] args, int i, String sub) {
        if (args.length <= i) throw new IllegalArgumentException("mm:memblock " + sub + ": missing argument " + (i + 1));
        return number(args[i], "argument " + (i + 1) + " of " + sub);
    }

    static long number(String s, String what) {
        long v = Sizes.parse(s.trim());
        if (v < 0) throw new IllegalArgumentException(what + ": expected a number like 0x1000, 4096 or 4K, got '" + s + "'");
        return v;
    }

}
