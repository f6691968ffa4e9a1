package mm.pageowner.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mm.core.api.CallStack;
import mm.core.api.Gfp;
import mm.core.api.Task;
import mm.shell.api.Report;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** mm:pageowner summary: the dump's records grouped page_owner_sort style, by stack, caller, order or pid. */
class SummaryTest {
    static Rig rig;
    static long records, pages;

    @BeforeAll
    static void boot() throws Exception {
        rig = new Rig();
        rig.boot(rig.shipped("tiny"), "late", "per-node");
        rig.model.setCurrentTask(new Task(777, 770, "summary-test"));
        for (int i = 0; i < 10; i++) rig.model.alloc(2, Gfp.GFP_KERNEL, 0, CallStack.of("get_page_from_freelist+0x1/0x10",
                "__alloc_pages_noprof+0x2/0x20", "summary_caller+0x3/0x30", "do_one_initcall+0x4/0x40"));
        StringBuilder sb = new StringBuilder();
        rig.owner.dump(sb);
        for (PageOwnerSortParser.Block b : PageOwnerSortParser.parse(sb.toString())) {
            records++;
            pages += b.pages();
        }
    }

    @AfterAll
    static void invariantsHold() {
        assertEquals(List.of(), rig.model.check());
    }

    static final Pattern LINE = Pattern.compile("(?m)^(\\d+) times, (\\d+) pages, (.*)$");

    /** Every group line's counts add up to the dump's records and pages. */
    static List<String> groups(Report r) {
        Matcher m = LINE.matcher(r.text());
        long t = 0, p = 0;
        List<String> tails = new java.util.ArrayList<>();
        while (m.find()) {
            t += Long.parseLong(m.group(1));
            p += Long.parseLong(m.group(2));
            tails.add(m.group(1) + " times, " + m.group(2) + " pages, " + m.group(3));
        }
        assertEquals(records, t, r.text());
        assertEquals(pages, p);
        assertEquals(records, r.data().get("records"));
        return tails;
    }

    @Test
    void byStackPrintsEachDistinctStackOnceWithItsAllocator() {
        Report r = rig.owner.summary("stack");
        List<String> g = groups(r);
        assertTrue(r.text().contains("10 times, 40 pages, allocated by OTHERS:\n get_page_from_freelist+0x1/0x10\n"
                + " __alloc_pages_noprof+0x2/0x20\n summary_caller+0x3/0x30\n do_one_initcall+0x4/0x40\n\n"), r.text());
        assertTrue(g.stream().anyMatch(l -> l.endsWith("allocated by SLAB:")), "slab pages of the boot workload");
        assertEquals(rig.owner.stackCount() >= g.size(), true);
        // sorted by times, most first
        long prev = Long.MAX_VALUE;
        for (String l : g) {
            long t = Long.parseLong(l.substring(0, l.indexOf(' ')));
            assertTrue(t <= prev);
            prev = t;
        }
    }

    @Test
    void byCallerSkipsTheAllocatorItself() {
        List<String> g = groups(rig.owner.summary("caller"));
        assertTrue(g.contains("10 times, 40 pages, caller summary_caller"), g.toString());
        assertTrue(g.stream().anyMatch(l -> l.endsWith("caller register_early_stack")), "the early records");
        assertTrue(g.stream().noneMatch(l -> l.endsWith("caller get_page_from_freelist")), g.toString());
    }

    @Test
    void byOrderAndByPid() {
        List<String> o = groups(rig.owner.summary("order"));
        assertTrue(o.stream().anyMatch(l -> l.matches("\\d+ times, \\d+ pages, order 2")), o.toString());
        List<String> p = groups(rig.owner.summary("pid"));
        assertTrue(p.contains("10 times, 40 pages, PID 777, TGID 770, task_comm_name: summary-test"), p.toString());
        assertTrue(p.stream().anyMatch(l -> l.endsWith("PID 1, TGID 1, task_comm_name: swapper/0")), p.toString());
        Map<?, ?> first = (Map<?, ?>) ((List<?>) rig.owner.summary("pid").data().get("groups")).get(0);
        assertTrue(first.containsKey("comm"));
    }

    @Test
    void anUnknownGroupingIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> rig.owner.summary("size"));
        assertEquals("unknown --by 'size' (expected stack, caller, order or pid)", e.getMessage());
    }
}
