package mm.machine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import mm.machine.api.Machine;
import mm.machine.api.MachineFormatException;
import org.junit.jupiter.api.Test;

/**
 * Generated bad input: the shipped machine files, mutated the way careless hands and hostile files do (a token
 * replaced by a huge, negative, empty or invisible one, a line dropped, doubled or cut, a keyword misspelled). The
 * property for every case: the parser returns a machine, or throws MachineFormatException whose message is one line
 * of the form FILE:LINE:COLUMN: reason, with the line inside the file and no echoed token longer than the reason
 * needs. Never another exception type, never a Java exception text. 1000 cases each from a fixed seed (plain JUnit: a
 * failure names its case, which the same seed replays).
 */
class MutatedMachineFilesTest {
    static final List<String> SHIPPED = List.of("tiny", "tiny-2node", "default", "hotplug-demo", "grow-zone", "qemu-2g",
            "xeon-2x384g", "skylake-2x384g", "duyck-2018");
    static final Pattern ONE_LINE = Pattern.compile("^mutated:(\\d+):(\\d+): [^\\n]+$");
    static final List<String> NASTY = List.of("0", "-1", "0x", "4Q", "18446744073709551616", "0x7fffffffffffffff",
            "1E", "9999999999999999999999999", "99999999999999999999999999999999999999999999999999999999999999999999",
            "", "\uFEFF", "\u00a0", "\t", "node", "-", "+", "0x100000-0x0", "4G+0", "1P+1G", "0x100000-7E", "%", "#",
            "nid", "caller", "usable", "pmem", "present", "absent", "at", "cpus", "\u0000");

    record Mutation(int line, int kind, int token, String replacement) {}

    static final long SEED = 20261207L;
    static final int CASES = 1000;

    /** A mutation: where, what kind, which token, and a nasty, random or numeric replacement. */
    static Mutation mutation(SplittableRandom r) {
        String replacement = switch (r.nextInt(3)) {
            case 0 -> NASTY.get(r.nextInt(NASTY.size()));
            case 1 -> {
                StringBuilder b = new StringBuilder();
                for (int n = r.nextInt(13); n > 0; n--) b.append((char) r.nextInt(0x20, 0x7f)); // printable ASCII
                if (r.nextInt(8) == 0) b.append((char) r.nextInt(0x80, 0x3000)); // and now and then something else
                yield b.toString();
            }
            default -> Long.toString(r.nextLong());
        };
        return new Mutation(r.nextInt(10_001), r.nextInt(6), r.nextInt(13), replacement);
    }

    static String mutate(String text, Mutation m) {
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        int i = m.line() % lines.size();
        String l = lines.get(i);
        String[] words = l.trim().isEmpty() ? new String[0] : l.trim().split("\\s+");
        switch (m.kind()) {
            case 0 -> lines.remove(i); // a line dropped
            case 1 -> lines.add(i, l); // a line doubled
            case 2 -> lines.set(i, l.substring(0, l.length() / 2)); // a line cut
            case 3 -> lines.add(i, m.replacement()); // a stray line
            default -> { // a token replaced
                if (words.length == 0) {
                    lines.set(i, m.replacement());
                } else {
                    words[m.token() % words.length] = m.replacement();
                    lines.set(i, String.join(" ", words));
                }
            }
        }
        return String.join("\n", lines);
    }

    @Test
    void aMutatedMachineParsesOrFailsWithOneSentenceThatSaysWhere() throws Exception {
        SplittableRandom r = new SplittableRandom(SEED);
        for (int c = 0; c < CASES; c++) {
            String name = SHIPPED.get(r.nextInt(SHIPPED.size()));
            Mutation m = mutation(r);
            String bad = mutate(MachineServiceImpl.builtinText(name).orElseThrow(), m);
            String what = "case " + c + " (seed " + SEED + "): " + name + " " + m;
            try {
                Machine parsed = new MachineServiceImpl().parse("mutated", bad);
                assertNotNull(parsed, what);
                assertFalse(parsed.nodes().isEmpty(), "a machine has a node: " + what);
            } catch (MachineFormatException e) {
                assertOneSentenceThatSaysWhere(e.getMessage(), bad, what);
            } catch (RuntimeException e) {
                throw new AssertionError("not a MachineFormatException: " + what, e);
            }
        }
    }

    /** One line FILE:LINE:COLUMN: reason, the line inside the input, short, printable, no Java exception text. */
    static void assertOneSentenceThatSaysWhere(String msg, String input, String what) {
        var matcher = ONE_LINE.matcher(msg);
        assertTrue(matcher.matches(), "one line FILE:LINE:COLUMN: reason, got: " + msg + " in " + what);
        int line = Integer.parseInt(matcher.group(1));
        assertTrue(line >= 1 && line <= input.split("\n", -1).length + 1, "line " + line + " is in the input: " + msg);
        assertTrue(msg.length() < 400, "an error line of " + msg.length() + " characters: " + msg);
        assertFalse(msg.contains("Exception") || msg.contains("For input string") || msg.matches(".*: -?\\d+$"),
                "a Java exception text: " + msg + " in " + what);
        assertEquals(-1, msg.indexOf('\u0000'), "invisible characters are shown escaped: " + msg);
    }

    static final List<String> LOGS = List.of("refdata/qemu-2g-1node/console.log",
            "refdata/qemu-2g-1node/console-early_page_ext.log", "dmesg/two-node.log");

    @Test
    void aMutatedBootLogImportsOrFailsWithOneSentenceThatSaysWhere() throws Exception {
        SplittableRandom r = new SplittableRandom(SEED + 1);
        for (int c = 0; c < CASES; c++) {
            String log = LOGS.get(r.nextInt(LOGS.size()));
            Mutation m = mutation(r);
            String bad = mutate(DmesgImportTest.resource(log), m);
            String what = "case " + c + " (seed " + (SEED + 1) + "): " + log + " " + m;
            try {
                var imported = new MachineServiceImpl().importDmesgText("mutated", bad);
                assertFalse(imported.machine().nodes().isEmpty(), "an imported machine has a node: " + what);
            } catch (MachineFormatException e) {
                assertOneSentenceThatSaysWhere(e.getMessage(), bad, what);
            } catch (RuntimeException e) {
                throw new AssertionError("not a MachineFormatException: " + what, e);
            }
        }
    }

    @Test
    void aGiantTokenIsCutAndAByteOrderMarkIsShownEscaped() {
        String huge = "9".repeat(10_000_000);
        MachineFormatException e = org.junit.jupiter.api.Assertions.assertThrows(MachineFormatException.class,
                () -> new MachineServiceImpl().parse("m", "node 0 cpus 1\ne820 0x0-" + huge + " usable\n"));
        assertTrue(e.getMessage().length() < 300, e.getMessage().length() + " characters");
        assertTrue(e.getMessage().contains("..."), e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(MachineFormatException.class,
                () -> new MachineServiceImpl().parse("m", "\uFEFFnode 0 cpus 1\n"));
        assertTrue(e.getMessage().startsWith("m:1:1: unknown keyword '\\ufeffnode'"), e.getMessage());
    }
}
