package mm.shell.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import mm.core.api.Mm;
import mm.machine.api.BootOptions;
import mm.machine.api.BootWorkload;
import mm.machine.api.E820Range;
import mm.machine.api.HotplugRange;
import mm.machine.api.KernelImage;
import mm.machine.api.LateFree;
import mm.machine.api.Machine;
import mm.machine.api.MachineFormatException;
import mm.machine.api.MachineService.ImportResult;
import mm.machine.api.MachineService;
import mm.machine.api.MemblockOp;
import mm.machine.api.NumaNode;
import mm.machine.api.Reservation;
import mm.shell.api.Help;
import mm.shell.api.Report;
import mm.shell.api.ReportPrinter;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code mm:machine}: show, load or import (from a dmesg) the machine the next boot runs on. */
@Component(service = MachineCommands.class, property = Help.GROUP + "=machine")
@GogoCommand(scope = "mm", function = "machine")
public class MachineCommands {
    static final String USAGE = "expected show, list, load FILE or import-dmesg FILE";
    private final MachineService machines;
    private final ReportPrinter out;

    @Activate
    public MachineCommands(@Reference(name = "machines") MachineService machines, @Reference ReportPrinter out) {
        this.machines = machines;
        this.out = out;
    }

    @Descriptor("show the current machine: e820 map, nodes, distances, reservations, options, workload")
    public void machine() {
        machine("show");
    }

    @Descriptor("show the current machine (show), or list the built-in machines (list); load FILE and"
            + " import-dmesg FILE take a file")
    public void machine(@Descriptor("show | list | load FILE | import-dmesg FILE") String sub) {
        switch (sub) {
            case "show" -> print(show(machines.current()));
            case "list" -> print(list());
            case "load", "import-dmesg" -> throw new IllegalArgumentException("mm:machine " + sub + " needs a FILE");
            default -> throw new IllegalArgumentException("unknown subcommand '" + sub + "' (" + USAGE + ")");
        }
    }

    @Descriptor("load a machine file or a built-in machine by name (load), or import a kernel boot log / dmesg"
            + " (import-dmesg); either becomes the current machine")
    public void machine(@Descriptor("load | import-dmesg (show and list take no FILE)") String sub,
                        @Descriptor("machine file or built-in machine name (load); console log or dmesg file"
                                + " (import-dmesg)") String file) throws MachineFormatException {
        switch (sub) {
            case "load" -> {
                Machine m = machines.load(Path.of(file));
                print(loaded(m));
            }
            case "import-dmesg" -> {
                ImportResult r = machines.importDmesg(Path.of(file));
                machines.setCurrent(r.machine());
                print(imported(r));
            }
            case "show", "list" -> throw new IllegalArgumentException("mm:machine " + sub + " takes no argument");
            default -> throw new IllegalArgumentException("unknown subcommand '" + sub + "' (" + USAGE + ")");
        }
    }

    private void print(Report r) {
        out.print(r);
    }

    // ---------------------------------------------------------------- reports

    private static String kib(long bytes) {
        return (bytes >>> 10) + "K";
    }

    private static String mem(long start, long end) {
        return "[mem " + Mm.hex18(start) + "-" + Mm.hex18(end - 1) + "]";
    }

    private Report list() {
        StringBuilder sb = new StringBuilder("Built-in machines:");
        for (String n : machines.builtinNames()) sb.append(' ').append(n);
        return Report.of("machine-list", sb.toString(),
                map("builtin", machines.builtinNames()));
    }

    public static Report loaded(Machine m) {
        String text = "Machine " + m.name() + " loaded from " + m.source() + ": " + summary(m);
        return Report.of("machine-load", text, data(m));
    }

    static String summary(Machine m) {
        int cpus = m.nodes().stream().mapToInt(NumaNode::cpus).sum();
        return m.nodes().size() + " node(s), " + cpus + " CPU(s), " + (m.usableBytes() >>> 20) + " MiB usable in "
                + m.e820().stream().filter(r -> r.type().isRam()).count() + " e820 range(s)";
    }

    public static Report imported(ImportResult r) {
        Machine m = r.machine();
        StringBuilder sb = new StringBuilder();
        sb.append("Imported machine ").append(m.name()).append(" from ").append(m.source()).append(": ")
                .append(summary(m)).append('\n');
        sb.append("Lines used:");
        r.used().forEach((k, v) -> sb.append(' ').append(k).append(' ').append(v).append(','));
        if (r.used().isEmpty()) sb.append(" none,");
        sb.setLength(sb.length() - 1);
        sb.append("\nLines skipped: ").append(r.skipped());
        Map<String, Object> d = new LinkedHashMap<>();
        Map<String, Object> used = new LinkedHashMap<>();
        r.used().forEach((k, v) -> used.put(k.replace('-', '_'), v));
        d.put("used", used);
        d.put("skipped", r.skipped());
        d.put("machine", data(m));
        return Report.of("machine-import", sb.toString(), d);
    }

    public static Report show(Machine m) {
        StringBuilder sb = new StringBuilder();
        sb.append("Machine ").append(m.name()).append(" (").append(m.source()).append(")\n");
        sb.append("BIOS-provided physical RAM map:\n");
        for (E820Range r : m.e820()) sb.append(r.kernelLine()).append('\n');
        for (NumaNode n : m.nodes()) {
            sb.append("Node ").append(n.id()).append(": cpus ").append(n.cpus());
            if (n.ranges().isEmpty()) sb.append(", memoryless");
            for (long[] r : n.ranges()) sb.append(", ").append(mem(r[0], r[1]));
            sb.append('\n');
        }
        for (HotplugRange h : m.hotplug()) {
            sb.append("Node ").append(h.node()).append(": hotplug ").append(mem(h.start(), h.end()))
                    .append(h.presentAtBoot() ? " present at boot" : " not present at boot").append('\n');
        }
        sb.append("Node distances:").append(m.distance() == null ? " (no SLIT: 10 local, 20 remote)" : "")
                .append('\n');
        sb.append("node ");
        for (NumaNode n : m.nodes()) sb.append(String.format("%4d", n.id()));
        sb.append('\n');
        for (NumaNode a : m.nodes()) {
            sb.append(String.format("%4d:", a.id()));
            for (NumaNode b : m.nodes()) sb.append(String.format("%4d", m.distance(a.id(), b.id())));
            sb.append('\n');
        }
        for (Reservation r : m.reservations()) {
            sb.append("Reserved: ").append(r.name()).append(' ').append(mem(r.base(), r.end())).append(' ')
                    .append(kib(r.size())).append('\n');
        }
        if (!m.memblockOps().isEmpty()) {
            Map<MemblockOp.Kind, Integer> c = new EnumMap<>(MemblockOp.Kind.class);
            for (MemblockOp op : m.memblockOps()) c.merge(op.kind(), 1, Integer::sum);
            sb.append("memblock operations to replay:");
            c.forEach((k, v) -> sb.append(' ').append(k.name().toLowerCase().replace('_', '-')).append(' ').append(v)
                    .append(','));
            sb.setLength(sb.length() - 1);
            sb.append('\n');
        }
        for (LateFree f : m.lateFrees()) {
            sb.append("Late free: ").append(f.name()).append(' ').append(f.kib()).append('K');
            if (f.base() >= 0) sb.append(" at ").append(Mm.hex18(f.base()));
            sb.append('\n');
        }
        KernelImage k = m.kernel();
        sb.append("Kernel image: ").append(k.codeK()).append("K kernel code, ").append(k.rwdataK())
                .append("K rwdata, ").append(k.rodataK()).append("K rodata, ").append(k.initK()).append("K init, ")
                .append(k.bssK()).append("K bss\n");
        mm.machine.api.KernelConfig c = m.config();
        sb.append("Kernel build: ").append(c.version()).append(" preset");
        c.options().forEach((key, v) -> sb.append(", ").append(key).append('=').append(v));
        sb.append(" (auto_online_blocks ").append(c.mhpDefaultOnlineType()).append(", CMA ")
                .append(c.cma() ? "yes" : "no").append(", page_owner ").append(c.pageOwner() ? "built in" : "not built")
                .append(")\n");
        BootOptions o = m.options();
        sb.append("Command line: ").append(cmdline(o)).append('\n');
        sb.append("  deferred_struct_page_init=").append(o.deferredStructPageInit() ? "on" : "off")
                .append(" page_owner=").append(o.pageOwner() ? "on" : "off")
                .append(" early_page_ext=").append(o.earlyPageExt() ? "on" : "off").append('\n');
        BootWorkload w = m.workload();
        sb.append("Workload: seed ").append(w.seed()).append(", ").append(w.callers()).append(" callers, pages early ")
                .append(w.earlyPages()).append(" mid ").append(w.midPages()).append(" late ").append(w.latePages())
                .append(", order weights ").append(weights(w.orderWeights())).append('\n');
        if (!m.timing().isEmpty()) {
            sb.append("Timing:");
            new TreeMap<>(m.timing()).forEach((key, v) -> sb.append(' ').append(key).append('=').append(v));
            sb.append('\n');
        }
        sb.append("Memory: ").append(kib(m.usableBytes())).append(" usable");
        return Report.of("machine", sb.toString(), data(m));
    }

    private static String weights(int[] w) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < w.length; i++) sb.append(i == 0 ? "" : ",").append(w[i]);
        return sb.toString();
    }

    /** The command line as the kernel would print it (known options, then the others sorted by key). */
    static String cmdline(BootOptions o) {
        return o.cmdline();
    }

    /** An insertion-ordered map from key, value pairs (JSON output keeps this order). */
    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    /** The machine as JSON-ready data. */
    static Map<String, Object> data(Machine m) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", m.name());
        d.put("source", m.source());
        List<Object> e820 = new ArrayList<>();
        for (E820Range r : m.e820()) {
            e820.add(map("start", r.start(), "end", r.end(), "type", r.type().kernelText()));
        }
        d.put("e820", e820);
        List<Object> nodes = new ArrayList<>();
        for (NumaNode n : m.nodes()) {
            Map<String, Object> nd = new LinkedHashMap<>();
            nd.put("id", n.id());
            nd.put("cpus", n.cpus());
            List<Object> rs = new ArrayList<>();
            for (long[] r : n.ranges()) rs.add(new long[] {r[0], r[1]});
            nd.put("ranges", rs);
            nodes.add(nd);
        }
        d.put("nodes", nodes);
        List<Object> dist = new ArrayList<>();
        for (NumaNode a : m.nodes()) {
            int[] row = new int[m.nodes().size()];
            int j = 0;
            for (NumaNode b : m.nodes()) row[j++] = m.distance(a.id(), b.id());
            dist.add(row);
        }
        d.put("distance", dist);
        List<Object> hp = new ArrayList<>();
        for (HotplugRange h : m.hotplug()) {
            hp.add(map("start", h.start(), "end", h.end(), "node", h.node(), "present_at_boot", h.presentAtBoot()));
        }
        d.put("hotplug", hp);
        List<Object> res = new ArrayList<>();
        for (Reservation r : m.reservations()) res.add(map("name", r.name(), "base", r.base(), "size", r.size()));
        d.put("reservations", res);
        List<Object> lf = new ArrayList<>();
        for (LateFree f : m.lateFrees()) lf.add(map("name", f.name(), "kib", f.kib(), "base", f.base()));
        d.put("late_frees", lf);
        KernelImage k = m.kernel();
        d.put("kernel", map("code_kib", k.codeK(), "rwdata_kib", k.rwdataK(), "rodata_kib", k.rodataK(),
                "init_kib", k.initK(), "bss_kib", k.bssK()));
        d.put("config", map("version", m.config().version(), "options", m.config().options(),
                "mhp_default_online_type", m.config().mhpDefaultOnlineType(), "cma", m.config().cma(),
                "page_owner", m.config().pageOwner(), "deferred_struct_page_init", m.config().deferredStructPageInit()));
        BootOptions o = m.options();
        Map<String, Object> od = new LinkedHashMap<>();
        od.put("cmdline", cmdline(o));
        od.put("deferred_struct_page_init", o.deferredStructPageInit());
        od.put("page_owner", o.pageOwner());
        od.put("early_page_ext", o.earlyPageExt());
        od.put("movablecore_bytes", o.movablecoreBytes());
        od.put("movablecore_percent", o.movablecorePercent());
        od.put("kernelcore_bytes", o.kernelcoreBytes());
        od.put("kernelcore_percent", o.kernelcorePercent());
        od.put("mem_limit", o.memLimit());
        od.put("memblock_debug", o.memblockDebug());
        od.put("movable_node", o.movableNode());
        od.put("extra", new TreeMap<>(o.extra()));
        d.put("options", od);
        BootWorkload w = m.workload();
        d.put("workload", map("seed", w.seed(), "callers", w.callers(), "early_pages", w.earlyPages(), "mid_pages",
                w.midPages(), "late_pages", w.latePages(), "order_weights", w.orderWeights()));
        d.put("timing", new TreeMap<>(m.timing()));
        Map<String, Integer> ops = new LinkedHashMap<>();
        for (MemblockOp op : m.memblockOps()) ops.merge(op.kind().name().toLowerCase(), 1, Integer::sum);
        d.put("memblock_ops", ops);
        d.put("usable_bytes", m.usableBytes());
        return d;
    }
}
