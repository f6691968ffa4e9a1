package mm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: generated bad arguments to every mm: command. Each case is one command line built from the command
 * grammar with one argument made bad; the property for every case: the command fails with one line that names the
 * bad argument, shows no Java exception text, and leaves the emulated state as it was (the zone counters and
 * buddyinfo after each case equal the ones before, and mm:check is OK every 100 cases and at the end).
 *
 * <p>Seeded and reproducible: {@code -Dmm.fuzz.seed=N} and {@code -Dmm.fuzz.cases=N} (default 1000) run another
 * set; a failure names the seed, the case and the command line. The generator is ours (a seeded
 * {@link java.util.Random} over a table of command forms), one mmkit process runs every case.
 */
class BadCommandLinesIT {
    /** Java's texts a user must never see. */
    private static final Pattern JAVA_TEXT = Pattern.compile(
            "Exception|java\\.|\\bat mm\\.|Cannot coerce|argument type mismatch|For input string|NullPointer|\\tat ");

    /** One generated case: the command line and the words of it a message must name (any of them). */
    record Case(String line, List<String> names, boolean kernelResult) {}

    private static final String[] BAD_INTS = {"abc", "-5", "99999999999", "99999999999999999999", "1.5", "0x", "-",
            "1e3", "\u00a07", "x".repeat(200)};
    private static final String[] BAD_PFNS = {"abc", "-1", "0x10000000000", "0x7fffffffffffffff", "99999999999999999999",
            "0xzz", "1P", "\ufeff0x10"};
    private static final String[] BAD_SIZES = {"abc", "-4K", "4Q", "99999999999999999999", "0x", "1.5M", "5P", "K"};

    private static String pick(Random r, String[] a) { return a[r.nextInt(a.length)]; }

    /** A token as the shell passes it: quoted when it holds a character the shell would split on. */
    private static String q(String s) {
        return s.isEmpty() || s.matches(".*[\\s|;{}()\\[\\]$\"'].*") ? "'" + s + "'" : s;
    }

    /** Every command form with one bad argument, a generator each. */
    private static final List<Function<Random, Case>> FORMS = List.of(
            r -> { String v = pick(r, BAD_INTS); return c("mm:alloc -o " + q(v), "--order", v); },
            r -> { String v = pick(r, new String[] {"0", "-5", "abc", "99999999999", "2147483648"});
                return c("mm:alloc -n " + q(v), "--count", v); },
            r -> { String v = pick(r, new String[] {"|", "GFP_KERNEL|", "GFP_BOGUS", "__GFP_ZERO||GFP_KERNEL", "0x",
                    "GFP_KERNEL|__GFP_NOPE", "\u200b"}); return c("mm:alloc --gfp " + q(v), "--gfp", v); },
            r -> { String v = pick(r, new String[] {"-2", "7", "1024", "abc", "99999999999"});
                return c("mm:alloc --node " + q(v), "--node", v); },
            r -> { String v = pick(r, BAD_PFNS); return c("mm:free " + q(v) + " 0", "PFN", v); },
            r -> { String v = pick(r, new String[] {"11", "-1", "abc", "99999999999"});
                return c("mm:free 0x1000 " + q(v), "order", v); },
            r -> { String v = pick(r, BAD_PFNS); return c("mm:page " + q(v), "PFN", v); },
            r -> { String sub = pick(r, new String[] {"add", "reserve", "remove", "free"});
                int n = r.nextInt(3);
                String args = n == 0 ? "" : n == 1 ? " 4K" : " 4K 4K 4K";
                return c("mm:memblock " + sub + args, sub); },
            r -> { String v = pick(r, BAD_SIZES); String sub = pick(r, new String[] {"add", "reserve", "remove", "free"});
                return r.nextBoolean() ? c("mm:memblock " + sub + " " + q(v) + " 4K", v, "argument 1 of " + sub)
                        : c("mm:memblock " + sub + " 0x100000 " + q(v), v, "argument 2 of " + sub); },
            r -> { String sub = pick(r, new String[] {"memory", "reserved", "dump", "bottom-up", "top-down"});
                String v = pick(r, new String[] {"now", "1", "x"}); return c("mm:memblock " + sub + " " + v, sub); },
            r -> { String v = pick(r, new String[] {"0", "abc", "-4K"}); return c("mm:memblock alloc " + q(v), v); },
            r -> { String v = pick(r, new String[] {"0", "3", "12K", "abc", "8P"});
                return c("mm:memblock alloc 4K " + q(v), v); },
            r -> { String v = pick(r, new String[] {"5000", "-2", "abc", "0x100000000"});
                return c("mm:memblock alloc-nid 4K 4K " + q(v), v); },
            r -> { String v = pick(r, new String[] {"bogus", "ADD", "memblock", "\u00a0"});
                return c("mm:memblock " + q(v), v); },
            r -> { String v = pick(r, new String[] {"-5", "9000", "abc", "99999999999"});
                return c("mm:boot -q --deferred-threads " + q(v), "--deferred-threads", v); },
            r -> { String v = pick(r, new String[] {"/nonexistent/m", "no-such-machine", "machines"});
                return c("mm:boot -q --machine " + q(v), v); },
            r -> { String v = pick(r, new String[] {"5.4", "CONFIG_SLUB=y", "CONFIG_CMA=m", "6.1 CONFIG_UNACCEPTED_MEMORY=y"});
                return c("mm:boot -q --config " + q(v), "--config", v.replaceAll("^6\\.1 |=.*", "")); },
            r -> { String v = pick(r, new String[] {"page_owner=yes", "cma=64Q", "mem=abc", "hugepagesz=3M"});
                return c("mm:boot -q --cmdline " + q(v), "--cmdline", v); },
            r -> { String v = pick(r, new String[] {"abc", "11", "-2", "99999999999"});
                return c("mm:reporting order " + q(v), v); },
            r -> { String k = pick(r, new String[] {"capacity", "array.capacity", "array.threshold", "bitmap.threshold"});
                String v = pick(r, new String[] {"0", "-1", "abc", "99999999999", ""});
                return c("mm:reporting config " + q(k + "=" + v), k); },
            r -> { String k = pick(r, new String[] {"latency.us", "delay.ms"});
                String v = pick(r, new String[] {"-1", "abc", "1e30", "NaN", "Infinity", "99999999999999999999"});
                return c("mm:reporting config " + q(k + "=" + v), k); },
            r -> { String v = pick(r, new String[] {"bogus=1", "noequals", "=5", "x".repeat(100) + "=1"});
                return c("mm:reporting config " + q(v), v, v.substring(0, Math.max(v.indexOf('='), 0))); },
            r -> { String v = pick(r, new String[] {"bogus", "enable-all", "ORDER"}); return c("mm:reporting " + v, v); },
            r -> { String v = pick(r, new String[] {"bogus", "deferred", "pageext-late"}); return c("mm:variant " + v, v); },
            r -> { String s = pick(r, new String[] {"deferred-init", "memmap", "reporting", "page_ext"});
                String v = pick(r, new String[] {"bogus", "none", "\ufeffper-node"});
                return c("mm:variant " + s + " " + q(v), v, "'" + s + "'"); },
            r -> { String v = pick(r, new String[] {"memory99999999999", "abc", "-1", "memoryx", "99999999999999999999"});
                String op = pick(r, new String[] {"online", "offline", "remove"});
                return c("mm:hotplug " + op + " " + q(v), v); },
            r -> { String v = pick(r, new String[] {"bogus", "ONLINE", "offline_kernel"});
                return c("mm:hotplug auto-online " + q(v), v); },
            r -> { String v = pick(r, new String[] {"sideways", "DMA", "high"});
                return c("mm:hotplug --zone " + q(v) + " online memory1", v, "--zone"); },
            r -> { String v = pick(r, BAD_SIZES); return r.nextBoolean() ? c("mm:hotplug add " + q(v) + " 128M", v)
                    : c("mm:hotplug add 4G " + q(v), v); },
            r -> { String a = pick(r, new String[] {"0x104000000", "0x100001000", "1G"});
                return kernel(c("mm:hotplug add " + a + " 128M", a)); },
            r -> { String v = pick(r, new String[] {"bogus", "add-all", "list"}); return c("mm:hotplug " + v, v); },
            r -> { String v = pick(r, BAD_PFNS); return c("mm:pageowner pfn " + q(v), v); },
            r -> c("mm:pageowner dump /nonexistent-dir/x.txt", "/nonexistent-dir"),
            r -> { String v = pick(r, new String[] {"bogus", "dumpall"}); return c("mm:pageowner " + v, v); },
            r -> { String v = pick(r, new String[] {"sideways", "size", "PID"});
                return c("mm:pageowner summary --by " + q(v), v); },
            r -> c("mm:machine load /nonexistent/" + pick(r, new String[] {"m", "tiny", "x.machine"}), "/nonexistent"),
            r -> c("mm:machine import-dmesg /nonexistent/" + pick(r, new String[] {"dmesg", "x.log"}), "/nonexistent"),
            r -> { String v = pick(r, new String[] {"bogus", "mixed", "storm"}); return c("mm:workload " + v, v); },
            r -> { String o = pick(r, new String[] {"--gib", "--seconds", "--threads"});
                String v = pick(r, new String[] {"-1", "0", "abc"});
                return c("mm:workload " + o + " " + q(v) + " mix", o, v); },
            r -> { String v = pick(r, BAD_SIZES); return c("mm:memremap " + q(v) + " 2M", v); },
            r -> { String v = pick(r, new String[] {"fsdax2", "ram", "dev-dax"});
                return c("mm:memremap --type " + q(v) + " 16G 2M", v, "--type"); },
            r -> { String v = pick(r, new String[] {"abc", "-1", "99999999999", "7"}); return c("mm:memunmap " + q(v), v); },
            r -> { String o = pick(r, new String[] {"--seconds", "--threads", "--reboot-every"});
                String v = pick(r, new String[] {"-1", "abc", "99999999999", "0x"});
                return c("mm:stress " + o + " " + q(v), o, v); },
            r -> { String[][] k = {{"--view bogus '' ''", "bogus"}, {"'' deferred-init=fast", "fast"},
                    {"'' movablecore=4Q", "movablecore=4Q"}, {"--real /nonexistent-dir", "/nonexistent-dir"},
                    {"'' machine=/nonexistent/m", "/nonexistent/m"}, {"--html /nonexistent-dir/x.html '' ''",
                    "/nonexistent-dir"}, {"deferred-init=off", "configurations"}};
                String[] one = k[r.nextInt(k.length)];
                return c("mm:compare " + one[0], one[1]); },
            r -> { String v = pick(r, new String[] {"10", "99999", "abc"}); return c("mm:map --width " + q(v), v); },
            r -> { String v = pick(r, new String[] {"4G", "6G-4G", "x-1G", "1G+zz"}); return c("mm:map " + q(v), v); },
            r -> c("mm:map --png /nonexistent-dir/" + pick(r, new String[] {"m.png", "x"}), "/nonexistent-dir"),
            r -> c("mm:report /nonexistent-dir/" + pick(r, new String[] {"r.html", "x"}), "/nonexistent-dir"),
            r -> { String v = pick(r, new String[] {"5..1", "1..x", "abc", "1,,3", "1..100000"});
                return c("mm:sweep --param deferred-threads --with deferred-init=multithreaded --range " + q(v), v,
                        "--range"); },
            r -> { String v = pick(r, new String[] {"threads", "variant:nosuch", "timing:", "machine:x"});
                return c("mm:sweep --range 1..2 --param " + q(v), v); },
            r -> { String v = pick(r, new String[] {"deferred", "boot_ms,boot_ms", "zone"});
                return c("mm:sweep --param deferred-init --figures " + q(v), v, "--figures"); },
            r -> { String v = pick(r, new String[] {"deferred-init=fast", "memmap", "nosuch=on"});
                return c("mm:sweep --param machine --values tiny --with " + q(v), v, "--with"); },
            r -> c("mm:sweep --param deferred-init --csv /nonexistent-dir/s.csv", "/nonexistent-dir"),
            r -> c("mm:sweep --param deferred-init --overlay /nonexistent/p.csv", "/nonexistent"),
            r -> { String v = pick(r, new String[] {"0", "abc", "9999"});
                return c("mm:sweep --param deferred-threads --with deferred-init=multithreaded --values " + q(v), v); },
            r -> { String v = pick(r, BAD_INTS); return c("mm:trace size " + q(v), "size", v); },
            r -> { String v = pick(r, new String[] {"bogus", "kmem:nope", "!mm_page_allocc", "nosys:*"});
                return c("mm:trace events " + q(v), v); },
            r -> { String v = pick(r, new String[] {"begin", "show2", "wrte"});
                return c("mm:trace " + q(v), v); },
            r -> { String v = pick(r, new String[] {"extra", "1", "kmem"});
                String sub = pick(r, new String[] {"start", "stop", "show", "clear", "status"});
                return c("mm:trace " + sub + " " + v, v); },
            r -> { String v = pick(r, new String[] {"extra", "--bogus", "1"});
                String cmd = pick(r, new String[] {"mm:zoneinfo", "mm:buddyinfo", "mm:meminfo", "mm:check",
                        "mm:deferred", "mm:dmesg", "mm:pagetypeinfo", "mm:version"});
                return c(cmd + " " + v, v); });

    private static Case c(String line, String... names) { return new Case(line, List.of(names), false); }

    private static Case kernel(Case c) { return new Case(c.line(), c.names(), true); }

    /** How a message shows a name: as typed, or cut and with invisible characters escaped. */
    private static boolean names(String message, String name) {
        if (name.isEmpty()) return true;
        String shown = name.length() > 40 ? name.substring(0, 30) : name;
        StringBuilder esc = new StringBuilder();
        for (char ch : shown.toCharArray()) {
            if (Character.isISOControl(ch) || Character.getType(ch) == Character.FORMAT
                    || (Character.isSpaceChar(ch) && ch != ' ')) esc.append(String.format("\\u%04x", (int) ch));
            else esc.append(ch);
        }
        String trimmed = shown.strip().replace("\ufeff", "").replace("\u200b", "");
        return message.contains(shown) || message.contains(esc) || (!trimmed.isEmpty() && message.contains(trimmed));
    }

    @Test
    void everyBadArgumentIsRefusedInOneSentenceAndChangesNothing() throws Exception {
        long seed = Long.getLong("mm.fuzz.seed", 14);
        int cases = Integer.getInteger("mm.fuzz.cases", 1000);
        Random rnd = new Random(seed);
        List<Case> all = new ArrayList<>();
        for (int i = 0; i < cases; i++) all.add(FORMS.get(rnd.nextInt(FORMS.size())).apply(rnd));

        StringBuilder script = new StringBuilder("mm:boot -q --machine hotplug-demo\nmm:hotplug add 4G 128M\n");
        script.append("echo @@base\nmm:zoneinfo --summary\nmm:buddyinfo\n");
        for (int i = 0; i < all.size(); i++) {
            script.append("echo @@case ").append(i).append('\n').append(all.get(i).line()).append('\n');
            script.append("echo @@after ").append(i).append("\nmm:zoneinfo --summary\nmm:buddyinfo\n");
            if (i % 100 == 99) script.append("mm:check\n");
        }
        script.append("echo @@end\nmm:check\n");
        Mmkit.Result r = Mmkit.runWithInput(script.toString(), "--keep-going");

        String out = r.out();
        String base = section(out, "@@base\n", "@@case 0\n");
        List<String> failures = r.err().lines().filter(l -> l.startsWith("mmkit: command failed: ")).toList();
        List<String> other = r.err().lines().filter(l -> !l.startsWith("mmkit: command failed: ")
                && !l.matches("mmkit: \\d+ of \\d+ command\\(s\\) failed \\(--keep-going\\)")).toList();
        assertEquals(List.of(), other, "stderr holds only failure lines (seed " + seed + ")");
        assertTrue(!JAVA_TEXT.matcher(out).find(), "no Java text on stdout (seed " + seed + ")");

        int f = 0;
        List<String> problems = new ArrayList<>();
        String firstDiff = null;
        for (int i = 0; i < all.size(); i++) {
            Case c = all.get(i);
            String what = "seed " + seed + " case " + i + ": " + c.line();
            String output = section(out, "@@case " + i + "\n", "@@after " + i + "\n");
            String after = section(out, "@@after " + i + "\n", i + 1 < all.size() ? "@@case " + (i + 1) + "\n" : "@@end\n");
            after = after.replaceAll("(?m)^OK\n", "");
            if (!after.equals(base)) {
                problems.add(what + ": the state changed" + (firstDiff == null ? "" : " (see the first)"));
                if (firstDiff == null) firstDiff = "--- before\n" + base + "--- after case " + i + "\n" + after;
            }
            String prefix = "mmkit: command failed: " + c.line() + ": ";
            if (f < failures.size() && failures.get(f).startsWith(prefix)) {
                String msg = failures.get(f++).substring(prefix.length());
                if (JAVA_TEXT.matcher(msg).find()) problems.add(what + ": Java text in '" + msg + "'");
                if (c.names().stream().noneMatch(n -> names(msg, n))) {
                    problems.add(what + ": the message names none of " + c.names() + ": '" + msg + "'");
                }
                if (msg.length() > 400) problems.add(what + ": a message of " + msg.length() + " characters");
            } else if (!(c.kernelResult() && output.contains("-> E"))) {
                problems.add(what + ": accepted: " + output.strip());
            }
        }
        assertEquals(failures.size(), f, "every failure line belongs to a case (seed " + seed + ")");
        assertTrue(out.strip().endsWith("OK"), "mm:check OK at the end (seed " + seed + ")\n" + tail(out));
        assertEquals("", String.join("\n", problems.stream().limit(40).toList()) + (firstDiff == null ? "" : "\n" + firstDiff),
                problems.size() + " of " + cases + " cases broke");
    }

    private static String section(String out, String from, String to) {
        int s = out.indexOf(from);
        if (s < 0) return "<no " + from.strip() + ">";
        s += from.length();
        int e = out.indexOf(to, s);
        return e < 0 ? out.substring(s) : out.substring(s, e);
    }

    private static String tail(String s) { return s.length() < 2000 ? s : s.substring(s.length() - 2000); }
}
