package mm.trace.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import mm.core.api.CallStack;
import mm.core.api.Gfp;
import org.junit.jupiter.api.Test;

class TracerTest {
    static final CallStack STACK = CallStack.of("trace_test", "TracerTest");

    /** Issue 16's check: the trace of a boot of tiny is read by a parser written for the kernel's trace format. */
    @Test
    void bootOfTinyReadsAsAKernelTrace() throws Exception {
        Rig r = new Rig();
        r.tracer.start();
        r.model.boot(r.builtin("tiny"));
        r.tracer.stop();
        String trace = r.trace();
        String[] lines = trace.split("\n");
        // print_trace_header of the nop tracer, as 6.12 prints it without the tgid option
        assertEquals("# tracer: nop", lines[0]);
        Matcher h = KernelTraceFormat.HEADER.matcher(lines[2]);
        assertTrue(h.matches(), lines[2]);
        assertEquals(r.tracer.entries(), Long.parseLong(h.group(1)));
        assertEquals("#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION", lines[10]);
        List<KernelTraceFormat.Entry> entries = KernelTraceFormat.parse(trace);
        assertEquals(r.tracer.entries(), entries.size());
        assertEquals(0, r.tracer.overrun(), "tiny's boot fits the default buffer");
        Map<String, Integer> count = new TreeMap<>();
        for (KernelTraceFormat.Entry e : entries) count.merge(e.event(), 1, Integer::sum);
        for (String ev : List.of("mm_page_alloc", "mm_page_free", "mm_page_alloc_zone_locked", "memblock_reserve",
                "memblock_alloc_try_nid")) {
            assertTrue(count.getOrDefault(ev, 0) > 0, ev + " recorded: " + count);
        }
        long bootFrees = KernelTraceFormat.checkAllocFree(entries);
        assertTrue(bootFrees > 0, "free_initmem frees memory memblock had reserved");
        // the boot's memblock operations come before its first page allocation, and time never runs backwards
        int firstAlloc = indexOf(entries, "mm_page_alloc"), lastMemblock = -1;
        for (int i = 0; i < entries.size(); i++) if (entries.get(i).event().startsWith("memblock_alloc")) lastMemblock = i;
        assertTrue(lastMemblock < firstAlloc || firstAlloc < 0 || lastMemblock > 0);
        assertTrue(indexOf(entries, "memblock_reserve") < firstAlloc);
        for (int i = 1; i < entries.size(); i++) {
            assertTrue(entries.get(i).usecs() >= entries.get(i - 1).usecs(), "time goes back at entry " + i);
        }
        // pid 0 is "<idle>" as trace_find_cmdline prints it
        for (KernelTraceFormat.Entry e : entries) if (e.pid() == 0) assertEquals("<idle>", e.comm());
        assertEquals(List.of(), r.model.check());
    }

    private static int indexOf(List<KernelTraceFormat.Entry> entries, String event) {
        for (int i = 0; i < entries.size(); i++) if (entries.get(i).event().equals(event)) return i;
        return -1;
    }

    /** While off, no hook of the tracer is bound and nothing is recorded; start binds only what the events need. */
    @Test
    void offBindsNothingAndTheFilterBindsOnlyWhatItNeeds() throws Exception {
        Rig r = new Rig();
        r.model.boot(r.builtin("tiny"));
        assertEquals(0, r.boundAlloc + r.boundTracepoints);
        long pfn = r.model.alloc(0, Gfp.GFP_KERNEL, 0, STACK);
        r.model.free(pfn, 0);
        assertEquals(0, r.tracer.written());

        r.tracer.setEvents(List.of("memblock"));
        r.tracer.start();
        assertEquals(0, r.boundAlloc, "memblock events need no page alloc hook");
        assertEquals(1, r.boundTracepoints);
        r.tracer.setEvents(List.of("kmem:mm_page_alloc", "mm_page_free"));
        assertEquals(1, r.boundAlloc);
        assertEquals(0, r.boundTracepoints, "rebinding on a filter change drops the tracepoint hook");
        pfn = r.model.alloc(2, Gfp.GFP_KERNEL, 0, STACK);
        r.model.free(pfn, 2);
        r.tracer.stop();
        assertEquals(0, r.boundAlloc + r.boundTracepoints);
        List<KernelTraceFormat.Entry> e = KernelTraceFormat.parse(r.trace());
        assertEquals(List.of("mm_page_alloc", "mm_page_free"), e.stream().map(KernelTraceFormat.Entry::event).toList());
        assertEquals(Long.toHexString(pfn), e.get(0).fields().group(2));
        assertEquals("2", e.get(0).fields().group(3));
        assertEquals("GFP_KERNEL", e.get(0).fields().group(5));
        assertEquals("0", e.get(0).fields().group(4), "gfp_migratetype(GFP_KERNEL) is MIGRATE_UNMOVABLE");
        assertEquals(List.of(), r.model.check());
    }

    @Test
    void anUnknownEventIsRefusedAndChangesNothing() {
        Rig r = new Rig();
        r.tracer.setEvents(List.of("kmem"));
        List<String> before = r.tracer.enabledEvents();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> r.tracer.setEvents(List.of("mm_page_alloc", "mm_page_allocc")));
        assertTrue(e.getMessage().startsWith("no trace event 'mm_page_allocc'"), e.getMessage());
        assertEquals(before, r.tracer.enabledEvents());
        r.tracer.setEvents(List.of("!mm_page_pcpu_drain"));
        assertEquals(before.size() - 1, r.tracer.enabledEvents().size());
        assertFalse(r.tracer.enabledEvents().contains("kmem:mm_page_pcpu_drain"));
        r.tracer.setEvents(List.of("*"));
        assertEquals(r.tracer.availableEvents(), r.tracer.enabledEvents());
    }

    /** A full buffer overwrites its oldest entries and counts them, as the kernel's overwrite mode does. */
    @Test
    void aFullBufferKeepsTheNewestEntriesAndCountsTheOverrun() throws Exception {
        Rig r = new Rig();
        r.tracer.resize(64);
        r.tracer.start();
        r.model.boot(r.builtin("tiny"));
        long[] last = new long[4];
        for (int i = 0; i < 4; i++) last[i] = r.model.alloc(0, Gfp.GFP_KERNEL, 0, STACK);
        r.tracer.stop();
        assertEquals(64, r.tracer.entries());
        assertTrue(r.tracer.written() > 64);
        assertEquals(r.tracer.written() - 64, r.tracer.overrun());
        String trace = r.trace();
        assertTrue(trace.contains("# entries-in-buffer/entries-written: 64/" + r.tracer.written() + "   #P:"), trace);
        List<KernelTraceFormat.Entry> e = KernelTraceFormat.parse(trace);
        assertEquals(64, e.size());
        KernelTraceFormat.Entry end = e.get(63);
        assertEquals("mm_page_alloc", end.event());
        assertEquals(Long.toHexString(last[3]), end.fields().group(2), "the newest entry is the last allocation");
        r.tracer.clear();
        assertEquals(0, r.tracer.written());
        assertEquals(0, KernelTraceFormat.parse(r.trace()).size());
        for (long p : last) r.model.free(p, 0);
        assertEquals(List.of(), r.model.check());
    }

    /**
     * Unmovable allocations that outrun their free lists fall back to movable pageblocks (mm_page_alloc_extfrag),
     * and the per-cpu list drains to the buddy (mm_page_pcpu_drain): the refills grew pcp->high enough to take all
     * the frees back (6.12's auto-tuning), so it is vmstat_update's decay, in the idle seconds after, that drains it.
     */
    @Test
    void fallbackAndDrainAreTraced() throws Exception {
        Rig r = new Rig();
        r.model.boot(r.builtin("tiny"));
        r.tracer.setEvents(List.of("mm_page_alloc_extfrag", "mm_page_pcpu_drain", "mm_page_alloc_zone_locked"));
        r.tracer.start();
        List<Long> held = new ArrayList<>();
        for (int i = 0; i < 4000; i++) {
            long p = r.model.alloc(0, Gfp.GFP_KERNEL, 0, STACK);
            if (p < 0) break;
            held.add(p);
        }
        for (long p : held) r.model.free(p, 0);
        r.model.advanceClock(30_000_000_000L);
        r.tracer.stop();
        List<KernelTraceFormat.Entry> e = KernelTraceFormat.parse(r.trace());
        Map<String, Integer> count = new TreeMap<>();
        for (KernelTraceFormat.Entry x : e) count.merge(x.event(), 1, Integer::sum);
        assertTrue(count.getOrDefault("mm_page_alloc_extfrag", 0) > 0, count::toString);
        assertTrue(count.getOrDefault("mm_page_pcpu_drain", 0) > 0, count::toString);
        for (KernelTraceFormat.Entry x : e) {
            if (x.event().equals("mm_page_alloc_extfrag")) {
                assertEquals("9", x.fields().group(5), "pageblock_order");
                assertEquals("0", x.fields().group(6), "alloc_migratetype: unmovable");
                int fallbackOrder = Integer.parseInt(x.fields().group(4));
                assertEquals(fallbackOrder < 9 ? "1" : "0", x.fields().group(8), "fragmenting");
            }
            if (x.event().equals("mm_page_alloc_zone_locked")) {
                assertEquals("d..1.", x.flags(), "under zone->lock, interrupts off");
            }
        }
        assertEquals(List.of(), r.model.check());
    }

    /**
     * grow-zone (seed 001): early allocations grow the deferred zone a section at a time (deferred_grow_zone), then
     * page_alloc_init_late initialises the rest; the events tile the deferred part of the zone without a gap.
     */
    @Test
    void deferredInitProgressTilesTheDeferredRange() throws Exception {
        Rig r = new Rig();
        r.tracer.setEvents(List.of("deferred_init"));
        r.tracer.start();
        r.model.boot(r.builtin("grow-zone"));
        r.tracer.stop();
        assertEquals(0, r.boundAlloc + r.boundTracepoints);
        List<KernelTraceFormat.Entry> e = KernelTraceFormat.parse(r.trace());
        assertTrue(e.size() >= 2, "grow events and the final init");
        long next = -1, pages = 0;
        for (int i = 0; i < e.size(); i++) {
            KernelTraceFormat.Entry x = e.get(i);
            assertEquals(i == e.size() - 1 ? "deferred_init_memmap" : "deferred_grow_zone", x.event());
            assertEquals("0", x.fields().group(1));
            assertEquals("DMA32", x.fields().group(2));
            long start = Long.parseLong(x.fields().group(3), 16), end = Long.parseLong(x.fields().group(4), 16);
            if (next >= 0) assertEquals(next, start, "each step starts where the previous ended: " + x);
            else assertEquals(0x10000, start, "free_area_init initialised up to the first deferred pfn");
            next = end;
            long n = Long.parseLong(x.fields().group(5));
            assertTrue(n > 0 && n <= end - start, x.toString());
            pages += n;
        }
        assertTrue(pages > 150_000, "the 600 MiB burst came from grown memory: " + pages);
        assertEquals(List.of(), r.model.check());
    }
}
