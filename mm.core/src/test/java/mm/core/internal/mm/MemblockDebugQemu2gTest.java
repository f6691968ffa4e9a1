package mm.core.internal.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import mm.core.internal.deferred.DeferredInits;
import mm.machine.api.Machine;
import mm.machine.internal.MachineServiceImpl;
import mm.variant.internal.StandaloneVariants;
import org.junit.jupiter.api.Test;

/**
 * memblock=debug as the kernel prints it: mmkit's memblock lines for qemu-2g (every memblock_alloc* call with its
 * size, alignment, nid, bounds and caller, every memblock_reserve / memblock_phys_free with its caller, the
 * MEMBLOCK configuration dumps at the kernel's points with their "on node N") against the real 6.12 boot's, line
 * for line.
 */
class MemblockDebugQemu2gTest {
    private static final Pattern MEMBLOCK_LINE = Pattern.compile(
            "^(memblock_\\w+: .*|MEMBLOCK configuration:| memory size = .*| (memory|reserved)\\.cnt .*| (memory|reserved)\\[0x.*)$");
    private static final Pattern NUMBER = Pattern.compile("0x[0-9a-f]+|\\b[0-9]+\\b");

    /** The memblock=debug lines of a log (timestamps stripped), up to the second boot when there is one. */
    static List<String> memblockLines(List<String> messages) {
        List<String> out = new ArrayList<>();
        boolean seenVersion = false;
        for (String m : messages) {
            if (m.startsWith("Linux version ")) {
                if (seenVersion) break;
                seenVersion = true;
            }
            if (m.startsWith("@@@")) break; // the dumps the harness appended after the boot
            if (MEMBLOCK_LINE.matcher(m).matches()) out.add(m);
        }
        return out;
    }

    static List<String> realMessages(String console) {
        List<String> out = new ArrayList<>();
        for (String l : console.split("\r?\n")) {
            int i = l.indexOf("] ");
            if (l.contains("[    ") && i >= 0) out.add(l.substring(i + 2));
            else if (l.startsWith("@@@")) out.add(l);
        }
        return out;
    }

    /** Numbers masked: what stays is the line's shape (function, fields, caller symbol without its offsets). */
    static String mask(String line) {
        return NUMBER.matcher(line).replaceAll("#");
    }

    /** The index of the first line where the two lists differ (under {@code masked}), or -1. */
    static int firstMismatch(List<String> real, List<String> ours, boolean masked) {
        for (int i = 0; i < Math.max(real.size(), ours.size()); i++) {
            if (i >= real.size() || i >= ours.size()) return i;
            String a = masked ? mask(real.get(i)) : real.get(i), b = masked ? mask(ours.get(i)) : ours.get(i);
            if (!a.equals(b)) return i;
        }
        return -1;
    }

    static String report(List<String> real, List<String> ours, int at) {
        StringBuilder sb = new StringBuilder("first mismatch at memblock line " + (at + 1) + " of " + real.size() + ":");
        for (int i = at; i < at + 8; i++) {
            sb.append("\n kernel: ").append(i < real.size() ? real.get(i) : "(end)");
            sb.append("\n mmkit:  ").append(i < ours.size() ? ours.get(i) : "(end)");
        }
        return sb.toString();
    }

    /** Lines of {@code real} that {@code ours} has in the same order under the mask (longest common subsequence). */
    static int commonLines(List<String> real, List<String> ours) {
        int[][] l = new int[real.size() + 1][ours.size() + 1];
        for (int i = real.size() - 1; i >= 0; i--) {
            for (int j = ours.size() - 1; j >= 0; j--) {
                l[i][j] = mask(real.get(i)).equals(mask(ours.get(j))) ? l[i + 1][j + 1] + 1 : Math.max(l[i + 1][j], l[i][j + 1]);
            }
        }
        return l[0][0];
    }

    static List<String> boot(Machine m) {
        StandaloneVariants variants = new StandaloneVariants();
        DeferredInits.register(variants::register);
        MemoryModelImpl model = new MemoryModelImpl(variants);
        return memblockLines(model.boot(m).log().stream().map(l -> l.substring(l.indexOf("] ") + 2)).toList());
    }

    @Test
    void qemu2gPrintsTheKernelsMemblockLogLineForLine() throws Exception {
        String console = FidelityQemu2gTest.resource("refdata/qemu-2g-1node/console.log");
        List<String> real = memblockLines(realMessages(console));
        Machine m = new MachineServiceImpl().importDmesgText("qemu-2g", console).machine();
        List<String> ours = boot(m);
        assertTrue(real.size() > 130, "the fixture's memblock lines: " + real.size());
        int at = firstMismatch(real, ours, false);
        assertEquals(-1, at, () -> report(real, ours, at));
    }

    /**
     * Without the log to replay: qemu-2g's machine with its memblock lines taken out (the kernel image reserved as the
     * first dump shows it), so setup_arch makes its own memblock calls by the kernel's rules. Numbers masked, the
     * lines must have the kernel's order, functions, fields and callers.
     */
    @Test
    void synthesizedBootFollowsTheKernelsSequenceUnderAMask() throws Exception {
        String console = FidelityQemu2gTest.resource("refdata/qemu-2g-1node/console.log");
        List<String> real = memblockLines(realMessages(console));
        MachineServiceImpl ms = new MachineServiceImpl();
        String text = ms.render(ms.importDmesgText("qemu-2g", console).machine());
        StringBuilder own = new StringBuilder();
        for (String l : text.split("\n")) {
            if (l.startsWith("memblock ")) continue;
            own.append(l).append('\n');
            if (l.startsWith("reserve initrd")) own.append("reserve kernel 0x1000000-0x3810fff\n");
        }
        List<String> ours = boot(ms.parse("qemu-2g-synthesized", own.toString()));
        int same = commonLines(real, ours);
        int at = firstMismatch(real, ours, true);
        System.out.printf("synthesized qemu-2g memblock=debug: %d of %d lines equal under the mask; %s%n", same,
                real.size(), at < 0 ? "no mismatch" : report(real, ours, at));
        assertTrue(same * 10 >= real.size() * 9, () -> same + " of " + real.size() + "; " + report(real, ours, at));
    }
}
