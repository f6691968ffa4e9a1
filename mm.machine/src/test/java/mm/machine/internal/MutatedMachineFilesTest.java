package mm.machine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import mm.machine.api.Machine;
import mm.machine.api.MachineFormatException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Generated bad input: the shipped machine files, mutated the way careless hands and hostile files do (a token
 * replaced by a huge, negative, empty or invisible one, a line dropped, doubled or cut, a keyword misspelled). The
 * property for every case: the parser returns a machine, or throws MachineFormatException whose message is one line
 * of the form FILE:LINE:COLUMN: reason, with the line inside the file and no echoed token longer than the reason
 * needs. Never another exception type, never a Java exception text. Seeded by jqwik (its database replays failures).
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

    @Provide
    Arbitrary<String> machine() {
        return Arbitraries.of(SHIPPED);
    }

    @Provide
    Arbitrary<Mutation> mutation() {
        return Combinators.combine(Arbitraries.integers().between(0, 10_000), Arbitraries.integers().between(0, 5),
                Arbitraries.integers().between(0, 12), Arbitraries.oneOf(Arbitraries.of(NASTY),
                        Arbitraries.strings().ofMaxLength(12), Arbitraries.longs().map(v -> Long.toString(v))))
                .as(Mutation::new);
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

    @Property(tries = 1000, seed = "20261207")
    void aMutatedMachineParsesOrFailsWithOneSentenceThatSaysWhere(@ForAll("machine") String name,
                                                                   @ForAll("mutation") Mutation m) throws Exception {
        String text = MachineServiceImpl.builtinText(name).orElseThrow();
        String bad = mutate(text, m);
        MachineServiceImpl svc = new MachineServiceImpl();
        try {
            Machine parsed = svc.parse("mutated", bad);
            assertNotNull(parsed);
            assertFalse(parsed.nodes().isEmpty(), "a machine has a node");
        } catch (MachineFormatException e) {
            assertOneSentenceThatSaysWhere(e.getMessage(), bad);
        }
    }

    /** One line FILE:LINE:COLUMN: reason, the line inside the input, short, printable, no Java exception text. */
    static void assertOneSentenceThatSaysWhere(String msg, String input) {
        var matcher = ONE_LINE.matcher(msg);
        assertTrue(matcher.matches(), "one line FILE:LINE:COLUMN: reason, got: " + msg);
        int line = Integer.parseInt(matcher.group(1));
        assertTrue(line >= 1 && line <= input.split("\n", -1).length + 1, "line " + line + " is in the input: " + msg);
        assertTrue(msg.length() < 400, "an error line of " + msg.length() + " characters: " + msg);
        assertFalse(msg.contains("Exception") || msg.contains("For input string") || msg.matches(".*: -?\\d+$"),
                "a Java exception text: " + msg);
        assertEquals(-1, msg.indexOf('\u0000'), "invisible characters are shown escaped: " + msg);
    }

    @Provide
    Arbitrary<String> bootLog() {
        return Arbitraries.of("refdata/qemu-2g-1node/console.log", "refdata/qemu-2g-1node/console-early_page_ext.log",
                "dmesg/two-node.log");
    }

    @Property(tries = 1000, seed = "20261207")
    void aMutatedBootLogImportsOrFailsWithOneSentenceThatSaysWhere(@ForAll("bootLog") String log,
                                                                   @ForAll("mutation") Mutation m) throws Exception {
        String bad = mutate(DmesgImportTest.resource(log), m);
        try {
            var r = new MachineServiceImpl().importDmesgText("mutated", bad);
            assertFalse(r.machine().nodes().isEmpty(), "an imported machine has a node");
        } catch (MachineFormatException e) {
            assertOneSentenceThatSaysWhere(e.getMessage(), bad);
        }
    }

    @Example
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
