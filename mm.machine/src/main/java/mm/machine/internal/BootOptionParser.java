package mm.machine.internal;

import java.util.Map;
import java.util.TreeMap;
import mm.machine.api.BootOptions;
import mm.machine.api.Sizes;

/**
 * Kernel command-line options in the kernel's spelling, folded into {@link BootOptions}. Used by the machine-file
 * parser (strict: every problem is an error) and by the dmesg importer (lenient: problems drop the option).
 */
final class BootOptionParser {
    /** Why one option was rejected; {@code offset} is the index in the option text where the problem starts. */
    static final class OptionException extends Exception {
        private static final long serialVersionUID = 1L;
        final int offset;

        OptionException(int offset, String message) {
            super(message);
            this.offset = offset;
        }
    }

    private boolean deferred = true;
    private boolean pageOwner;
    private boolean earlyPageExt;
    private long movablecoreBytes;
    private int movablecorePercent = -1;
    private long kernelcoreBytes;
    private int kernelcorePercent = -1;
    private long memLimit;
    private boolean memblockDebug;
    private boolean movableNode;
    private final Map<String, String> extra = new TreeMap<>();
    /** The huge page size the next hugepages= applies to (0: the default size), and the default size. */
    private long hugepagesz, defaultHugepagesz = 2L << 20;
    /** Every word applied, in order: the command line as written. */
    private final java.util.List<String> words = new java.util.ArrayList<>();
    /** mhp_online_type_from_str's names (mm/memory_hotplug.c). */
    static final java.util.List<String> MEMHP_STATES = java.util.List.of("offline", "online", "online_kernel",
            "online_movable");

    /** Applies one option ({@code key=value} or a bare word); later options override earlier ones. */
    void apply(String opt) throws OptionException {
        int eq = opt.indexOf('=');
        String key = eq < 0 ? opt : opt.substring(0, eq);
        String value = eq < 0 ? null : opt.substring(eq + 1);
        int vo = eq + 1;
        if (eq == 0) throw new OptionException(0, "expected an option like key=value, got '" + opt + "'");
        switch (key) {
            case "deferred_struct_page_init" -> deferred = onOff(key, value, vo);
            case "page_owner" -> pageOwner = onOff(key, value, vo);
            case "early_page_ext" -> { noValue(key, value, vo); earlyPageExt = true; }
            case "movable_node" -> { noValue(key, value, vo); movableNode = true; }
            case "memblock" -> {
                if (!"debug".equals(value)) throw new OptionException(eq < 0 ? opt.length() : vo,
                        "expected memblock=debug, got '" + opt + "'");
                memblockDebug = true;
            }
            case "mem" -> memLimit = size(key, value, vo, false);
            case "memmap" -> memmap(value, vo);
            case "crashkernel" -> {
                String size = "(0x[0-9a-fA-F]+|[0-9]+)[KMGTPE]?";
                if (value == null || !(value.matches(size + "(@" + size + ")?")
                        || value.matches(size + ",(high|low)")
                        || value.matches(size + "-(" + size + ")?:" + size + "(," + size + "-(" + size + ")?:" + size + ")*(@"
                                + size + ")?"))) {
                    throw new OptionException(value == null ? key.length() : vo, "expected crashkernel=SIZE,"
                            + " SIZE@OFFSET, SIZE,high, SIZE,low or START-[END]:SIZE[,...], got '" + opt + "'");
                }
            }
            case "cma" -> {
                // early_cma: cma=nn[MG][@start[MG][-end[MG]]] (the area itself needs CONFIG_DMA_CMA, see config)
                String size = "(0x[0-9a-fA-F]+|[0-9]+)[KMGTPE]?";
                if (value == null || !value.matches(size + "(@" + size + "(-" + size + ")?)?")) {
                    throw new OptionException(value == null ? key.length() : vo, "expected cma=SIZE, SIZE@START or"
                            + " SIZE@START-END, got '" + opt + "'");
                }
            }
            case "hugepagesz", "default_hugepagesz" -> {
                long sz = value == null ? -1 : Sizes.parse(value);
                if (sz != 2L << 20 && sz != 1L << 30) throw new OptionException(value == null ? key.length() : vo,
                        "expected " + key + "=2M or " + key + "=1G (the huge page sizes of x86-64), got '" + opt + "'");
                if (key.equals("hugepagesz")) hugepagesz = sz;
                else defaultHugepagesz = sz;
            }
            case "hugepages" -> {
                if (value == null || !value.matches("[0-9]{1,9}")) throw new OptionException(value == null
                        ? key.length() : vo, "expected hugepages=N (a page count; the per-node form N:COUNT is not"
                        + " modelled), got '" + opt + "'");
                long sz = hugepagesz > 0 ? hugepagesz : defaultHugepagesz;
                if (sz == 1L << 30 && Long.parseLong(value) > 0) throw new OptionException(vo, "1 GiB huge pages"
                        + " allocated at boot (gigantic pages from memblock) are not modelled by mmkit; use"
                        + " hugepages= with 2M pages");
            }
            case "movablecore", "kernelcore" -> {
                if (value != null && value.endsWith("%")) {
                    int p = percent(key, value, vo);
                    if (key.equals("movablecore")) { movablecorePercent = p; movablecoreBytes = 0; }
                    else { kernelcorePercent = p; kernelcoreBytes = 0; }
                } else {
                    long b = size(key, value, vo, true);
                    if (key.equals("movablecore")) { movablecoreBytes = b; movablecorePercent = -1; }
                    else { kernelcoreBytes = b; kernelcorePercent = -1; }
                }
            }
            case "memhp_default_state" -> {
                if (value == null || !MEMHP_STATES.contains(value)) {
                    throw new OptionException(value == null ? key.length() : vo, "expected memhp_default_state="
                            + String.join("|", MEMHP_STATES) + ", got '" + (value == null ? key : opt) + "'");
                }
                extra.put(key, value);
            }
            default -> {
                // a word mmkit does not act on: the kernel keeps it on its command line (and, if no part of the
                // kernel knows it, passes it to user space); key=value ones stay readable by subsystems
                if (eq > 0) extra.put(key, value);
            }
        }
        words.add(opt);
    }

    /**
     * memmap=SPEC[,SPEC...] (x86 parse_memmap_opt): each SPEC is {@code SIZE!ADDR} (legacy persistent memory, e820
     * type 12), {@code SIZE$ADDR} (reserved), {@code SIZE#ADDR} (ACPI data) or {@code SIZE} (like mem=). Checked
     * here; the boot applies them (mm.core's SetupArch).
     */
    private static void memmap(String value, int vo) throws OptionException {
        if (value == null || value.isEmpty()) throw new OptionException(vo, "expected memmap=SIZE!ADDR, SIZE$ADDR,"
                + " SIZE#ADDR or SIZE, got 'memmap'");
        int at = vo;
        for (String spec : value.split(",", -1)) {
            if (spec.equals("exactmap") || spec.indexOf('@') >= 0 || spec.indexOf('%') >= 0) {
                throw new OptionException(at, "memmap=" + spec + " is not supported by mmkit (it adds System RAM"
                        + " or retypes ranges; describe the map with e820 lines instead)");
            }
            int sep = -1;
            for (int i = 0; i < spec.length(); i++) if ("!$#".indexOf(spec.charAt(i)) >= 0) { sep = i; break; }
            String size = sep < 0 ? spec : spec.substring(0, sep);
            if (Sizes.parse(size) <= 0) throw new OptionException(at, "expected a size like 4G or 0x100000 in memmap=,"
                    + " got '" + spec + "'");
            if (sep >= 0 && Sizes.parse(spec.substring(sep + 1)) < 0) {
                throw new OptionException(at + sep + 1, "expected an address like 4G or 0x100000000 after '"
                        + spec.charAt(sep) + "' in memmap=, got '" + spec + "'");
            }
            if (sep >= 0 && Sizes.parse(spec.substring(sep + 1)) + Sizes.parse(size) > 1L << 52) {
                throw new OptionException(at + sep + 1, "memmap=" + spec + " ends beyond 2^52 (the physical address"
                        + " limit, MAX_PHYSMEM_BITS = 52)");
            }
            at += spec.length() + 1;
        }
    }

    private static boolean onOff(String key, String value, int vo) throws OptionException {
        if ("on".equals(value)) return true;
        if ("off".equals(value)) return false;
        throw new OptionException(value == null ? key.length() : vo, "expected " + key + "=on or " + key + "=off, got '"
                + (value == null ? key : key + "=" + value) + "'");
    }

    private static void noValue(String key, String value, int vo) throws OptionException {
        if (value != null) throw new OptionException(vo - 1, key + " takes no value, got '" + key + "=" + value + "'");
    }

    private static long size(String key, String value, int vo, boolean orPercent) throws OptionException {
        long v = value == null ? -1 : Sizes.parse(value);
        if (v < 0) throw new OptionException(value == null ? key.length() : vo, "expected " + key + "=SIZE"
                + (orPercent ? " or " + key + "=N%" : "") + " with a size like 4G or 0x100000, got '"
                + (value == null ? key : key + "=" + value) + "'");
        return v;
    }

    private static int percent(String key, String value, int vo) throws OptionException {
        String n = value.substring(0, value.length() - 1);
        if (n.matches("[0-9]{1,3}")) {
            int p = Integer.parseInt(n);
            if (p <= 100) return p;
        }
        throw new OptionException(vo, "expected a percentage 0%..100% in " + key + "=N%, got '" + value + "'");
    }

    BootOptions build() {
        return new BootOptions(deferred, pageOwner, earlyPageExt, movablecoreBytes, movablecorePercent,
                kernelcoreBytes, kernelcorePercent, memLimit, memblockDebug, movableNode, extra, words);
    }
}
