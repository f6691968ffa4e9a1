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

    static final String KNOWN = "deferred_struct_page_init=on|off, page_owner=on|off, early_page_ext, "
            + "movablecore=SIZE|N%, kernelcore=SIZE|N%, mem=SIZE, memblock=debug, movable_node";

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
    /** mhp_online_type_from_str's names (mm/memory_hotplug.c). */
    static final java.util.List<String> MEMHP_STATES = java.util.List.of("offline", "online", "online_kernel",
            "online_movable");

    /** Applies one option ({@code key=value} or a bare word); later options override earlier ones. */
    void apply(String opt) throws OptionException {
        int eq = opt.indexOf('=');
        String key = eq < 0 ? opt : opt.substring(0, eq);
        String value = eq < 0 ? null : opt.substring(eq + 1);
        int vo = eq + 1;
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
                if (eq < 0) throw new OptionException(0, "unknown boot option '" + opt + "' (known: " + KNOWN
                        + "; any other option must be key=value)");
                if (eq == 0) throw new OptionException(0, "expected an option like key=value, got '" + opt + "'");
                extra.put(key, value);
            }
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
                kernelcoreBytes, kernelcorePercent, memLimit, memblockDebug, movableNode, extra);
    }
}
