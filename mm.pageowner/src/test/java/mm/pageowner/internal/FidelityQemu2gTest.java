package mm.pageowner.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mm.core.api.MemoryModel.BootResult;
import mm.core.api.Mm;
import mm.core.api.ZoneType;
import mm.machine.api.Machine;
import mm.pageext.api.PageExt;
import mm.pageowner.api.EarlyCount;
import org.junit.jupiter.api.Test;

/**
 * Fidelity against the real Linux 6.12 boots of refdata/qemu-2g-1node (copied into src/test/resources): each
 * console log imported into a machine and booted with the page_ext placement that kernel used must print the same
 * {@code allocated N bytes of page_ext} and per-zone early-allocated counts within 10 %, for the right reasons:
 * the tables are taken per section from node 0's buddy before the scan (72 bytes per page: 8 flags + 64 page_owner),
 * and the rest is the boot workload calibrated from the log.
 */
class FidelityQemu2gTest {
    static final Pattern BYTES = Pattern.compile("allocated (\\d+) bytes of page_ext");
    static final Pattern MEMORY = Pattern.compile("Memory: \\d+K/\\d+K available .*$");
    static final Pattern FOUND = Pattern.compile("Node (\\d+), zone\\s+(\\S+): page owner found early allocated (\\d+) pages");

    /** The kernel's lines of the first boot in a console log, timestamps stripped. */
    static List<String> real(String log, Pattern p) {
        List<String> out = new ArrayList<>();
        for (String l : log.split("\r?\n")) {
            Matcher m = p.matcher(l);
            if (m.find()) {
                String s = m.group();
                if (out.contains(s)) break;   // the console log repeats the boot log in a dump
                out.add(s);
            }
        }
        return out;
    }

    static List<String> ours(BootResult r, Pattern p) {
        return Rig.lines(r).stream().filter(l -> p.matcher(l).find()).toList();
    }

    static void compare(String log, String variant, String deferred, long realDma32) throws Exception {
        Rig rig = new Rig();
        String text = Rig.resource(log);
        Machine m = rig.machines.importDmesgText(log, text).machine();
        assertTrue(m.options().pageOwner(), "page_owner=on comes from the imported command line");
        BootResult r = rig.boot(m, variant, deferred);
        // the same bytes of page_ext: 16 sections x 32768 pages x 72 bytes
        assertEquals(List.of("allocated 37748736 bytes of page_ext"), real(text, BYTES));
        assertEquals(real(text, BYTES), ours(r, BYTES));
        assertEquals(72, rig.ext.entrySize());
        // the Memory: line exact: what was out of the buddy by then (page_ext's tables too when they came early)
        assertEquals(real(text, MEMORY), ours(r, MEMORY));
        // the same zones, in the same order, with counts within 10 %
        List<String> realFound = real(text, FOUND), ourFound = ours(r, FOUND);
        assertEquals(2, realFound.size());
        assertEquals(realFound.size(), ourFound.size(), String.join("\n", Rig.lines(r)));
        for (int i = 0; i < realFound.size(); i++) {
            Matcher a = FOUND.matcher(realFound.get(i)), b = FOUND.matcher(ourFound.get(i));
            assertTrue(a.find() && b.find());
            assertEquals(a.group(1) + " " + a.group(2), b.group(1) + " " + b.group(2));
            long k = Long.parseLong(a.group(3)), o = Long.parseLong(b.group(3));
            assertTrue(Math.abs(o - k) <= Math.ceil(k * 0.10), "kernel " + realFound.get(i) + ", mmkit " + ourFound.get(i));
        }
        assertEquals("Node 0, zone    DMA32: page owner found early allocated " + realDma32 + " pages", realFound.get(1));

        // ... for the right reasons. The tables: one per present section, order-10 blocks cut to 576 pages, from
        // node 0's buddy, each page of them found by the scan as early allocated.
        List<PageExt.Section> secs = rig.ext.sections();
        assertEquals(16, secs.size());
        long tablePages = 0;
        for (PageExt.Section s : secs) {
            assertEquals("buddy", s.source());
            assertEquals(0, s.tableNid());
            for (long pfn = s.where(); pfn < s.where() + s.bytes() / Mm.PAGE_SIZE; pfn++) {
                var rec = rig.owner.record(pfn);
                assertTrue(rec != null && rec.early() && rec.allocated() && rec.order() == 0, "table page " + pfn + ": " + rec);
                tablePages++;
            }
            assertTrue(rig.owner.record(s.where() + s.bytes() / Mm.PAGE_SIZE) == null
                    || !rig.owner.record(s.where() + s.bytes() / Mm.PAGE_SIZE).early(), "the tail went back to the buddy");
        }
        assertEquals(9216, tablePages);
        // The rest: the workload the machine description calibrated from the log, in the windows before the scan.
        long found = rig.owner.earlyCounts().stream().mapToLong(EarlyCount::pages).sum();
        long workload = m.workload().earlyPages() + (variant.equals("early") ? 0 : m.workload().midPages());
        long rest = found - tablePages;
        assertTrue(rest >= workload && rest <= workload + 100,
                "beyond the tables the scan found " + rest + " pages; the workload before it allocated " + workload
                        + " (the difference: pages freed onto per-cpu lists, which are not PageBuddy)");
        assertEquals(0, rig.owner.earlyCounts().get(0).pages());
        assertEquals(ZoneType.DMA, rig.owner.earlyCounts().get(0).zone());
        assertEquals(List.of(), rig.model.check());
    }

    @Test
    void lateInitWithDeferredInitMatchesTheRealBoot() throws Exception {
        compare("refdata/qemu-2g-1node/console.log", "late", "per-node", 10228);
    }

    @Test
    void earlyPageExtWithDeferredInitOffMatchesTheRealBoot() throws Exception {
        compare("refdata/qemu-2g-1node/console-early_page_ext.log", "early", "off", 9306);
    }
}
