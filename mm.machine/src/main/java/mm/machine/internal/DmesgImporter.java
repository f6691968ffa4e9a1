package mm.machine.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mm.machine.api.BootOptions;
import mm.machine.api.BootWorkload;
import mm.machine.api.E820Range;
import mm.machine.api.E820Type;
import mm.machine.api.HotplugRange;
import mm.machine.api.KernelConfig;
import mm.machine.api.KernelImage;
import mm.machine.api.LateFree;
import mm.machine.api.Machine;
import mm.machine.api.MachineFormatException;
import mm.machine.api.MachineService.ImportResult;
import mm.machine.api.MemblockOp;
import mm.machine.api.NumaNode;
import mm.machine.api.Reservation;
import mm.machine.api.Sizes;

/**
 * Builds a {@link Machine} from a real kernel's console log or dmesg (docs/machine-format.md, "Importing a dmesg").
 * Lines it does not understand are skipped and counted; the result says how many lines of each kind were used.
 */
final class DmesgImporter {
    // Kinds of lines, as reported in ImportResult.used (in this order).
    static final String E820 = "e820", NUMA = "numa", CPUS = "cpus", CMDLINE = "cmdline", KERNEL = "kernel-image", VERSION = "version", CMA = "cma", WORKLOAD = "workload-calibration",
            INITRD = "initrd", LATE_FREE = "late-free", DUMP = "memblock-dump",
            DUMP_RESERVED = "memblock-dump-reserved", OP = "memblock-op", ALLOC = "memblock-alloc";

    private static final String HEX = "(0x[0-9a-fA-F]+)";
    private static final Pattern ANSI =
            Pattern.compile("\u001B(\\[[0-?]*[ -/]*[@-~]|\\][^\u0007\u001B]*(\u0007|\u001B\\\\)?|[@-Z\\\\-_])");
    private static final Pattern CONTROL = Pattern.compile("[\\x00-\\x08\\x0B-\\x1F\\x7F]");
    private static final Pattern STAMP = Pattern.compile("^.*?\\[\\s*[0-9]+\\.[0-9]+\\] ?");
    private static final Pattern STAMP_T = Pattern.compile("^\\[[A-Z][a-z]{2} [^\\]]*[0-9]{4}\\] ?");
    private static final Pattern SYSLOG = Pattern.compile("^[A-Z][a-z]{2} [ 0-9][0-9] [0-9:]{8} \\S+ kernel: ");
    private static final Pattern MARKER = Pattern.compile("^@@@(BEGIN|END)? ?.*@@@$");

    private static final Pattern P_E820 = Pattern.compile("^BIOS-e820: \\[mem " + HEX + "-" + HEX + "\\] (.+)$");
    private static final Pattern P_CMDLINE = Pattern.compile("^(?:Kernel )?[Cc]ommand line: ?(.*)$");
    private static final Pattern P_SRAT = Pattern.compile(
            "^ACPI: SRAT: Node ([0-9]+) PXM ([0-9]+) \\[mem " + HEX + "-" + HEX + "\\](.*)$");
    private static final Pattern P_SRAT_CPU =
            Pattern.compile("^(?:ACPI: )?SRAT: PXM ([0-9]+) -> (?:X2)?APIC 0x[0-9a-fA-F]+ -> Node ([0-9]+)");
    private static final Pattern P_NUMA_MERGE =
            Pattern.compile("^NUMA: Node ([0-9]+) \\[mem .*-> \\[mem " + HEX + "-" + HEX + "\\]$");
    private static final Pattern P_INITMEM =
            Pattern.compile("^Initmem setup node ([0-9]+) \\[mem " + HEX + "-" + HEX + "\\]$");
    private static final Pattern P_MEMORYLESS =
            Pattern.compile("^(?:Initmem setup|Initializing) node ([0-9]+) as memoryless$");
    private static final Pattern P_FAKE = Pattern.compile("^Faking a node at \\[mem " + HEX + "-" + HEX + "\\]$");
    private static final Pattern P_BROUGHT = Pattern.compile("^smp: Brought up ([0-9]+) nodes?, ([0-9]+) CPUs?$");
    private static final Pattern P_ALLOWING = Pattern.compile("Allowing ([0-9]+) (?:present )?CPUs");
    private static final Pattern P_TOPO = Pattern.compile("^CPU topo: (.*?):\\s*([0-9]+)$");
    private static final Pattern P_NODE_CPUS = Pattern.compile("^\\.\\.\\.\\. node\\s+#([0-9]+), CPUs:(.*)$");
    private static final Pattern P_MEMORY = Pattern.compile("^Memory: ([0-9]+)K/([0-9]+)K available \\(([0-9]+)K kernel "
            + "code, ([0-9]+)K rwdata, ([0-9]+)K rodata, ([0-9]+)K init, ([0-9]+)K bss, ([0-9]+)K reserved(?:, ([0-9]+)K cma-reserved)?");
    /** cma_declare_contiguous_nid's line: the kernel was built with CMA (CONFIG_DMA_CMA). */
    private static final Pattern P_CMA = Pattern.compile("^cma: Reserved [0-9]+ MiB at 0x[0-9a-f]+( on node -?[0-9]+)?$");
    private static final Pattern P_PAGE_EXT = Pattern.compile("^allocated ([0-9]+) bytes of page_ext$");
    private static final Pattern P_EARLY_FOUND =
            Pattern.compile("^Node ([0-9]+), zone\\s+(\\S+): page owner found early allocated ([0-9]+) pages$");
    /**
     * Share of the boot allocations made before page_alloc_init_late that happen before the early page_ext point
     * (mm_core_init): 90 of 1012 pages in the two reference 6.12 boots of qemu-2g (early_page_ext vs late).
     */
    static final double EARLY_WINDOW_SHARE = 90.0 / 1012.0;
    private static final Pattern P_RAMDISK = Pattern.compile("^RAMDISK: \\[mem " + HEX + "-" + HEX + "\\]$");
    private static final Pattern P_FREEING = Pattern.compile("^Freeing (.+) memory: ([0-9]+)K$");
    private static final Pattern P_DUMP_HEAD = Pattern.compile("^MEMBLOCK configuration:$");
    private static final Pattern P_DUMP_LINE = Pattern.compile(
            "^\\s*(memory size = .*|(memory|reserved|physmem)\\.cnt\\s*=.*)$");
    private static final Pattern P_DUMP_REGION = Pattern.compile("^\\s*(memory|reserved|physmem)\\[0x[0-9a-f]+\\]\\s+\\["
            + HEX + "-" + HEX + "\\], " + HEX + " bytes( on node ([0-9]+))? flags: .*$");
    private static final Pattern P_OP = Pattern.compile(
            "^(memblock_reserve|memblock_phys_free|memblock_free|memblock_add|memblock_remove): \\[" + HEX + "-" + HEX
                    + "\\] (\\S+).*$");
    private static final Pattern P_OP_NODE = Pattern.compile(
            "^memblock_add_node: \\[" + HEX + "-" + HEX + "\\] nid=(-?[0-9]+) flags=\\S+ (\\S+).*$");
    private static final Pattern P_ALLOC = Pattern.compile("^memblock_\\w*alloc\\w*: [0-9]+ bytes .*$");
    /** memblock_alloc_*'s debug line: size, alignment, nid (not for memblock_phys_alloc_range), bounds, caller. */
    private static final Pattern P_ALLOC_FIELDS = Pattern.compile("^(memblock_\\w*alloc\\w*): ([0-9]+) bytes align="
            + HEX + "(?: nid=(-?[0-9]+))? from=" + HEX + " max_addr=" + HEX + " (\\S+)$");
    private static final Pattern P_NODE_DATA = Pattern.compile("^NODE_DATA\\(([0-9]+)\\) allocated \\[mem " + HEX + "-"
            + HEX + "\\]$");

    private final String file;
    private final String name;
    private final Map<String, Integer> used = new LinkedHashMap<>();
    private int skipped;
    private int lineNo;

    private final List<E820Range> e820 = new ArrayList<>();
    private final List<Integer> e820Lines = new ArrayList<>();
    // where each fact of the machine came from, to name the log's line when the facts contradict each other
    private String[] logLines = new String[0];
    private final Map<Integer, Integer> nodeLines = new HashMap<>();
    private final Map<Long, Integer> hotplugLines = new HashMap<>();
    private final List<Integer> opLines = new ArrayList<>(), dumpReservedLines = new ArrayList<>(),
            lateFreeLines = new ArrayList<>();
    private int cmdlineLine, kernelLine, ramdiskLine, cpusLine;
    private boolean e820Open;
    private String cmdline;
    private final Map<Integer, List<long[]>> srat = new TreeMap<>();
    private final List<long[]> sratHotplug = new ArrayList<>(); // {start, end, node}
    private final Map<Integer, Integer> sratCpus = new TreeMap<>();
    private final Map<Integer, List<long[]>> numaMerged = new TreeMap<>();
    private final Map<Integer, List<long[]>> initmem = new TreeMap<>();
    private final TreeSet<Integer> memoryless = new TreeSet<>();
    private long[] fake;
    private int brought = -1, allowing = -1, topoPackages = -1, topoThreads = -1;
    private final Map<Integer, Integer> secondaryCpus = new TreeMap<>();
    private KernelImage kernel;
    private long ramdiskStart = -1, ramdiskEnd;
    private final List<LateFree> lateFrees = new ArrayList<>();
    private int dumps;
    private boolean inDump;
    private final List<MemblockOp> dumpReserved = new ArrayList<>();
    private final List<MemblockOp> ops = new ArrayList<>();
    private int pendingLines; // memblock lines before the first dump (contained in it, so skipped if a dump follows)
    private int pendingAllocs;
    /** A logged memblock_alloc* call waiting for the reservation line that says where it went. */
    private Matcher pendingAlloc;
    private boolean numaInitMarked;
    /** How many of {@link #ops} were logged before the first dump (they come before its reserved regions). */
    private int earlyOps;
    /** The log line of each replayed memblock operation, in replay order (0: none). */
    private final List<Integer> replayLines = new ArrayList<>();
    private boolean linuxVersionSeen;
    private long memLineAllocated = -1, pageExtBytes = -1, earlyFound = -1;
    /** The kernel release of the Linux version line (null: none), and where the log printed its Memory: line. */
    private String release;
    private int memoryLineNo;
    /** The log shows a CMA area (its cma: line, or cma-reserved in the Memory: line): the build has CONFIG_CMA. */
    private boolean cmaSeen;
    private boolean memoryLineBeforeDeferred;
    private static final Pattern P_VERSION = Pattern.compile("^Linux version (\\S+)");
    private static final Pattern P_DEFERRED = Pattern.compile("^node [0-9]+ deferred pages initialised in [0-9]+ms$");

    private DmesgImporter(String file) {
        this.file = file;
        this.name = MachineParser.defaultName(file);
    }

    /**
     * The boot workload volume calibrated from what the log says (docs/machine-format.md): the pages page_owner's
     * early scan found minus page_ext's own storage, or else the pages not free at the Memory: line; split between
     * the early and mid windows (EARLY_WINDOW_SHARE, or exactly when the log is an early_page_ext boot).
     */
    private BootWorkload calibratedWorkload(BootOptions o, KernelConfig config) {
        BootWorkload d = BootWorkload.defaults();
        // printed right after memblock_free_all (6.1's mm_init, and any log that prints it before deferred init):
        // the pages not free then are the ones still deferred, not boot allocations, so the line calibrates nothing
        if (memoryLineBeforeDeferred || config.memoryLineBeforeDeferredInit()) memLineAllocated = -1;
        long pageExtPages = pageExtBytes > 0 ? pageExtBytes / 4096 : 0;
        long early, mid;
        if (earlyFound >= 0 && pageExtBytes > 0 && o.earlyPageExt()) {
            early = Math.max(0, earlyFound - pageExtPages);
            mid = memLineAllocated >= 0 ? Math.max(0, memLineAllocated - pageExtPages - early) : d.midPages();
        } else if (earlyFound >= 0 && pageExtBytes > 0) {
            long pre = Math.max(0, earlyFound - pageExtPages);
            early = Math.round(pre * EARLY_WINDOW_SHARE);
            // the Memory: line (6.12: after deferred init, before page_ext_init) says what was out of the buddy
            // there, per-cpu lists included; the scan later also counts what came after it (page_owner's first
            // stack depot pools, buffer_init...), so the line's figure is the volume when it is the smaller one
            if (memLineAllocated >= early && memLineAllocated <= pre) pre = memLineAllocated;
            mid = pre - early;
        } else if (memLineAllocated >= 0) {
            early = Math.round(memLineAllocated * EARLY_WINDOW_SHARE);
            mid = memLineAllocated - early;
        } else return d;
        return new BootWorkload(d.seed(), d.callers(), early, mid, d.latePages(), d.orderWeights());
    }

    static ImportResult importText(String file, String text) throws MachineFormatException {
        return new DmesgImporter(file).run(text);
    }

    private void use(String kind) { used.merge(kind, 1, Integer::sum); }

    /** A node id read on the current line (its first mention is where the node comes from). */
    private int node(String id) {
        int n = Integer.parseInt(id);
        nodeLines.putIfAbsent(n, lineNo);
        return n;
    }

    /** The kernel message of a console/dmesg line: escapes, the timestamp and syslog prefixes removed. */
    static String message(String raw) {
        String s = ANSI.matcher(raw).replaceAll("");
        s = CONTROL.matcher(s).replaceAll("");
        Matcher m = SYSLOG.matcher(s);
        if (m.find()) s = s.substring(m.end());
        m = STAMP.matcher(s);
        if (m.find()) return s.substring(m.end());
        m = STAMP_T.matcher(s);
        if (m.find()) return s.substring(m.end());
        return s;
    }

    private ImportResult run(String text) throws MachineFormatException {
        String[] lines = text.split("\r\n|\r|\n", -1);
        logLines = lines;
        boolean inBlock = false;
        boolean stopped = false;
        for (int i = 0; i < lines.length; i++) {
            lineNo = i + 1;
            String raw = lines[i];
            if (raw.isBlank()) continue;
            String stripped = CONTROL.matcher(ANSI.matcher(raw).replaceAll("")).replaceAll("").trim();
            if (stopped) {
                skipped++;
                continue;
            }
            Matcher mk = MARKER.matcher(stripped);
            if (mk.matches()) {
                // sections a test harness appended to the console (@@@BEGIN name@@@ ... @@@END name@@@)
                if ("BEGIN".equals(mk.group(1))) inBlock = true;
                else if ("END".equals(mk.group(1))) inBlock = false;
                skipped++;
                continue;
            }
            if (inBlock) {
                skipped++;
                continue;
            }
            String msg = message(raw);
            if (msg.startsWith("Linux version ")) {
                Matcher v = P_VERSION.matcher(msg);
                if (!linuxVersionSeen && v.find() && KernelConfig.presetFor(v.group(1)) != null) {
                    // the kernel's version chooses its build preset and how its version-dependent lines read
                    release = v.group(1);
                    linuxVersionSeen = true;
                    use(VERSION);
                    continue;
                }
                if (linuxVersionSeen) {
                    stopped = true; // a second boot in the same log: only the first one is imported
                    skipped++;
                    continue;
                }
                linuxVersionSeen = true;
            }
            int r;
            try {
                r = line(msg);
            } catch (NumberFormatException | ArithmeticException | IndexOutOfBoundsException e) {
                // a number too big for what the kernel prints there, or a field cut short
                String shown = stripped.length() > 80 ? stripped.substring(0, 77) + "..." : stripped;
                throw new MachineFormatException(file, lineNo, 1, "cannot read '" + shown + "': a number in it is"
                        + " out of range or the line is cut short");
            }
            if (r < 0) {
                stopped = true;
                skipped++;
            } else if (r == 0) {
                skipped++;
            }
        }
        lineNo = lines.length;
        return build();
    }

    /** 1 if used, 0 if skipped, -1 if the log restarts here (a second boot). */
    private int line(String msg) throws MachineFormatException {
        String m = msg.trim();
        Matcher x;

        if (inDump) {
            if (P_DUMP_LINE.matcher(msg).matches()) return dumpLine(null);
            x = P_DUMP_REGION.matcher(msg);
            if (x.matches()) return dumpLine(x);
            inDump = false;
        }

        if ((x = P_E820.matcher(m)).matches()) {
            if (!e820Open && !e820.isEmpty()) return -1;
            e820Open = true;
            E820Type type = e820Type(x.group(3).trim());
            long s = parseHex(x.group(1)), e = parseHex(x.group(2)) + 1;
            if (type == null || e <= s) return 0;
            for (int i = 0; i < e820.size(); i++) {
                E820Range o = e820.get(i);
                if (s < o.end() && o.start() < e) {
                    throw new MachineFormatException(file, lineNo, 1, "BIOS-e820 range " + Sizes.range(s, e)
                            + " overlaps " + Sizes.range(o.start(), o.end()) + " (line " + e820Lines.get(i) + ")");
                }
            }
            e820.add(new E820Range(s, e, type));
            e820Lines.add(lineNo);
            use(E820);
            return 1;
        }
        e820Open = false;

        if ((x = P_OP.matcher(m)).matches()) {
            Matcher a = pendingAlloc;
            pendingAlloc = null;
            if (a != null && x.group(1).equals("memblock_reserve") && x.group(4).startsWith("memblock_alloc_range_nid+")) {
                // the allocation's own reservation: the alloc op replays both lines
                long base = parseHex(x.group(2)), size = Long.parseLong(a.group(2));
                int nid = a.group(4) == null ? -1 : Integer.parseInt(a.group(4));
                ops.add(MemblockOp.alloc(a.group(1), base, size, parseHex(a.group(3)), nid, parseHex(a.group(5)),
                        parseHex(a.group(6)), a.group(7)));
                opLines.add(lineNo);
                if (dumps == 0) pendingLines++;
                else use(OP);
                return 1;
            }
            MemblockOp.Kind k = switch (x.group(1)) {
                case "memblock_reserve" -> MemblockOp.Kind.RESERVE;
                case "memblock_add" -> MemblockOp.Kind.ADD;
                case "memblock_remove" -> MemblockOp.Kind.REMOVE;
                default -> MemblockOp.Kind.FREE;
            };
            return op(k, x.group(2), x.group(3), -1, x.group(4));
        }
        if ((x = P_OP_NODE.matcher(m)).matches()) {
            int nid = x.group(3).equals("-1") ? -1 : node(x.group(3));
            return op(MemblockOp.Kind.ADD, x.group(1), x.group(2), nid, x.group(4));
        }
        if ((x = P_NODE_DATA.matcher(m)).matches()) {
            // numa_init ran just before alloc_node_data reserved this: the reservations before it got node ids
            long s = parseHex(x.group(2));
            for (int i = ops.size() - 1; i >= earlyOps && !numaInitMarked && dumps > 0; i--) {
                MemblockOp o = ops.get(i);
                if (o.kind() == MemblockOp.Kind.RESERVE && o.base() == s) {
                    ops.add(i, MemblockOp.point(MemblockOp.Kind.NUMA_INIT));
                    opLines.add(i, lineNo);
                    numaInitMarked = true;
                    break;
                }
            }
            return 0; // the line itself is not a fact of the machine
        }
        if (P_ALLOC.matcher(m).matches()) {
            Matcher a = P_ALLOC_FIELDS.matcher(m);
            pendingAlloc = a.matches() ? a : null;
            if (dumps == 0) {
                pendingLines++;
                pendingAllocs++;
            } else {
                use(ALLOC);
            }
            return 1;
        }
        if (P_DUMP_HEAD.matcher(m).matches()) {
            dumps++;
            inDump = true;
            if (dumps == 1) {
                use(DUMP);
                // the reservations logged so far are all in this dump; they are kept (replayed before the e820
                // memory is added, as the kernel logged them), the memory adds are e820__memblock_setup's own
                for (int i = ops.size() - 1; i >= 0; i--) {
                    if (ops.get(i).kind() != MemblockOp.Kind.RESERVE) {
                        ops.remove(i);
                        opLines.remove(i);
                        skipped++;
                    } else use(OP);
                }
                skipped += pendingAllocs;
                pendingLines = 0;
                pendingAllocs = 0;
                earlyOps = ops.size();
                return 1;
            }
            // a later dump: its place is kept (the replay prints the dump there); its lines are the state's own
            ops.add(MemblockOp.point(MemblockOp.Kind.DUMP));
            opLines.add(lineNo);
            return 0;
        }
        if ((x = P_CMDLINE.matcher(m)).matches()) {
            if (cmdline == null) {
                cmdline = x.group(1);
                cmdlineLine = lineNo;
            }
            use(CMDLINE);
            return 1;
        }
        if ((x = P_SRAT.matcher(m)).matches()) {
            int node = node(x.group(1));
            long s = parseHex(x.group(3)), e = parseHex(x.group(4)) + 1;
            if (e <= s) return 0;
            if (x.group(5).contains("hotplug")) hotplugLines.putIfAbsent(s, lineNo);
            srat.computeIfAbsent(node, k -> new ArrayList<>()).add(new long[] {s, e});
            // the same hotplug affinity printed twice describes one range
            if (x.group(5).contains("hotplug")
                    && sratHotplug.stream().noneMatch(h -> h[0] == s && h[1] == e && h[2] == node)) {
                sratHotplug.add(new long[] {s, e, node});
            }
            use(NUMA);
            return 1;
        }
        if ((x = P_SRAT_CPU.matcher(m)).find()) {
            sratCpus.merge(node(x.group(2)), 1, Integer::sum);
            use(CPUS);
            return 1;
        }
        if ((x = P_NUMA_MERGE.matcher(m)).matches()) {
            long s = parseHex(x.group(2)), e = parseHex(x.group(3)) + 1;
            if (e <= s) return 0;
            numaMerged.computeIfAbsent(node(x.group(1)), k -> new ArrayList<>()).add(new long[] {s, e});
            use(NUMA);
            return 1;
        }
        if ((x = P_INITMEM.matcher(m)).matches()) {
            long s = parseHex(x.group(2)), e = parseHex(x.group(3)) + 1;
            if (e <= s) return 0;
            initmem.computeIfAbsent(node(x.group(1)), k -> new ArrayList<>()).add(new long[] {s, e});
            use(NUMA);
            return 1;
        }
        if ((x = P_MEMORYLESS.matcher(m)).matches()) {
            memoryless.add(node(x.group(1)));
            use(NUMA);
            return 1;
        }
        if (m.equals("No NUMA configuration found")) {
            use(NUMA);
            return 1;
        }
        if ((x = P_FAKE.matcher(m)).matches()) {
            long s = parseHex(x.group(1)), e = parseHex(x.group(2)) + 1;
            if (e <= s) return 0;
            fake = new long[] {s, e};
            use(NUMA);
            return 1;
        }
        if ((x = P_BROUGHT.matcher(m)).matches()) {
            brought = Integer.parseInt(x.group(2));
            cpusLine = lineNo;
            use(CPUS);
            return 1;
        }
        if ((x = P_TOPO.matcher(m)).matches()) {
            if (x.group(1).equals("Max. logical packages")) topoPackages = Integer.parseInt(x.group(2));
            if (x.group(1).equals("Num. threads per package")) topoThreads = Integer.parseInt(x.group(2));
            if (cpusLine == 0) cpusLine = lineNo;
            use(CPUS);
            return 1;
        }
        if ((x = P_ALLOWING.matcher(m)).find()) {
            allowing = Integer.parseInt(x.group(1));
            if (brought < 0) cpusLine = lineNo;
            use(CPUS);
            return 1;
        }
        if ((x = P_NODE_CPUS.matcher(m)).matches()) {
            int count = 0;
            for (Matcher c = Pattern.compile("#[0-9]+").matcher(x.group(2)); c.find(); ) count++;
            secondaryCpus.merge(node(x.group(1)), count, Integer::sum);
            use(CPUS);
            return 1;
        }
        if (P_CMA.matcher(m).matches()) {
            cmaSeen = true;
            use(CMA);
            return 1;
        }
        if (P_DEFERRED.matcher(m).matches()) {
            if (memoryLineNo > 0) memoryLineBeforeDeferred = true;
            use(WORKLOAD);
            return 1;
        }
        if ((x = P_MEMORY.matcher(m)).find()) {
            // a deferred-init line follows it when the kernel prints it before deferred init (6.1)
            memoryLineBeforeDeferred = false;
            kernel = new KernelImage(Long.parseLong(x.group(3)), Long.parseLong(x.group(4)),
                    Long.parseLong(x.group(5)), Long.parseLong(x.group(6)), Long.parseLong(x.group(7)));
            // pages not free when the Memory: line was printed: physpages - reserved - available
            memLineAllocated = (Long.parseLong(x.group(2)) - Long.parseLong(x.group(8)) - Long.parseLong(x.group(1))) / 4;
            memoryLineNo = lineNo;
            if (x.group(9) != null && Long.parseLong(x.group(9)) > 0) cmaSeen = true;
            kernelLine = lineNo;
            use(KERNEL);
            return 1;
        }
        if ((x = P_PAGE_EXT.matcher(m)).matches()) {
            pageExtBytes = Long.parseLong(x.group(1));
            use(WORKLOAD);
            return 1;
        }
        if ((x = P_EARLY_FOUND.matcher(m)).matches()) {
            earlyFound = Math.max(0, earlyFound) + Long.parseLong(x.group(3));
            use(WORKLOAD);
            return 1;
        }
        if ((x = P_RAMDISK.matcher(m)).matches()) {
            long s = parseHex(x.group(1)), e = parseHex(x.group(2)) + 1;
            if (e <= s) return 0;
            ramdiskStart = s;
            ramdiskEnd = e;
            ramdiskLine = lineNo;
            use(INITRD);
            return 1;
        }
        if ((x = P_FREEING.matcher(m)).matches()) {
            String what = x.group(1);
            long kib = Long.parseLong(x.group(2));
            String n;
            long base = -1;
            if (what.equals("initrd")) {
                n = "initrd";
                base = ramdiskStart;
            } else if (what.equals("unused kernel") || what.equals("unused kernel image")) {
                n = "initmem";
            } else if (what.startsWith("unused kernel image (") && what.endsWith(")")) {
                n = slug(what.substring("unused kernel image (".length(), what.length() - 1));
            } else if (what.equals("SMP alternatives")) {
                n = "smp-alternatives";
            } else if (what.startsWith("unused ")) {
                n = slug(what.substring("unused ".length()));
            } else {
                n = slug(what);
            }
            lateFrees.add(new LateFree(n, kib, base));
            lateFreeLines.add(lineNo);
            use(LATE_FREE);
            return 1;
        }
        return 0;
    }

    private int dumpLine(Matcher region) {
        if (dumps != 1) return 0; // later dumps are skipped
        if (region != null && region.group(1).equals("reserved")) {
            long s = parseHex(region.group(2));
            long size = parseHex(region.group(4));
            int nid = region.group(6) != null ? Integer.parseInt(region.group(6)) : -1;
            dumpReserved.add(new MemblockOp(MemblockOp.Kind.DUMP_RESERVED, s, size, nid, ""));
            dumpReservedLines.add(lineNo);
            if (nid >= 0) nodeLines.putIfAbsent(nid, lineNo);
            use(DUMP_RESERVED);
        } else {
            use(DUMP);
        }
        return 1;
    }

    private int op(MemblockOp.Kind k, String a, String b, int nid, String caller) {
        long s = parseHex(a), last = parseHex(b);
        long size = last - s + 1;
        if (size < 0) return 0;
        ops.add(new MemblockOp(k, s, size, nid, caller));
        opLines.add(lineNo);
        if (dumps == 0) pendingLines++;
        else use(OP);
        return 1;
    }

    static String slug(String s) {
        String r = s.toLowerCase().replaceAll("[^a-z0-9_.+]+", "-").replaceAll("^-+|-+$", "");
        return r.isEmpty() ? "memory" : r;
    }

    private static long parseHex(String s) {
        return Long.parseUnsignedLong(s.substring(2), 16);
    }

    static E820Type e820Type(String kernelText) {
        for (E820Type t : E820Type.values()) if (t.kernelText().equals(kernelText)) return t;
        return null;
    }

    // ---------------------------------------------------------------- building the machine

    private ImportResult build() throws MachineFormatException {
        if (e820.isEmpty() || e820.stream().noneMatch(r -> r.type().isRam())) {
            throw new MachineFormatException(file, Math.max(lineNo, 1), 1,
                    "expected 'BIOS-e820: [mem ...] usable' lines of a kernel boot log or dmesg, found none");
        }
        if (dumps == 0 && pendingLines > 0) {
            // no dump: the memblock lines logged from the start are the whole story
            used.merge(OP, ops.size(), Integer::sum);
            if (pendingAllocs > 0) used.merge(ALLOC, pendingAllocs, Integer::sum);
        }
        List<E820Range> map = new ArrayList<>(e820);
        map.sort(Comparator.comparingLong(E820Range::start));

        // node memory: the best source present
        Map<Integer, List<long[]>> source = !srat.isEmpty() ? srat : !numaMerged.isEmpty() ? numaMerged
                : !initmem.isEmpty() ? initmem : fake != null ? Map.of(0, List.of(fake)) : Map.of();
        TreeSet<Integer> ids = new TreeSet<>(source.keySet());
        ids.addAll(memoryless);
        ids.addAll(sratCpus.keySet());
        if (ids.isEmpty()) ids.add(0);
        Map<Integer, List<long[]>> pieces = new TreeMap<>();
        for (int id : ids) pieces.put(id, new ArrayList<>());
        assign(map, source, ids, pieces);

        // CPUs
        int total = brought > 0 ? brought : allowing > 0 ? allowing
                : topoPackages > 0 && topoThreads > 0 ? topoPackages * topoThreads : -1;
        Map<Integer, Integer> perNode = new TreeMap<>();
        if (!sratCpus.isEmpty() && (total < 0 || sum(sratCpus) == total)) {
            perNode.putAll(sratCpus);
        } else if (!secondaryCpus.isEmpty()) {
            Map<Integer, Integer> c = new TreeMap<>(secondaryCpus);
            c.merge(ids.first(), 1, Integer::sum); // the boot CPU is not listed
            if (total < 0 || sum(c) == total) perNode.putAll(c);
        }
        if (perNode.isEmpty() || !ids.containsAll(perNode.keySet())) {
            perNode.clear();
            int t = total > 0 ? total : 1;
            int n = ids.size(), i = 0;
            for (int id : ids) perNode.put(id, t / n + (i++ < t % n ? 1 : 0));
        }

        List<NumaNode> nodes = new ArrayList<>();
        for (int id : ids) nodes.add(new NumaNode(id, perNode.getOrDefault(id, 0), pieces.get(id)));

        // hotplug ranges from SRAT: the usable part is present at boot, the rest is not
        List<HotplugRange> hotplug = new ArrayList<>();
        for (long[] h : sratHotplug) {
            long pos = h[0];
            for (E820Range r : map) {
                if (!r.type().isRam() || r.end() <= h[0] || r.start() >= h[1]) continue;
                long s = Math.max(r.start(), h[0]), e = Math.min(r.end(), h[1]);
                if (s > pos) hotplug.add(new HotplugRange(pos, s, (int) h[2], false));
                hotplug.add(new HotplugRange(s, e, (int) h[2], true));
                pos = e;
            }
            if (pos < h[1]) hotplug.add(new HotplugRange(pos, h[1], (int) h[2], false));
        }
        hotplug.sort(Comparator.comparingLong(HotplugRange::start));

        List<Reservation> reservations = new ArrayList<>();
        if (ramdiskStart >= 0) reservations.add(new Reservation("initrd", ramdiskStart, ramdiskEnd - ramdiskStart));

        BootOptionParser opts = new BootOptionParser();
        if (cmdline != null) {
            for (String tok : cmdline.trim().split("\\s+")) {
                if (tok.isEmpty() || tok.indexOf('#') >= 0 || tok.indexOf('"') >= 0) continue;
                try {
                    opts.apply(tok);
                } catch (BootOptionParser.OptionException e) {
                    // a value mmkit cannot represent (page_owner=yes, movablecore=150%...) is left out
                }
            }
        }

        // replay order: what was logged before the first dump, the dump's other reservations (made before logging
        // began), the dump itself, then the rest with the later dumps where the kernel printed them
        List<MemblockOp> memblockOps = new ArrayList<>(ops.subList(0, earlyOps));
        memblockOps.addAll(dumpReserved);
        if (dumps > 0) memblockOps.add(MemblockOp.point(MemblockOp.Kind.DUMP));
        memblockOps.addAll(ops.subList(earlyOps, ops.size()));
        replayLines.addAll(opLines.subList(0, earlyOps));
        replayLines.addAll(dumpReservedLines);
        if (dumps > 0) replayLines.add(0);
        replayLines.addAll(opLines.subList(earlyOps, opLines.size()));

        // the kernel's build: the preset of its version (the reference 6.12 build when the log does not say)
        KernelConfig config = KernelConfig.preset(release == null ? "6.12" : KernelConfig.presetFor(release));
        if (cmaSeen) config = config.with("CONFIG_CMA", "y");
        Machine m = new Machine(name, file, nodes, null, map, hotplug, reservations, memblockOps, lateFrees,
                opts.build(), calibratedWorkload(opts.build(), config), kernel != null ? kernel : KernelImage.defaults(),
                Map.of(), config);
        // what we import must be a valid machine file
        String rendered = MachineRenderer.render(m);
        try {
            MachineParser.parse(file, rendered);
        } catch (MachineFormatException e) {
            // the log's facts contradict each other (overlapping SRAT ranges, a node id out of range...): name the
            // log's line the contradicting fact came from, never a line of the rendered text
            throw contradiction(e, rendered.split("\n", -1), m);
        }
        Map<String, Integer> u = new LinkedHashMap<>();
        for (String k : List.of(VERSION, E820, NUMA, CPUS, CMDLINE, CMA, KERNEL, INITRD, LATE_FREE, WORKLOAD, DUMP, DUMP_RESERVED, OP, ALLOC)) {
            if (used.containsKey(k)) u.put(k, used.get(k));
        }
        return new ImportResult(m, u, skipped);
    }

    private static final Pattern LINE_REF = Pattern.compile("(line )([0-9]+)");

    private MachineFormatException contradiction(MachineFormatException e, String[] rendered, Machine m) {
        String why = e.getMessage().substring(e.getMessage().indexOf(": ", e.getMessage().indexOf(':') + 1) + 2);
        // "(line N)" in the reason names a rendered line too
        Matcher ref = LINE_REF.matcher(why);
        StringBuilder sb = new StringBuilder();
        while (ref.find()) {
            int src = sourceLine(rendered, Integer.parseInt(ref.group(2)), 1, m);
            ref.appendReplacement(sb, src > 0 ? "line " + src : "the log");
        }
        ref.appendTail(sb);
        int src = sourceLine(rendered, e.line(), e.column(), m);
        int line = src > 0 ? src : Math.max(lineNo, 1), col = 1;
        if (src > 0 && e.line() >= 1 && e.line() <= rendered.length) {
            String tok = tokenAt(rendered[e.line() - 1], e.column());
            int at = tok.isEmpty() ? -1 : logLines[src - 1].indexOf(tok);
            if (at >= 0) col = at + 1;
        }
        return new MachineFormatException(file, line, col, "the log does not describe a valid machine: " + sb);
    }

    private static String tokenAt(String line, int col) {
        int i = Math.max(0, Math.min(col - 1, line.length()));
        int end = i;
        while (end < line.length() && !Character.isWhitespace(line.charAt(end))) end++;
        return line.substring(i, end);
    }

    /** The log line a line of the rendered machine text came from, or 0 when no single line gave it. */
    private int sourceLine(String[] rendered, int no, int col, Machine m) {
        if (no < 1 || no > rendered.length) return 0;
        String[] t = rendered[no - 1].trim().split("\\s+");
        if (t.length < 2) return 0;
        switch (t[0]) {
            case "node" -> {
                // node N cpus C: the count comes from the CPU lines, the id from the node's first mention
                boolean cpus = col > rendered[no - 1].indexOf(" cpus ") + 1 && cpusLine > 0;
                return cpus ? cpusLine : nodeLines.getOrDefault(parseInt(t[1]), 0);
            }
            case "memory" -> { return t.length >= 4 ? nodeLines.getOrDefault(parseInt(t[3]), 0) : 0; }
            case "e820" -> {
                long start = rangeStart(t[1]);
                for (int i = 0; i < e820.size(); i++) if (e820.get(i).start() == start) return e820Lines.get(i);
                if (t.length >= 5 && t[3].equals("node")) return nodeLines.getOrDefault(parseInt(t[4]), 0);
                return 0;
            }
            case "hotplug" -> {
                long start = rangeStart(t[1]);
                for (long[] h : sratHotplug) if (start >= h[0] && start < h[1]) return hotplugLines.getOrDefault(h[0], 0);
                return 0;
            }
            case "reserve" -> { return ramdiskLine; }
            case "kernel" -> { return kernelLine; }
            case "cmdline" -> { return cmdlineLine; }
            case "latefree" -> {
                int i = countBefore(rendered, no, "latefree ");
                return i < lateFreeLines.size() ? lateFreeLines.get(i) : 0;
            }
            case "memblock" -> {
                int i = countBefore(rendered, no, "memblock ");
                return i < replayLines.size() ? replayLines.get(i) : 0;
            }
            default -> { return 0; }
        }
    }

    private static int countBefore(String[] rendered, int no, String prefix) {
        int n = 0;
        for (int i = 0; i < no - 1; i++) if (rendered[i].startsWith(prefix)) n++;
        return n;
    }

    private static int parseInt(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return Integer.MIN_VALUE;
        }
    }

    private static long rangeStart(String range) {
        int cut = range.indexOf('-', 1);
        if (cut < 0) cut = range.indexOf('+');
        return Sizes.parse(cut < 0 ? range : range.substring(0, cut));
    }

    private static int sum(Map<Integer, Integer> m) {
        return m.values().stream().mapToInt(Integer::intValue).sum();
    }

    /**
     * Splits every usable e820 range over the nodes whose ranges it intersects (lower node ids win overlaps). Parts
     * no node claims go to the neighbouring node (the previous piece's, else the next one's, else the nearest node),
     * so every usable byte belongs to exactly one node.
     */
    private static void assign(List<E820Range> map, Map<Integer, List<long[]>> source, TreeSet<Integer> ids,
                               Map<Integer, List<long[]>> pieces) {
        List<long[]> all = new ArrayList<>(); // {start, end, node}
        for (Map.Entry<Integer, List<long[]>> e : source.entrySet()) {
            for (long[] r : e.getValue()) all.add(new long[] {r[0], r[1], e.getKey()});
        }
        all.sort(Comparator.<long[]>comparingLong(a -> a[0]).thenComparingLong(a -> a[2]));
        for (E820Range u : map) {
            if (!u.type().isRam()) continue;
            List<long[]> out = new ArrayList<>(); // {start, end, node}
            List<long[]> gaps = new ArrayList<>();
            long pos = u.start();
            for (long[] c : all) {
                long s = Math.max(Math.max(c[0], u.start()), pos), e = Math.min(c[1], u.end());
                if (s >= e) continue;
                if (s > pos) gaps.add(new long[] {pos, s});
                out.add(new long[] {s, e, c[2]});
                pos = e;
            }
            if (pos < u.end()) gaps.add(new long[] {pos, u.end()});
            for (long[] g : gaps) {
                long owner = -1;
                for (long[] p : out) if (p[1] == g[0]) owner = p[2];
                if (owner < 0) for (long[] p : out) if (p[0] == g[1]) owner = p[2];
                if (owner < 0) owner = nearest(all, g[0], ids);
                out.add(new long[] {g[0], g[1], owner});
            }
            out.sort(Comparator.comparingLong(a -> a[0]));
            long[] prev = null;
            for (long[] p : out) {
                if (prev != null && prev[2] == p[2] && prev[1] == p[0]) {
                    prev[1] = p[1];
                    continue;
                }
                if (prev != null) pieces.get((int) prev[2]).add(new long[] {prev[0], prev[1]});
                prev = p;
            }
            if (prev != null) pieces.get((int) prev[2]).add(new long[] {prev[0], prev[1]});
        }
        for (List<long[]> l : pieces.values()) l.sort(Comparator.comparingLong(a -> a[0]));
    }

    private static int nearest(List<long[]> all, long addr, TreeSet<Integer> ids) {
        long best = Long.MAX_VALUE;
        int node = ids.first();
        for (long[] r : all) {
            long d = addr < r[0] ? r[0] - addr : addr >= r[1] ? addr - r[1] + 1 : 0;
            if (d < best) {
                best = d;
                node = (int) r[2];
            }
        }
        return node;
    }
}
