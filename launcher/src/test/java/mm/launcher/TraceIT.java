package mm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mm:trace in the shipped launcher: a boot of tiny traced and written to a file, which a reader of the kernel's
 * trace format (trace_print_context's columns, kmem.h's TP_printk per event) parses line by line; the refusals.
 */
class TraceIT {
    @TempDir
    Path tmp;

    static final Pattern LINE = Pattern.compile(
            "^ *(\\S.{0,15})-(\\d+) +\\[(\\d{3})\\] ([.d][.nNp][.hs][.0-9a-f][.0-9a-f]) +(\\d+)\\.(\\d{6}): (\\w+): (.*)$");
    static final Map<String, Pattern> FIELDS = Map.of(
            "mm_page_alloc", Pattern.compile(
                    "page=[0-9a-f]{16} pfn=0x([0-9a-f]+) order=(\\d+) migratetype=\\d+ gfp_flags=[A-Za-z0-9_|]+"),
            "mm_page_free", Pattern.compile("page=[0-9a-f]{16} pfn=0x([0-9a-f]+) order=(\\d+)"),
            "mm_page_alloc_zone_locked", Pattern.compile(
                    "page=[0-9a-f]{16} pfn=0x([0-9a-f]+) order=(\\d+) migratetype=\\d+ percpu_refill=[01]"));

    @Test
    void aTracedBootOfTinyIsWrittenInTheKernelsTraceFormat() throws Exception {
        Path file = tmp.resolve("trace");
        Mmkit.Result r = Mmkit.run("-c", "mm:trace events kmem memblock; mm:trace start; mm:boot -q --machine tiny;"
                + " mm:trace stop; mm:trace write " + file + "; mm:check");
        assertEquals(0, r.rc(), r::toString);
        assertEquals("", r.err(), r::toString);
        Matcher w = Pattern.compile("wrote (\\d+) trace entries \\((\\d+) bytes\\) to ").matcher(r.out());
        assertTrue(w.find(), r::toString);
        assertEquals(Long.parseLong(w.group(2)), Files.size(file));
        String trace = Files.readString(file);
        assertTrue(trace.startsWith("# tracer: nop\n#\n# entries-in-buffer/entries-written: " + w.group(1) + "/"), trace);
        Map<String, Integer> count = new HashMap<>();
        BitSet allocated = new BitSet();
        long lines = 0;
        for (String l : trace.split("\n")) {
            if (l.startsWith("#")) continue;
            lines++;
            Matcher m = LINE.matcher(l);
            assertTrue(m.matches(), "not a trace line: " + l);
            count.merge(m.group(7), 1, Integer::sum);
            Pattern p = FIELDS.get(m.group(7));
            if (p == null) continue;
            Matcher f = p.matcher(m.group(8));
            assertTrue(f.matches(), "fields of " + m.group(7) + ": " + l);
            int pfn = Integer.parseInt(f.group(1), 16), n = 1 << Integer.parseInt(f.group(2));
            if (m.group(7).equals("mm_page_alloc")) allocated.set(pfn, pfn + n);
        }
        assertEquals(Long.parseLong(w.group(1)), lines);
        assertTrue(count.getOrDefault("mm_page_alloc", 0) > 0 && count.getOrDefault("memblock_reserve", 0) > 0
                && count.getOrDefault("mm_page_alloc_zone_locked", 0) > 0, count::toString);
        assertTrue(!count.containsKey("deferred_init_memmap"), "the filter left deferred init out: " + count);
        assertTrue(r.out().contains("\nOK\n") || r.out().endsWith("OK\n"), r::toString);
    }

    @Test
    void badArgumentsFailInOneSentenceAndAFileIsNeverOverwrittenWithoutForce() throws Exception {
        Path x = tmp.resolve("x.txt");
        Files.writeString(x, "data\n");
        Mmkit.Result r = Mmkit.run("-c", "mm:trace write " + x);
        assertEquals(1, r.rc(), r::toString);
        assertTrue(r.err().startsWith("mmkit: command failed: mm:trace write " + x + ": "), r::toString);
        assertEquals(1, r.err().strip().split("\n").length, r::toString);
        assertEquals("data\n", Files.readString(x));
        r = Mmkit.run("-c", "mm:trace events mm_page_allocc");
        assertEquals(1, r.rc(), r::toString);
        assertTrue(r.err().contains(": no trace event 'mm_page_allocc' (mm:trace events lists them"), r::toString);
        r = Mmkit.run("-c", "mm:trace size 3");
        assertEquals(1, r.rc(), r::toString);
        assertTrue(r.err().contains("buffer size: expected 16..16777216 entries, got 3"), r::toString);
        r = Mmkit.run("-c", "mm:trace write --force " + x);
        assertEquals(0, r.rc(), r::toString);
        assertTrue(Files.readString(x).startsWith("# tracer: nop\n"));
    }
}
