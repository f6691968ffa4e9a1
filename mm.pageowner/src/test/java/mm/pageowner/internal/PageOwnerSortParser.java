package mm.pageowner.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads /sys/kernel/debug/page_owner text the way tools/mm/page_owner_sort does (as its documentation describes
 * it): the input is cut into blocks at blank lines; from each block's text it takes the order ("order N,"), the pid
 * ("pid N,"), the tgid ("tgid N "), the task name (between the parentheses after the tgid, up to "), "), the
 * allocation time ("ts N ns") and the stack (the lines after the PFN line). A block it cannot read is an error here.
 */
final class PageOwnerSortParser {
    static final Pattern ORDER = Pattern.compile("order\\s*([0-9]*),");
    static final Pattern PID = Pattern.compile("pid\\s([0-9]*),");
    static final Pattern TGID = Pattern.compile("tgid\\s([0-9]*)\\s");
    static final Pattern COMM = Pattern.compile("tgid\\s[0-9]*\\s\\((.*)\\),\\s");
    static final Pattern TS = Pattern.compile("ts\\s*([0-9]*)\\s*ns");
    /** The whole first and second lines, for the stricter format checks. */
    static final Pattern FIRST = Pattern.compile("^Page allocated via order (\\d+), mask 0x([0-9a-f]+)\\(([A-Za-z0-9_|]*)\\),"
            + " pid (-?\\d+), tgid (-?\\d+) \\((.*)\\), ts (\\d+) ns$");
    static final Pattern PFN = Pattern.compile("^PFN 0x([0-9a-f]+) type (Unmovable|Movable|Reclaimable|HighAtomic|CMA|Isolate)"
            + " Block (\\d+) type (Unmovable|Movable|Reclaimable|HighAtomic|CMA|Isolate) Flags 0x([0-9a-f]+)\\(([a-z0-9_|=]*)\\)$");
    static final Pattern FRAME = Pattern.compile("^ [A-Za-z0-9_.]+\\+0x[0-9a-f]+/0x[0-9a-f]+$");

    record Block(String text, int order, int pid, int tgid, String comm, long ts, long pfn, String firstLine,
                 String pfnLine, List<String> stack, String migrated) {
        int pages() { return 1 << order; }
    }

    /** Every complete block (a truncated last block, as in head -200, is dropped). */
    static List<Block> parse(String text) {
        List<Block> out = new ArrayList<>();
        String[] parts = text.split("\n\n", -1);
        for (int i = 0; i < parts.length; i++) {
            String b = parts[i];
            if (b.isEmpty()) continue;
            if (i == parts.length - 1) break;   // no blank line after it: incomplete
            out.add(block(b));
        }
        return out;
    }

    static Block block(String b) {
        String[] lines = b.split("\n");
        int order = Integer.parseInt(group(ORDER, b));
        int pid = Integer.parseInt(group(PID, b));
        int tgid = Integer.parseInt(group(TGID, b));
        String comm = group(COMM, b);
        long ts = Long.parseLong(group(TS, b));
        if (!FIRST.matcher(lines[0]).matches()) throw new AssertionError("first line: " + lines[0]);
        Matcher p = PFN.matcher(lines[1]);
        if (!p.matches()) throw new AssertionError("PFN line: " + lines[1]);
        List<String> stack = new ArrayList<>();
        String migrated = null;
        for (int i = 2; i < lines.length; i++) {
            if (lines[i].startsWith("Page has been migrated, last migrate reason: ")) {
                migrated = lines[i].substring(lines[i].lastIndexOf(' ') + 1);
                continue;
            }
            if (!FRAME.matcher(lines[i]).matches()) throw new AssertionError("stack line: '" + lines[i] + "'");
            stack.add(lines[i].substring(1));
        }
        if (stack.isEmpty()) throw new AssertionError("no stack in " + b);
        return new Block(b, order, pid, tgid, comm, ts, Long.parseLong(p.group(1), 16), lines[0], lines[1], stack, migrated);
    }

    private static String group(Pattern p, String s) {
        Matcher m = p.matcher(s);
        if (!m.find()) throw new AssertionError(p + " does not match block:\n" + s);
        return m.group(1);
    }
}
