package mm.sweep.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import mm.machine.api.Machine;
import mm.machine.api.MachineFormatException;
import mm.machine.api.MachineService;

/**
 * What each point of a sweep boots: the machine (with the swept timing key or boot option put into it), the
 * variants to select, and page_reporting_order. Made whole before the first boot, so that a bad value is refused
 * before anything changes.
 */
final class Plan {
    /** The parameters a sweep can vary, for messages and mm:help. */
    static final String PARAMS = "deferred-threads, timing:KEY, machine, variant:SUBSYSTEM (or SUBSYSTEM),"
            + " option:NAME, cmdline, page_reporting_order";
    /** The helper-thread bound of mm:boot --deferred-threads (NR_CPUS 8192). */
    static final int MAX_DEFERRED_THREADS = 8192;

    /** One point. {@code reportingOrder} -1: left as it is. */
    record Point(String label, double x, Machine machine, Map<String, String> variants, int reportingOrder) {}

    /** What a parameter is: its kind and its argument (the key, subsystem or option name). */
    record Param(String kind, String arg) {
        /** The CSV header and axis label: the name as the user wrote it. */
        String label() { return arg.isEmpty() ? kind : kind + ":" + arg; }

        /** Does the swept value go into the machine (so each point boots its own machine)? */
        boolean machineParam() {
            return kind.equals("deferred-threads") || kind.equals("timing") || kind.equals("option")
                    || kind.equals("cmdline") || kind.equals("machine");
        }
    }

    private Plan() {}

    /**
     * Parses {@code --param}: {@code deferred-threads}, {@code timing:KEY}, {@code machine}, {@code variant:SUBSYSTEM}
     * (or a bare subsystem name), {@code option:NAME}, {@code cmdline}, {@code page_reporting_order}.
     */
    static Param param(String spec, Map<String, List<String>> subsystems) {
        String s = spec == null ? "" : spec.trim();
        if (s.isEmpty()) throw new IllegalArgumentException("--param: no parameter given (one of " + PARAMS + ")");
        int colon = s.indexOf(':');
        String kind = colon < 0 ? s : s.substring(0, colon), arg = colon < 0 ? "" : s.substring(colon + 1).trim();
        switch (kind) {
            case "deferred-threads", "machine", "cmdline", "page_reporting_order" -> {
                if (!arg.isEmpty()) throw new IllegalArgumentException("--param " + s + ": " + kind + " takes no ':"
                        + arg + "'");
                return new Param(kind, "");
            }
            case "timing", "option" -> {
                if (!arg.matches("[A-Za-z_][A-Za-z0-9_.\\-]*")) {
                    throw new IllegalArgumentException("--param " + s + ": " + kind + " needs a name, e.g. "
                            + (kind.equals("timing") ? "timing:mem_bw_gbps" : "option:hugepages"));
                }
                return new Param(kind, arg);
            }
            case "variant" -> {
                if (!subsystems.containsKey(arg)) {
                    throw new IllegalArgumentException("--param " + s + ": no variant subsystem '" + arg + "' (known: "
                            + String.join(", ", subsystems.keySet()) + ")");
                }
                return new Param(kind, arg);
            }
            default -> {
                if (colon < 0 && subsystems.containsKey(s)) return new Param("variant", s);
                throw new IllegalArgumentException("--param " + s + ": unknown parameter (known: " + PARAMS
                        + "; subsystems: " + String.join(", ", subsystems.keySet()) + ")");
            }
        }
    }

    /** {@code --with SUBSYSTEM=VARIANT,...}: variants selected for every point. */
    static Map<String, String> with(String spec, Map<String, List<String>> subsystems) {
        Map<String, String> out = new LinkedHashMap<>();
        if (spec == null || spec.isBlank()) return out;
        for (String item : spec.split(",", -1)) {
            String it = item.trim();
            int eq = it.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--with: '" + it + "': expected SUBSYSTEM=VARIANT, e.g."
                        + " deferred-init=multithreaded");
            }
            String sub = it.substring(0, eq).trim(), v = it.substring(eq + 1).trim();
            checkVariant("--with", sub, v, subsystems);
            if (out.put(sub, v) != null) throw new IllegalArgumentException("--with: " + sub + " is given twice");
        }
        return out;
    }

    private static void checkVariant(String option, String sub, String v, Map<String, List<String>> subsystems) {
        List<String> known = subsystems.get(sub);
        if (known == null) {
            throw new IllegalArgumentException(option + ": no variant subsystem '" + sub + "' (known: "
                    + String.join(", ", subsystems.keySet()) + ")");
        }
        if (!known.contains(v)) {
            throw new IllegalArgumentException(option + ": " + sub + " has no variant '" + v + "' (known: "
                    + String.join(", ", known) + ")");
        }
    }

    /**
     * The points of a sweep of {@code p} over {@code points}, starting from {@code base} with the variants
     * {@code with}.
     *
     * @throws IllegalArgumentException naming the value that cannot be used and why
     */
    static List<Point> points(Param p, Points points, Machine base, Map<String, String> with,
                              Map<String, List<String>> subsystems, MachineService machines) {
        if (p.kind().equals("variant") && with.containsKey(p.arg())) {
            throw new IllegalArgumentException("--with: " + p.arg() + " is the swept parameter; leave it out of --with");
        }
        String baseText = p.machineParam() && !p.kind().equals("machine") ? machines.render(base) : null;
        List<Point> out = new ArrayList<>();
        for (int i = 0; i < points.size(); i++) {
            String v = points.labels().get(i);
            double x = points.x()[i];
            Map<String, String> variants = new LinkedHashMap<>(with);
            Machine m = base;
            int order = -1;
            switch (p.kind()) {
                case "deferred-threads" -> {
                    long n = wholeNumber(v);
                    if (n < 1 || n > MAX_DEFERRED_THREADS) {
                        throw new IllegalArgumentException("deferred-threads " + v + ": expected 1.."
                                + MAX_DEFERRED_THREADS + " helper threads per node");
                    }
                    m = withTiming(machines, base, baseText, "deferred_threads", v);
                }
                case "timing" -> {
                    if (Points.parse(v) == null) {
                        throw new IllegalArgumentException("timing:" + p.arg() + " " + v + ": not a number");
                    }
                    m = withTiming(machines, base, baseText, p.arg(), v);
                }
                case "option" -> m = withWord(machines, base, baseText, p.arg() + "=" + v);
                case "cmdline" -> m = withWord(machines, base, baseText, v);
                case "machine" -> m = machine(machines, v);
                case "variant" -> {
                    checkVariant("--values", p.arg(), v, subsystems);
                    variants.put(p.arg(), v);
                }
                case "page_reporting_order" -> {
                    long n = wholeNumber(v);
                    if (n < 0 || n > 10) {
                        throw new IllegalArgumentException("page_reporting_order " + v + ": expected 0..10"
                                + " (MAX_PAGE_ORDER)");
                    }
                    order = (int) n;
                }
                default -> throw new IllegalStateException(p.kind());
            }
            out.add(new Point(v, x, m, Map.copyOf(variants), order));
        }
        return out;
    }

    private static long wholeNumber(String v) {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + v + "' is not a whole number");
        }
    }

    /** The machine with {@code timing KEY VALUE} in place of the key's line (the parser checks the key and range). */
    static Machine withTiming(MachineService machines, Machine base, String text, String key, String value) {
        StringBuilder sb = new StringBuilder();
        for (String l : text.split("\n", -1)) {
            if (!l.trim().matches("timing\\s+" + java.util.regex.Pattern.quote(key) + "(\\s.*)?")) {
                sb.append(l).append('\n');
            }
        }
        sb.append("timing ").append(key).append(' ').append(value).append('\n');
        return reparse(machines, base, sb.toString(), "timing " + key + " " + value);
    }

    /** The machine with one more command-line word (a later option overrides an earlier one, as the kernel's). */
    static Machine withWord(MachineService machines, Machine base, String text, String word) {
        if (word.isBlank() || word.chars().anyMatch(Character::isWhitespace) || word.contains("#")) {
            throw new IllegalArgumentException("'" + word + "' is not one command-line word");
        }
        return reparse(machines, base, text + "\ncmdline " + word + "\n", word);
    }

    private static Machine reparse(MachineService machines, Machine base, String text, String what) {
        try {
            return machines.parse(base.name(), text);
        } catch (MachineFormatException e) {
            throw new IllegalArgumentException(what + ": " + reason(e.getMessage()));
        }
    }

    /** A parser message without its {@code name:line:column:} location (the line is one the sweep wrote). */
    static String reason(String message) {
        if (message == null) return "refused by the machine parser";
        return message.replaceFirst("^[^:\\s]+:\\d+(:\\d+)?:\\s*", "");
    }

    private static Machine machine(MachineService machines, String spec) {
        try {
            var builtin = machines.builtin(spec);
            if (builtin.isPresent()) return builtin.get();
            Path f = Path.of(spec);
            if (!Files.isRegularFile(f)) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "machine '%s': neither a built-in machine (%s) nor a file", spec,
                        String.join(", ", machines.builtinNames())));
            }
            return machines.load(f);
        } catch (MachineFormatException e) {
            throw new IllegalArgumentException("machine '" + spec + "': " + e.getMessage());
        }
    }
}
