package mm.machine.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
import mm.machine.api.MemblockOp;
import mm.machine.api.NumaNode;
import mm.machine.api.Reservation;
import mm.machine.api.Sizes;

/**
 * Parser of the machine-file format (docs/machine-format.md). All-or-nothing: it either returns a complete, valid
 * {@link Machine} or throws a {@link MachineFormatException} naming the file, line and column (1-based) and what was
 * expected there.
 */
final class MachineParser {
    static final String KEYWORDS =
            "machine, node, distance, e820, memory, hotplug, reserve, latefree, kernel, config, cmdline, workload, timing, memblock";
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.+-]+");
    private static final Pattern SYMBOL_NAME = Pattern.compile("[A-Za-z0-9_./+-]+");
    private static final Pattern NUMBER = Pattern.compile("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?");
    private static final Pattern INT = Pattern.compile("-?[0-9]{1,9}");

    /** A token: its text and 1-based column. */
    record Tok(String text, int col) {}

    /** The tokens of one line (comment removed). */
    static final class Line {
        final int no;
        final List<Tok> toks = new ArrayList<>();
        final int endCol;
        int i;

        Line(int no, String raw) {
            this.no = no;
            int hash = raw.indexOf('#');
            String s = hash < 0 ? raw : raw.substring(0, hash);
            int p = 0;
            int end = 0;
            while (p < s.length()) {
                while (p < s.length() && Character.isWhitespace(s.charAt(p))) p++;
                if (p >= s.length()) break;
                int q = p;
                while (q < s.length() && !Character.isWhitespace(s.charAt(q))) q++;
                toks.add(new Tok(s.substring(p, q), p + 1));
                end = q;
                p = q;
            }
            this.endCol = end + 1;
        }
    }

    private final String file;
    private Line line;

    // statement results
    private String name;
    private Line nameLine;
    /**
     * The end of the physical address space: MAX_PHYSMEM_BITS 52 of x86-64 with 5-level paging (mm.core.api.Mm's
     * MAX_PHYS_ADDR; mm.machine does not depend on mm.core).
     */
    static final long MAX_PHYS_ADDR = 1L << 52;
    static final String MAX_PHYS_TEXT = "2^52, the end of the physical address space (MAX_PHYSMEM_BITS 52, 5-level paging)";
    /** NR_CPUS: CONFIG_NR_CPUS of the reference kernel's config (the most possible CPUs of a machine). */
    static final int NR_CPUS = 8192;
    private final List<NodeDef> nodes = new ArrayList<>();
    private final List<Row> distance = new ArrayList<>();
    private final List<RangeDef> e820 = new ArrayList<>();
    private final List<RangeDef> memory = new ArrayList<>();
    private final List<RangeDef> hotplug = new ArrayList<>();
    /** The same ranges by start address: the overlap checks find a neighbour in O(log n), not by scanning all. */
    private final java.util.TreeMap<Long, RangeDef> e820ByStart = new java.util.TreeMap<>();
    private final java.util.TreeMap<Long, RangeDef> memoryByStart = new java.util.TreeMap<>();
    private final java.util.TreeMap<Long, RangeDef> hotplugByStart = new java.util.TreeMap<>();
    private final List<Reservation> reservations = new ArrayList<>();
    private final Map<String, Integer> reservationLines = new HashMap<>();
    private final List<LateFree> lateFrees = new ArrayList<>();
    /** The late frees without an address (parts of the kernel image): line number, size token, KiB. */
    private final List<Object[]> imageFrees = new ArrayList<>();
    /** The memblock add lines: line number, range token, range. */
    private final List<Object[]> memblockAdds = new ArrayList<>();
    private final List<MemblockOp> memblockOps = new ArrayList<>();
    private KernelImage kernel;
    private Line kernelLine;
    private BootWorkload workload;
    private String configVersion = "6.12";
    private Line configVersionLine;
    private final Map<String, String> configOptions = new LinkedHashMap<>();
    private final Map<String, Integer> configLines = new HashMap<>();
    private final Map<String, Tok> configToks = new HashMap<>();
    private Line workloadLine;
    private final BootOptionParser options = new BootOptionParser();
    private final Map<String, Double> timing = new LinkedHashMap<>();
    private final Map<String, Integer> timingLines = new HashMap<>();

    private record NodeDef(int id, int cpus, int line, Tok tok) {}

    private record Row(int[] d, Line line, List<Tok> toks) {}

    /** e820, memory or hotplug statement: the range, its position, and the node reference (or null). */
    private record RangeDef(long start, long end, E820Type type, int node, Tok nodeTok, boolean present, int line,
                            Tok rangeTok) {}

    private MachineParser(String file) {
        this.file = file;
    }

    static Machine parse(String file, String text) throws MachineFormatException {
        return new MachineParser(file).run(text);
    }

    private Machine run(String text) throws MachineFormatException {
        String[] raw = text.split("\r\n|\r|\n", -1);
        int n = raw.length;
        if (n > 0 && raw[n - 1].isEmpty()) n--;
        for (int i = 0; i < n; i++) {
            line = new Line(i + 1, raw[i]);
            if (line.toks.isEmpty()) continue;
            statement();
        }
        line = new Line(Math.max(n, 1), "");
        return validate(Math.max(n, 1));
    }

    // ---------------------------------------------------------------- errors and tokens

    private MachineFormatException err(int lineNo, int col, String msg) {
        return new MachineFormatException(file, lineNo, col, msg);
    }

    private MachineFormatException err(Tok t, String msg) {
        return err(line.no, t.col, msg);
    }

    private MachineFormatException expected(String what) {
        if (line.i < line.toks.size()) {
            Tok t = line.toks.get(line.i);
            return err(t, "expected " + what + ", got '" + t.text + "'");
        }
        return err(line.no, line.endCol, "expected " + what + ", got end of line");
    }

    private boolean more() { return line.i < line.toks.size(); }

    private Tok peek() { return more() ? line.toks.get(line.i) : null; }

    private Tok next(String what) throws MachineFormatException {
        if (!more()) throw expected(what);
        return line.toks.get(line.i++);
    }

    private void end(String after) throws MachineFormatException {
        if (more()) {
            Tok t = peek();
            throw err(t, "unexpected '" + t.text + "' after " + after);
        }
    }

    private void word(String w) throws MachineFormatException {
        Tok t = peek();
        if (t == null || !t.text.equals(w)) throw expected("'" + w + "'");
        line.i++;
    }

    private int integer(String what, int min, int max) throws MachineFormatException {
        Tok t = next(what);
        if (INT.matcher(t.text).matches()) {
            int v = Integer.parseInt(t.text);
            if (v >= min && v <= max) return v;
            throw err(t, "expected " + what + " in " + min + ".." + max + ", got '" + t.text + "'");
        }
        line.i--;
        throw expected(what);
    }

    private long nonNegativeLong(String what) throws MachineFormatException {
        Tok t = next(what);
        if (t.text.matches("[0-9]{1,18}")) return Long.parseLong(t.text);
        line.i--;
        throw expected(what);
    }

    private long size(Tok t, String s, int off) throws MachineFormatException {
        long v = Sizes.parse(s);
        if (v < 0) throw err(line.no, t.col + off, "expected a size like 4G or 0x100000, got '" + s + "'");
        return v;
    }

    private long size(String what) throws MachineFormatException {
        if (!more()) throw expected(what);
        Tok t = next(what);
        return size(t, t.text, 0);
    }

    private long kib(String what) throws MachineFormatException {
        if (!more()) throw expected(what);
        Tok t = next(what);
        long v = size(t, t.text, 0);
        if ((v & 1023) != 0) throw err(t, "expected a size in whole KiB like 1008K, got '" + t.text + "'");
        return v >>> 10;
    }

    /** START-END (END inclusive, as the kernel prints) or START+SIZE; returns [start, end). */
    private long[] range(boolean allowEmpty) throws MachineFormatException {
        String what = "a range like 0x100000-0x7fffffff or 4G+2G";
        Tok t = next(what);
        String s = t.text;
        int dash = s.indexOf('-');
        int plus = s.indexOf('+');
        int sep = dash >= 0 && (plus < 0 || dash < plus) ? dash : plus;
        if (sep <= 0 || sep == s.length() - 1) throw err(t, "expected " + what + ", got '" + s + "'");
        long start = size(t, s.substring(0, sep), 0);
        long second = size(t, s.substring(sep + 1), sep + 1);
        long end;
        if (sep == dash) {
            if (second < start) throw err(line.no, t.col + sep + 1, "range end " + Sizes.hex(second)
                    + " is below its start " + Sizes.hex(start) + " (the end is inclusive)");
            if (second == Long.MAX_VALUE) throw err(line.no, t.col + sep + 1, "range end is too large");
            end = second + 1;
        } else {
            if (second == 0 && !allowEmpty) throw err(line.no, t.col + sep + 1, "expected a non-empty range, got '"
                    + s + "'");
            end = start + second;
            if (end < start) throw err(t, "range '" + s + "' is too large");
        }
        if (start >= MAX_PHYS_ADDR) throw err(t, "address " + Sizes.hex(start) + " is at or above " + MAX_PHYS_TEXT);
        if (end > MAX_PHYS_ADDR) {
            throw err(line.no, t.col + sep + 1, "range " + Sizes.hex(start) + "-" + Sizes.hex(end - 1) + " ends above "
                    + MAX_PHYS_TEXT);
        }
        return new long[] {start, end};
    }

    /** An address (not a range): below 2^52. */
    private long address(String what) throws MachineFormatException {
        Tok t = peek();
        long a = size(what);
        if (a >= MAX_PHYS_ADDR) throw err(t, "address " + Sizes.hex(a) + " is at or above " + MAX_PHYS_TEXT);
        return a;
    }

    private Tok name(String what) throws MachineFormatException {
        Tok t = next(what);
        if (!NAME.matcher(t.text).matches()) {
            line.i--;
            throw expected(what + " (letters, digits, _ . + -)");
        }
        return t;
    }

    // ---------------------------------------------------------------- statements

    private void statement() throws MachineFormatException {
        Tok kw = next("a keyword");
        switch (kw.text) {
            case "machine" -> machine();
            case "node" -> node();
            case "distance" -> distanceRow();
            case "e820" -> e820();
            case "memory" -> memory();
            case "hotplug" -> hotplug();
            case "reserve" -> reserve();
            case "latefree" -> lateFree();
            case "kernel" -> kernel();
            case "config" -> config();
            case "cmdline" -> cmdline();
            case "workload" -> workload();
            case "timing" -> timing();
            case "memblock" -> memblock();
            default -> throw err(kw, "unknown keyword '" + kw.text + "' (expected one of " + KEYWORDS + ")");
        }
    }

    private void machine() throws MachineFormatException {
        if (nameLine != null) throw err(line.toks.get(0), "'machine' given twice (first on line " + nameLine.no + ")");
        name = name("a machine name").text;
        nameLine = line;
        end("the machine name");
    }

    private void node() throws MachineFormatException {
        Tok idTok = peek();
        int id = integer("a node id", 0, Machine.MAX_NUMNODES - 1);
        for (NodeDef d : nodes) {
            if (d.id == id) throw err(idTok, "node " + id + " is defined twice (first on line " + d.line + ")");
        }
        if (!nodes.isEmpty() && nodes.get(nodes.size() - 1).id > id) {
            throw err(idTok, "node ids must increase: node " + id + " comes after node " + nodes.get(nodes.size() - 1).id);
        }
        word("cpus");
        Tok cpusTok = peek();
        int cpus = integer("a CPU count", 0, NR_CPUS);
        // a node without CPUs still gets one in the boot (every node has a CPU to run on); count it as the boot does
        int total = Math.max(1, cpus);
        for (NodeDef d : nodes) total += Math.max(1, d.cpus);
        if (total > NR_CPUS) {
            throw err(cpusTok, "the machine has more than " + NR_CPUS + " CPUs (NR_CPUS): node " + id
                    + " brings the total to " + total);
        }
        end("the CPU count");
        nodes.add(new NodeDef(id, cpus, line.no, idTok));
    }

    private void distanceRow() throws MachineFormatException {
        List<Tok> toks = new ArrayList<>();
        List<Integer> d = new ArrayList<>();
        if (!more()) throw expected("a distance (one per node)");
        while (more()) {
            Tok t = peek();
            d.add(integer("a distance", 0, 255));
            toks.add(t);
        }
        distance.add(new Row(d.stream().mapToInt(Integer::intValue).toArray(), line, toks));
    }

    private E820Type e820Type() throws MachineFormatException {
        String what = "an e820 type (usable, reserved, acpi-data, acpi-nvs, unusable, pmem, pram, soft-reserved)";
        Tok t = next(what);
        E820Type type = switch (t.text) {
            case "usable", "ram" -> E820Type.USABLE;
            case "reserved" -> E820Type.RESERVED;
            case "acpi-data", "acpi" -> E820Type.ACPI;
            case "acpi-nvs", "nvs" -> E820Type.NVS;
            case "unusable" -> E820Type.UNUSABLE;
            case "pmem", "persistent", "type7" -> E820Type.PMEM;
            case "pram", "type12" -> E820Type.PRAM;
            case "soft-reserved", "device" -> E820Type.SOFT_RESERVED;
            default -> null;
        };
        if (type == null) {
            line.i--;
            throw expected(what);
        }
        return type;
    }

    static String typeWord(E820Type t) {
        return switch (t) {
            case USABLE -> "usable";
            case RESERVED -> "reserved";
            case ACPI -> "acpi-data";
            case NVS -> "acpi-nvs";
            case UNUSABLE -> "unusable";
            case PMEM -> "pmem";
            case PRAM -> "pram";
            case SOFT_RESERVED -> "soft-reserved";
        };
    }

    private void e820() throws MachineFormatException {
        Tok rt = peek();
        long[] r = range(false);
        E820Type type = e820Type();
        int node = -1;
        Tok nodeTok = null;
        if (more()) {
            Tok w = peek();
            if (!w.text.equals("node")) throw err(w, "unexpected '" + w.text + "' after the e820 type (only 'node N' may follow)");
            if (type != E820Type.USABLE) throw err(w, "only usable ranges belong to a node, this one is "
                    + typeWord(type));
            line.i++;
            nodeTok = peek();
            node = integer("a node id", 0, Machine.MAX_NUMNODES - 1);
            end("the node id");
        }
        RangeDef o = overlapping(e820ByStart, r[0], r[1]);
        if (o != null) throw err(rt, "e820 range " + Sizes.range(r[0], r[1])
                + " overlaps " + Sizes.range(o.start, o.end) + " (line " + o.line + ")");
        RangeDef def = new RangeDef(r[0], r[1], type, node, nodeTok, true, line.no, rt);
        e820.add(def);
        e820ByStart.put(def.start, def);
    }

    /**
     * The range of {@code byStart} (pairwise disjoint, keyed by start) that [start, end) overlaps, the lowest one if
     * several do, or null.
     */
    private static RangeDef overlapping(java.util.TreeMap<Long, RangeDef> byStart, long start, long end) {
        var below = byStart.floorEntry(start);
        if (below != null && below.getValue().end > start) return below.getValue();
        var above = byStart.higherEntry(start);
        return above != null && above.getKey() < end ? above.getValue() : null;
    }

    private void memory() throws MachineFormatException {
        Tok rt = peek();
        long[] r = range(false);
        word("node");
        Tok nodeTok = peek();
        int node = integer("a node id", 0, Machine.MAX_NUMNODES - 1);
        end("the node id");
        RangeDef o = overlapping(memoryByStart, r[0], r[1]);
        if (o != null) throw err(rt, "memory range " + Sizes.range(r[0], r[1])
                + " overlaps " + Sizes.range(o.start, o.end) + " (line " + o.line + ")");
        RangeDef def = new RangeDef(r[0], r[1], E820Type.USABLE, node, nodeTok, true, line.no, rt);
        memory.add(def);
        memoryByStart.put(def.start, def);
    }

    private void hotplug() throws MachineFormatException {
        Tok rt = peek();
        long[] r = range(false);
        word("node");
        Tok nodeTok = peek();
        int node = integer("a node id", 0, Machine.MAX_NUMNODES - 1);
        Tok p = next("'present' or 'absent'");
        boolean present;
        if (p.text.equals("present")) present = true;
        else if (p.text.equals("absent")) present = false;
        else {
            line.i--;
            throw expected("'present' or 'absent'");
        }
        end("'" + p.text + "'");
        RangeDef o = overlapping(hotplugByStart, r[0], r[1]);
        if (o != null) throw err(rt, "hotplug range " + Sizes.range(r[0], r[1])
                + " overlaps " + Sizes.range(o.start, o.end) + " (line " + o.line + ")");
        RangeDef def = new RangeDef(r[0], r[1], null, node, nodeTok, present, line.no, rt);
        hotplug.add(def);
        hotplugByStart.put(def.start, def);
    }

    private void reserve() throws MachineFormatException {
        Tok nt = name("a reservation name");
        Integer first = reservationLines.get(nt.text);
        if (first != null) throw err(nt, "reservation '" + nt.text + "' is given twice (first on line " + first + ")");
        long[] r = range(false);
        end("the range");
        reservations.add(new Reservation(nt.text, r[0], r[1] - r[0]));
        reservationLines.put(nt.text, line.no);
    }

    private void lateFree() throws MachineFormatException {
        Tok nt = name("a name like initrd or initmem");
        Tok kt = line.i < line.toks.size() ? line.toks.get(line.i) : null;
        long k = kib("a size in KiB like 1008K");
        long base = -1;
        if (more()) {
            word("at");
            base = address("an address like 0x7fee4000");
        }
        end(base < 0 ? "the size" : "the address");
        lateFrees.add(new LateFree(nt.text, k, base));
        if (base < 0) imageFrees.add(new Object[] {line.no, kt, k});
    }

    private void kernel() throws MachineFormatException {
        if (kernelLine != null) throw err(line.toks.get(0), "'kernel' given twice (first on line " + kernelLine.no + ")");
        KernelImage d = KernelImage.defaults();
        long code = d.codeK(), rw = d.rwdataK(), ro = d.rodataK(), init = d.initK(), bss = d.bssK();
        if (!more()) throw expected("a section (code, rwdata, rodata, init, bss)");
        while (more()) {
            Tok k = next("a section");
            switch (k.text) {
                case "code" -> code = kib("a size in KiB");
                case "rwdata" -> rw = kib("a size in KiB");
                case "rodata" -> ro = kib("a size in KiB");
                case "init" -> init = kib("a size in KiB");
                case "bss" -> bss = kib("a size in KiB");
                default -> {
                    line.i--;
                    throw expected("a section (code, rwdata, rodata, init, bss)");
                }
            }
        }
        kernel = new KernelImage(code, rw, ro, init, bss);
        kernelLine = line;
    }

    /**
     * {@code config VERSION} (a preset: the Debian config of that kernel) or {@code config CONFIG_NAME=y|n} (one
     * build option on top of it; docs/machine-format.md). The version comes first in effect wherever it is written.
     */
    private void config() throws MachineFormatException {
        String what = "a kernel version (" + String.join(", ", KernelConfig.VERSIONS) + ") or CONFIG_NAME=y|n";
        Tok t = next(what);
        int eq = t.text.indexOf('=');
        if (eq < 0) {
            if (!KernelConfig.VERSIONS.contains(t.text)) {
                throw err(t, t.text.startsWith("CONFIG_") ? "expected " + t.text + "=y or " + t.text + "=n"
                        : "unknown kernel version '" + t.text + "' (presets: " + String.join(", ",
                        KernelConfig.VERSIONS) + ")");
            }
            if (configVersionLine != null) {
                throw err(t, "the kernel version is given twice (first on line " + configVersionLine.no + ")");
            }
            configVersion = t.text;
            configVersionLine = line;
        } else {
            String key = t.text.substring(0, eq), value = t.text.substring(eq + 1);
            String why = KernelConfig.check("6.12", key, value);
            if (why != null) throw err(line.no, t.col + (KernelConfig.OPTIONS.contains(key) ? eq + 1 : 0), why);
            Integer first = configLines.get(key);
            if (first != null) throw err(t, key + " is given twice (first on line " + first + ")");
            configOptions.put(key, value);
            configLines.put(key, line.no);
            configToks.put(key, t);
        }
        end(eq < 0 ? "the version" : "the option");
    }

    private void cmdline() throws MachineFormatException {
        while (more()) {
            Tok t = next("an option");
            try {
                options.apply(t.text);
            } catch (BootOptionParser.OptionException e) {
                throw err(line.no, t.col + e.offset, e.getMessage());
            }
        }
    }

    private void workload() throws MachineFormatException {
        if (workloadLine != null) {
            throw err(line.toks.get(0), "'workload' given twice (first on line " + workloadLine.no + ")");
        }
        BootWorkload d = BootWorkload.defaults();
        long seed = d.seed(), early = d.earlyPages(), mid = d.midPages(), late = d.latePages();
        int callers = d.callers();
        int[] orders = d.orderWeights();
        String keys = "a workload field (seed, callers, early, mid, late, orders)";
        if (!more()) throw expected(keys);
        while (more()) {
            Tok k = next(keys);
            switch (k.text) {
                case "seed" -> {
                    Tok t = next("a seed");
                    if (!t.text.matches("-?[0-9]{1,19}")) { line.i--; throw expected("a seed (a whole number)"); }
                    try {
                        seed = Long.parseLong(t.text);
                    } catch (NumberFormatException e) {
                        throw err(t, "seed '" + t.text + "' does not fit in 64 bits");
                    }
                }
                case "callers" -> callers = integer("a caller count", 1, 1 << 20);
                case "early" -> early = nonNegativeLong("a page count");
                case "mid" -> mid = nonNegativeLong("a page count");
                case "late" -> late = nonNegativeLong("a page count");
                case "orders" -> orders = weights();
                default -> {
                    line.i--;
                    throw expected(keys);
                }
            }
        }
        workload = new BootWorkload(seed, callers, early, mid, late, orders);
        workloadLine = line;
    }

    private int[] weights() throws MachineFormatException {
        String what = "order weights like 80,10,6,4 (order 0 first, at most " + Machine.NR_PAGE_ORDERS + ")";
        Tok t = next(what);
        String[] parts = t.text.split(",", -1);
        if (parts.length > Machine.NR_PAGE_ORDERS) throw err(t, "expected " + what + ", got " + parts.length + " weights");
        int[] w = new int[parts.length];
        int off = 0;
        for (int i = 0; i < parts.length; i++) {
            if (!parts[i].matches("[0-9]{1,9}")) {
                throw err(line.no, t.col + off, "expected a weight (a whole number), got '" + parts[i] + "'");
            }
            w[i] = Integer.parseInt(parts[i]);
            off += parts[i].length() + 1;
        }
        return w;
    }

    /**
     * The timing-model parameters (docs/timing-model.md) and the values that make sense for them: costs are not
     * negative, a bandwidth is positive, ht_gain is a fraction of a core.
     */
    static final Map<String, double[]> TIMING_KEYS = Map.ofEntries(
            Map.entry("init_ns_per_page", new double[] {0, 1e6}),
            Map.entry("free_ns_per_page", new double[] {0, 1e6}),
            Map.entry("pfn_check_ns_per_page", new double[] {0, 1e6}),
            Map.entry("cold_walk_ns_per_page", new double[] {0, 1e6}),
            Map.entry("page_owner_scan_ns_per_page", new double[] {0, 1e6}),
            Map.entry("mem_bw_gbps", new double[] {0.001, 1e6}),
            Map.entry("device_bw_gbps", new double[] {0.001, 1e6}),
            Map.entry("pfn_init_ns_per_page", new double[] {0, 1e6}),
            Map.entry("ctor_ns_per_page", new double[] {0, 1e6}),
            Map.entry("llc_mib", new double[] {0, 1e6}),
            Map.entry("threads_per_core", new double[] {1, 8}),
            Map.entry("ht_gain", new double[] {0, 1}),
            Map.entry("thread_start_us", new double[] {0, 1e6}),
            Map.entry("smp_boot_ms", new double[] {0, 1e6}),
            Map.entry("deferred_threads", new double[] {1, 8192}));

    private static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }

    private void timing() throws MachineFormatException {
        Tok k = next("a timing parameter name");
        if (!SYMBOL_NAME.matcher(k.text).matches()) {
            line.i--;
            throw expected("a timing parameter name");
        }
        Integer first = timingLines.get(k.text);
        if (first != null) throw err(k, "timing '" + k.text + "' is given twice (first on line " + first + ")");
        Tok v = next("a number like 1.5 or 2e-9");
        if (!NUMBER.matcher(v.text).matches()) {
            line.i--;
            throw expected("a number like 1.5 or 2e-9");
        }
        double d = Double.parseDouble(v.text);
        double[] range = TIMING_KEYS.get(k.text);
        if (range == null) {
            throw err(k, "unknown timing parameter '" + k.text + "' (known: " + String.join(", ", new java.util.TreeSet<>(TIMING_KEYS.keySet()))
                    + "; docs/timing-model.md)");
        }
        if (!Double.isFinite(d) || d < range[0] || d > range[1]) {
            throw err(v, "timing " + k.text + " " + v.text + " is out of range (" + fmt(range[0]) + ".." + fmt(range[1])
                    + ")");
        }
        end("the value");
        timing.put(k.text, d);
        timingLines.put(k.text, line.no);
    }

    static String opWord(MemblockOp.Kind k) {
        return switch (k) {
            case RESERVE -> "reserve";
            case FREE -> "free";
            case ADD -> "add";
            case REMOVE -> "remove";
            case DUMP_RESERVED -> "dump-reserved";
            case ALLOC -> "alloc";
            case DUMP -> "dump";
            case NUMA_INIT -> "numa-init";
        };
    }

    private void memblock() throws MachineFormatException {
        String what = "a memblock operation (reserve, free, add, remove, dump-reserved, alloc, dump, numa-init)";
        Tok k = next(what);
        MemblockOp.Kind kind = null;
        for (MemblockOp.Kind c : MemblockOp.Kind.values()) if (opWord(c).equals(k.text)) kind = c;
        if (kind == null) {
            line.i--;
            throw expected(what);
        }
        if (kind == MemblockOp.Kind.DUMP || kind == MemblockOp.Kind.NUMA_INIT) {
            end("'memblock " + k.text + "'");
            memblockOps.add(MemblockOp.point(kind));
            return;
        }
        Tok rt = line.i < line.toks.size() ? line.toks.get(line.i) : null;
        long[] r = range(true);
        int nid = -1;
        String caller = "", function = null;
        long align = 0, from = 0, max = 0;
        boolean alloc = kind == MemblockOp.Kind.ALLOC;
        java.util.Set<String> seen = new java.util.HashSet<>();
        String keys = alloc ? "'function', 'align', 'nid', 'from', 'max' or 'caller'" : "'nid' or 'caller'";
        while (more()) {
            Tok a = next(keys);
            boolean known = a.text.equals("nid") || a.text.equals("caller") || alloc && (a.text.equals("function")
                    || a.text.equals("align") || a.text.equals("from") || a.text.equals("max"));
            if (!known || !seen.add(a.text)) {
                line.i--;
                throw expected(keys);
            }
            switch (a.text) {
                case "nid" -> nid = integer("a node id (or -1)", -1, Machine.MAX_NUMNODES);
                case "caller" -> caller = next("a caller symbol like memblock_alloc_range_nid+0xbd/0x180").text;
                case "function" -> {
                    Tok f = next("a memblock allocation function like memblock_alloc_try_nid");
                    if (!f.text.matches("memblock_\\w*alloc\\w*")) {
                        throw err(f, "expected a memblock allocation function like memblock_alloc_try_nid, got '"
                                + f.text + "'");
                    }
                    function = f.text;
                }
                default -> {
                    Tok v = next("a hexadecimal number like 0x1000");
                    if (!v.text.matches("0x[0-9a-fA-F]{1,16}")) {
                        throw err(v, "expected a hexadecimal number like 0x1000, got '" + v.text + "'");
                    }
                    long x = Long.parseUnsignedLong(v.text.substring(2), 16);
                    if (a.text.equals("align")) align = x;
                    else if (a.text.equals("from")) from = x;
                    else max = x;
                }
            }
        }
        if (alloc) {
            if (function == null) throw expected("'function'");
            if (align != 0 && Long.bitCount(align) != 1) throw err(line.no, line.endCol, "alignment " + Sizes.hex(align)
                    + " is not a power of two");
            memblockOps.add(MemblockOp.alloc(function, r[0], r[1] - r[0], align, nid, from, max, caller));
            return;
        }
        memblockOps.add(new MemblockOp(kind, r[0], r[1] - r[0], nid, caller));
        if (kind == MemblockOp.Kind.ADD && r[1] > r[0]) memblockAdds.add(new Object[] {line.no, rt, r});
    }

    // ---------------------------------------------------------------- whole-file checks

    private Machine validate(int lastLine) throws MachineFormatException {
        if (nodes.isEmpty()) throw err(lastLine, 1, "expected at least one 'node ID cpus N' line, got none");
        Map<Integer, Integer> index = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) index.put(nodes.get(i).id, i);
        String defined = nodes.stream().map(d -> Integer.toString(d.id)).reduce((a, b) -> a + ", " + b).orElse("");

        // node references, in line order
        List<RangeDef> refs = new ArrayList<>();
        for (RangeDef r : e820) if (r.nodeTok != null) refs.add(r);
        refs.addAll(memory);
        refs.addAll(hotplug);
        refs.sort(Comparator.comparingInt(RangeDef::line));
        for (RangeDef r : refs) {
            if (!index.containsKey(r.node)) {
                throw err(r.line, r.nodeTok.col, "node " + r.node + " is not defined (defined: " + defined + ")");
            }
        }

        // late frees without an address free parts of the kernel image (free_initmem, the image gaps): together
        // they cannot be more than the image
        KernelImage img = kernel != null ? kernel : KernelImage.defaults();
        long imageK = img.codeK() + img.rwdataK() + img.rodataK() + img.initK() + img.bssK(), sumK = 0;
        for (Object[] f : imageFrees) {
            sumK += (Long) f[2];
            if (sumK > imageK) {
                throw err((Integer) f[0], ((Tok) f[1]).col, "the late frees without an address add up to " + sumK
                        + "K here, more than the " + imageK + "K of the kernel image (" + (kernelLine != null
                        ? "kernel line " + kernelLine.no : "the default kernel sizes") + ") they are freed from;"
                        + " memory outside the image needs at ADDRESS");
            }
        }

        // distance table
        int[][] dist = null;
        int n = nodes.size();
        if (!distance.isEmpty()) {
            for (int i = 0; i < distance.size(); i++) {
                Row row = distance.get(i);
                if (i >= n) {
                    throw err(row.line.no, 1, "the distance table is not square: it has more rows than the " + n
                            + " node(s) (one row per node, in node order)");
                }
                if (row.d.length > n) {
                    throw err(row.line.no, row.toks.get(n).col, "the distance table is not square: expected " + n
                            + " distance(s) in this row (one per node), got " + row.d.length);
                }
                if (row.d.length < n) {
                    throw err(row.line.no, row.line.endCol, "the distance table is not square: expected " + n
                            + " distance(s) in this row (one per node), got " + row.d.length);
                }
            }
            if (distance.size() < n) {
                Row last = distance.get(distance.size() - 1);
                throw err(last.line.no, 1, "the distance table is not square: it has " + distance.size()
                        + " row(s) but there are " + n + " nodes (one row per node, in node order)");
            }
            dist = new int[n][];
            for (int i = 0; i < n; i++) dist[i] = distance.get(i).d.clone();
            for (int i = 0; i < n; i++) {
                Row row = distance.get(i);
                for (int j = 0; j < n; j++) {
                    int v = dist[i][j];
                    int col = row.toks.get(j).col;
                    if (i == j && v != 10) {
                        throw err(row.line.no, col, "the distance of node " + nodes.get(i).id
                                + " to itself must be 10, got " + v);
                    }
                    if (i != j && (v <= 10 || v > 255)) {
                        throw err(row.line.no, col, "the distance between nodes " + nodes.get(i).id + " and "
                                + nodes.get(j).id + " must be 11..255, got " + v);
                    }
                    if (j < i && v != dist[j][i]) {
                        throw err(row.line.no, col, "the distance table is not symmetric: node " + nodes.get(i).id
                                + " to node " + nodes.get(j).id + " is " + v + " but node " + nodes.get(j).id
                                + " to node " + nodes.get(i).id + " is " + dist[j][i] + " (line "
                                + distance.get(j).line.no + ")");
                    }
                }
            }
        }

        // e820: at least one usable range; every usable byte belongs to exactly one node
        List<RangeDef> usable = new ArrayList<>();
        java.util.TreeMap<Long, RangeDef> usableByStart = new java.util.TreeMap<>();
        for (RangeDef r : e820) {
            if (r.type == E820Type.USABLE) {
                usable.add(r);
                usableByStart.put(r.start, r);
            }
        }
        if (usable.isEmpty()) throw err(lastLine, 1, "expected at least one 'e820 RANGE usable node N' line, got none");
        List<List<long[]>> nodeRanges = new ArrayList<>();
        for (int i = 0; i < n; i++) nodeRanges.add(new ArrayList<>());
        Map<RangeDef, Long> covered = new HashMap<>();
        for (RangeDef u : usable) {
            covered.put(u, 0L);
            if (u.nodeTok != null) {
                nodeRanges.get(index.get(u.node)).add(new long[] {u.start, u.end});
                covered.put(u, u.end - u.start);
            }
        }
        for (RangeDef m : memory) {
            var below = usableByStart.floorEntry(m.start);
            RangeDef in = below != null && m.end <= below.getValue().end ? below.getValue() : null;
            if (in == null) {
                throw err(m.line, m.rangeTok.col, "memory range " + Sizes.range(m.start, m.end)
                        + " is not inside one usable e820 range");
            }
            if (in.nodeTok != null) {
                throw err(m.line, m.rangeTok.col, "memory range " + Sizes.range(m.start, m.end)
                        + " is inside e820 range " + Sizes.range(in.start, in.end) + " which already belongs to node "
                        + in.node + " (line " + in.line + ")");
            }
            covered.merge(in, m.end - m.start, Long::sum);
            nodeRanges.get(index.get(m.node)).add(new long[] {m.start, m.end});
        }
        for (RangeDef u : usable) {
            if (covered.get(u) != u.end - u.start) {
                throw err(u.line, u.rangeTok.col, "usable range " + Sizes.range(u.start, u.end)
                        + " does not belong to a node: " + "expected 'node N' after 'usable' or 'memory' lines covering it");
            }
        }
        for (List<long[]> l : nodeRanges) l.sort(Comparator.comparingLong(a -> a[0]));

        // hotplug ranges: present ones are memory of their node, absent ones are not memory yet
        for (RangeDef h : hotplug) {
            List<long[]> mine = nodeRanges.get(index.get(h.node));
            if (h.present) {
                long in = 0;
                for (long[] r : mine) in += Math.max(0, Math.min(r[1], h.end) - Math.max(r[0], h.start));
                if (in != h.end - h.start) {
                    throw err(h.line, h.rangeTok.col, "hotplug range " + Sizes.range(h.start, h.end)
                            + " is 'present' but is not all usable memory of node " + h.node);
                }
            } else {
                RangeDef u = overlapping(usableByStart, h.start, h.end);
                if (u != null) {
                    throw err(h.line, h.rangeTok.col, "hotplug range " + Sizes.range(h.start, h.end)
                            + " is 'absent' but overlaps usable e820 range " + Sizes.range(u.start, u.end)
                            + " (line " + u.line + ")");
                }
            }
        }

        // memory a replayed memblock add brings must belong to a node: numa_init gives nids to the nodes' ranges
        // only (with more than 1 MiB uncovered the kernel gives up on NUMA: "NUMA: no nodes coverage"); one node with
        // one range is the fake node, which covers everything
        if (!(n == 1 && nodeRanges.get(0).size() <= 1)) {
            TreeMap<Long, Long> owned = new TreeMap<>();
            for (List<long[]> l : nodeRanges) for (long[] r : l) owned.put(r[0], r[1]);
            for (Object[] a : memblockAdds) {
                long[] r = (long[]) a[2];
                long pos = r[0];
                for (var e : owned.tailMap(owned.floorKey(pos) == null ? pos : owned.floorKey(pos), true).entrySet()) {
                    if (e.getKey() > pos) break;
                    pos = Math.max(pos, e.getValue());
                    if (pos >= r[1]) break;
                }
                if (pos < r[1]) {
                    throw err((Integer) a[0], ((Tok) a[1]).col, "memblock add " + Sizes.range(r[0], r[1])
                            + ": " + Sizes.range(pos, Math.min(r[1], owned.higherKey(pos) == null ? r[1]
                            : owned.higherKey(pos))) + " belongs to no node (usable e820 or memory lines give"
                            + " memory its node)");
                }
            }
        }

        List<NumaNode> nn = new ArrayList<>();
        for (int i = 0; i < n; i++) nn.add(new NumaNode(nodes.get(i).id, nodes.get(i).cpus, nodeRanges.get(i)));
        List<E820Range> map = new ArrayList<>();
        for (RangeDef r : e820) map.add(new E820Range(r.start, r.end, r.type));
        map.sort(Comparator.comparingLong(E820Range::start));
        List<HotplugRange> hp = new ArrayList<>();
        for (RangeDef h : hotplug) hp.add(new HotplugRange(h.start, h.end, h.node, h.present));
        hp.sort(Comparator.comparingLong(HotplugRange::start));

        String mname = name != null ? name : defaultName(file);
        BootOptions opts = options.build();
        // the build: the version preset, then the options (one that the version lacks is named where it was set)
        KernelConfig config = KernelConfig.preset(configVersion);
        for (Map.Entry<String, String> e : configOptions.entrySet()) {
            String why = KernelConfig.check(configVersion, e.getKey(), e.getValue());
            if (why != null) throw err(configLines.get(e.getKey()), configToks.get(e.getKey()).col(), why);
            config = config.with(e.getKey(), e.getValue());
        }
        if (configOptions.keySet().stream().filter(k -> k.startsWith("CONFIG_MHP_DEFAULT_ONLINE_TYPE_")
                || k.equals("CONFIG_MEMORY_HOTPLUG_DEFAULT_ONLINE")).count() > 1) {
            String second = configOptions.keySet().stream().filter(k -> k.startsWith("CONFIG_MHP_DEFAULT_ONLINE_TYPE_")
                    || k.equals("CONFIG_MEMORY_HOTPLUG_DEFAULT_ONLINE")).skip(1).findFirst().orElseThrow();
            throw err(configLines.get(second), configToks.get(second).col(), "the default online type is given twice (a kernel builds one:"
                    + " CONFIG_MEMORY_HOTPLUG_DEFAULT_ONLINE, or one CONFIG_MHP_DEFAULT_ONLINE_TYPE_* choice)");
        }
        return new Machine(mname, file, nn, dist, map, hp, reservations, memblockOps, lateFrees, opts,
                workload != null ? workload : BootWorkload.defaults(), kernel != null ? kernel : KernelImage.defaults(),
                timing, config);
    }

    /** The file name without directories and extension, made into a valid machine name. */
    static String defaultName(String file) {
        String s = file.replace('\\', '/');
        s = s.substring(s.lastIndexOf('/') + 1);
        int dot = s.lastIndexOf('.');
        if (dot > 0) s = s.substring(0, dot);
        s = s.replaceAll("[^A-Za-z0-9_.+-]", "-");
        return s.isEmpty() ? "machine" : s;
    }

    static boolean sameRanges(List<long[]> a, List<long[]> b) {
        if (a.size() != b.size()) return false;
        for (int i = 0; i < a.size(); i++) if (!Arrays.equals(a.get(i), b.get(i))) return false;
        return true;
    }
}
