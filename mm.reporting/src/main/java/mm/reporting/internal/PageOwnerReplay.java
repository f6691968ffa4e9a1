package mm.reporting.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mm.core.api.CallStack;
import mm.core.api.Gfp;
import mm.core.api.MemoryModel;
import mm.core.api.MigrateType;
import mm.core.api.Mm;
import mm.core.api.NodeInfo;
import mm.core.api.Task;

/**
 * {@code mm:workload replay FILE}: re-issues the allocations of a real {@code /sys/kernel/debug/page_owner} dump
 * (mm/page_owner.c's print_page_owner records) in timestamp order, each with its order, GFP mask, stack and task,
 * on the node its page was on. The whole file is read first: a record the parser cannot read fails the command at
 * its file:line:column and nothing is allocated; an allocation the emulated machine cannot satisfy gives back what
 * the replay had allocated and fails the command naming the record.
 */
final class PageOwnerReplay {
    /** One record of the dump. */
    record Rec(int line, int order, int gfp, Task task, long ts, long pfn, int nid, CallStack stack) {}

    /** What a replay did. */
    record Result(int records, long pages, int atRecordedPfn, int sameNode, long[] pagesByNode) {}

    private static final Pattern HEAD = Pattern.compile("^Page allocated via order (\\d+), mask (0x[0-9a-f]+)\\(([^)]*)\\)"
            + ", pid (-?\\d+), tgid (-?\\d+) \\((.*)\\), ts (\\d+) ns(?:, free_ts \\d+ ns)?$");
    private static final Pattern PFN = Pattern.compile("^PFN (0x[0-9a-f]+|\\d+) type (\\S+) Block (\\d+) type (\\S+) Flags "
            + "(0x[0-9a-f]+)\\(([^)]*)\\)$");
    private static final Pattern FRAME = Pattern.compile("^ (\\S+)$");
    private static final Pattern NODE_FLAG = Pattern.compile("(?:^|\\|)node=(\\d+)(?:\\||$)");

    private PageOwnerReplay() {}

    /** Parses a whole dump; the first problem is an IllegalArgumentException "FILE:LINE:COL: what". */
    static List<Rec> parse(String file, String text) {
        String[] lines = text.split("\r?\n", -1);
        List<Rec> out = new ArrayList<>();
        int i = 0;
        while (i < lines.length) {
            if (lines[i].isEmpty()) { i++; continue; }
            Matcher h = HEAD.matcher(lines[i]);
            if (!h.matches()) throw error(file, i, col(lines[i], HEAD_PARTS),
                    "expected a record's first line 'Page allocated via order N, mask 0x..(..), pid P, tgid T (comm),"
                            + " ts N ns', got '" + shown(lines[i]) + "'");
            int headLine = i;
            int order = Integer.parseInt(h.group(1));
            if (order > Mm.MAX_PAGE_ORDER) throw error(file, i, h.start(1) + 1, "order " + order + " is above "
                    + Mm.MAX_PAGE_ORDER + " (MAX_PAGE_ORDER)");
            long mask = Long.parseLong(h.group(2).substring(2), 16);
            if (mask > 0xffffffffL) throw error(file, i, h.start(2) + 1, "mask " + h.group(2) + " is wider than a gfp_t");
            int gfp = (int) mask;
            int pid = Integer.parseInt(h.group(4)), tgid = Integer.parseInt(h.group(5));
            Task task = new Task(pid, tgid, h.group(6));
            long ts = Long.parseLong(h.group(7));
            i++;
            if (i >= lines.length) throw error(file, i - 1, lines[i - 1].length() + 1, "record cut short: no 'PFN' line");
            Matcher p = PFN.matcher(lines[i]);
            if (!p.matches()) throw error(file, i, 1, "expected 'PFN 0x.. type T Block B type T Flags 0x..(..)', got '"
                    + shown(lines[i]) + "'");
            long pfn = p.group(1).startsWith("0x") ? Long.parseLong(p.group(1).substring(2), 16) : Long.parseLong(p.group(1));
            MigrateType mt = Gfp.migratetype(gfp);
            if (!mt.kernelName().equals(p.group(2)))
                throw error(file, i, p.start(2) + 1, "the page's migratetype " + p.group(2) + " is not its mask's ("
                        + mt.kernelName() + " for " + h.group(2) + ")");
            Matcher nf = NODE_FLAG.matcher(p.group(6));
            int nid = nf.find() ? Integer.parseInt(nf.group(1)) : -1;
            i++;
            List<String> frames = new ArrayList<>();
            while (i < lines.length && !lines[i].isEmpty()) {
                Matcher f = FRAME.matcher(lines[i]);
                if (!f.matches()) throw error(file, i, 1, "expected a stack frame ' function+0xOFF/0xLEN' or a blank"
                        + " line, got '" + shown(lines[i]) + "'");
                frames.add(f.group(1));
                i++;
            }
            if (frames.isEmpty()) throw error(file, i, 1, "record of line " + (headLine + 1) + " has no stack");
            out.add(new Rec(headLine + 1, order, gfp, task, ts, pfn, nid, CallStack.of(frames.toArray(new String[0]))));
        }
        return out;
    }

    /** Allocates every record in timestamp order; all or nothing. */
    static Result replay(String file, List<Rec> recs, MemoryModel model) {
        List<Rec> sorted = new ArrayList<>(recs);
        sorted.sort(Comparator.comparingLong(Rec::ts)); // stable: records of one timestamp keep the file's order
        List<NodeInfo> nodes = model.nodes();
        int maxNid = -1;
        for (NodeInfo n : nodes) maxNid = Math.max(maxNid, n.nid());
        long[] byNode = new long[maxNid + 1];
        List<long[]> done = new ArrayList<>();
        Task prev = model.currentTask();
        int atRecordedPfn = 0, sameNode = 0;
        long pages = 0;
        try {
            for (Rec r : sorted) {
                model.setCurrentTask(r.task());
                boolean known = false;
                for (NodeInfo n : nodes) if (n.nid() == r.nid() && n.presentPages() > 0) known = true;
                long pfn = model.alloc(r.order(), r.gfp() | Gfp.__GFP_NOWARN, known ? r.nid() : -1, r.stack());
                if (pfn < 0) {
                    for (int j = done.size() - 1; j >= 0; j--) model.free(done.get(j)[0], (int) done.get(j)[1]);
                    done.clear();
                    throw new IllegalArgumentException(file + ":" + r.line() + ": the emulated machine has no free block"
                            + " of order " + r.order() + " for this record (after " + pages + " pages replayed); nothing"
                            + " was kept");
                }
                done.add(new long[] {pfn, r.order()});
                pages += 1L << r.order();
                if (pfn == r.pfn()) atRecordedPfn++;
                int nid = nodeOf(nodes, pfn);
                if (nid >= 0) byNode[nid] += 1L << r.order();
                if (nid == r.nid()) sameNode++;
            }
        } finally {
            model.setCurrentTask(prev);
        }
        return new Result(sorted.size(), pages, atRecordedPfn, sameNode, byNode);
    }

    private static int nodeOf(List<NodeInfo> nodes, long pfn) {
        for (NodeInfo n : nodes) if (pfn >= n.startPfn() && pfn < n.startPfn() + n.spannedPages()) return n.nid();
        return -1;
    }

    /** The first record line's fields, in order: the column of a bad line is where the first one fails. */
    private static final String[] HEAD_PARTS = {"Page allocated via order ", "\\d+", ", mask ", "0x[0-9a-f]+",
        "\\([^)]*\\)", ", pid ", "-?\\d+", ", tgid ", "-?\\d+", " \\(.*\\)", ", ts ", "\\d+", " ns"};

    private static int col(String line, String[] parts) {
        StringBuilder re = new StringBuilder();
        int end = 0;
        for (String part : parts) {
            re.append(part);
            Matcher m = Pattern.compile(re.toString()).matcher(line);
            if (!m.lookingAt()) return end + 1;
            end = m.end();
        }
        return end + 1;
    }

    private static String shown(String s) {
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    private static IllegalArgumentException error(String file, int lineIndex, int col, String what) {
        return new IllegalArgumentException(file + ":" + (lineIndex + 1) + ":" + col + ": " + what);
    }
}
