package mm.trace.internal;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A reader written for the kernel's trace file, not for mmkit: trace_print_context's columns and, per event, the
 * TP_printk of include/trace/events/kmem.h (Linux 6.12) as a regex. It checks what a script over a real trace
 * would: every line parses, and every mm_page_free of a page follows an mm_page_alloc of it (a block or a page of
 * a block later split) or frees memory the boot had reserved in memblock (free_reserved_area).
 */
final class KernelTraceFormat {
    /** "%16s-%-7d [%03d] %c%c%c%c%c %5lu.%06lu: %s: " then the event's fields. */
    static final Pattern LINE = Pattern.compile(
            "^ *(\\S.{0,15})-(\\d+) +\\[(\\d{3})\\] ([.dDbBX][.nNpP][.hHsSzZ][.0-9a-f][.0-9a-f]) +(\\d+)\\.(\\d{6}): (\\w+): (.*)$");
    static final Map<String, Pattern> FIELDS = Map.of(
            "mm_page_alloc", Pattern.compile(
                    "page=([0-9a-f]{16}) pfn=0x([0-9a-f]+) order=(\\d+) migratetype=(\\d+) gfp_flags=([A-Za-z0-9_|]+)"),
            "mm_page_free", Pattern.compile("page=([0-9a-f]{16}) pfn=0x([0-9a-f]+) order=(\\d+)"),
            "mm_page_alloc_zone_locked", Pattern.compile(
                    "page=([0-9a-f]{16}) pfn=0x([0-9a-f]+) order=(\\d+) migratetype=(\\d+) percpu_refill=([01])"),
            "mm_page_pcpu_drain", Pattern.compile("page=([0-9a-f]{16}) pfn=0x([0-9a-f]+) order=(\\d+) migratetype=(\\d+)"),
            "mm_page_alloc_extfrag", Pattern.compile("page=([0-9a-f]{16}) pfn=0x([0-9a-f]+) alloc_order=(\\d+)"
                    + " fallback_order=(\\d+) pageblock_order=(\\d+) alloc_migratetype=(\\d+) fallback_migratetype=(\\d+)"
                    + " fragmenting=([01]) change_ownership=([01])"),
            "memblock_reserve", Pattern.compile("\\[0x([0-9a-f]{16})-0x([0-9a-f]{16})\\] \\S+"),
            "deferred_init_memmap", Pattern.compile(
                    "nid=(\\d+) zone=(\\w+) start_pfn=0x([0-9a-f]+) end_pfn=0x([0-9a-f]+) nr_pages=(\\d+)"),
            "deferred_grow_zone", Pattern.compile(
                    "nid=(\\d+) zone=(\\w+) start_pfn=0x([0-9a-f]+) end_pfn=0x([0-9a-f]+) nr_pages=(\\d+) order=(\\d+)"));
    static final Pattern HEADER = Pattern.compile("^# entries-in-buffer/entries-written: (\\d+)/(\\d+)   #P:(\\d+)$");

    record Entry(String comm, int pid, int cpu, String flags, long usecs, String event, Matcher fields) {}

    /** Parses the trace file; throws AssertionError at the first line a kernel trace reader would reject. */
    static List<Entry> parse(String trace) {
        List<Entry> out = new ArrayList<>();
        int n = 0;
        for (String l : trace.split("\n")) {
            n++;
            if (l.startsWith("#")) continue;
            Matcher m = LINE.matcher(l);
            if (!m.matches()) throw new AssertionError("line " + n + " is not a trace line: " + l);
            Pattern p = FIELDS.get(m.group(7));
            Matcher f = null;
            if (p != null) {
                f = p.matcher(m.group(8));
                if (!f.matches()) throw new AssertionError("line " + n + ": fields of " + m.group(7) + " do not parse: " + l);
            }
            out.add(new Entry(m.group(1), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), m.group(4),
                    Long.parseLong(m.group(5)) * 1_000_000 + Long.parseLong(m.group(6)), m.group(7), f));
        }
        return out;
    }

    /**
     * The alloc/free pairing: a page is allocated by an mm_page_alloc block; mm_page_free of [pfn, pfn + 2^order)
     * needs every page allocated, or every page inside a memblock_reserve range seen before. Returns the number of
     * frees of reserved memory; throws AssertionError on the first free of a page nobody allocated.
     */
    static long checkAllocFree(List<Entry> entries) {
        BitSet allocated = new BitSet();
        List<long[]> reserved = new ArrayList<>();
        long bootFrees = 0;
        for (Entry e : entries) {
            switch (e.event()) {
                case "memblock_reserve" -> reserved.add(new long[] {Long.parseUnsignedLong(e.fields().group(1), 16),
                        Long.parseUnsignedLong(e.fields().group(2), 16)});
                case "mm_page_alloc" -> {
                    int pfn = Integer.parseInt(e.fields().group(2), 16), n = 1 << Integer.parseInt(e.fields().group(3));
                    int busy = allocated.nextSetBit(pfn);
                    if (busy >= 0 && busy < pfn + n) throw new AssertionError("pfn 0x" + Integer.toHexString(busy)
                            + " allocated twice (second: " + e + ")");
                    allocated.set(pfn, pfn + n);
                }
                case "mm_page_free" -> {
                    int pfn = Integer.parseInt(e.fields().group(2), 16), n = 1 << Integer.parseInt(e.fields().group(3));
                    if (allocated.get(pfn, pfn + n).cardinality() == n) {
                        allocated.clear(pfn, pfn + n);
                    } else if (insideReserved(reserved, pfn, n)) {
                        bootFrees++;
                    } else {
                        throw new AssertionError("mm_page_free of pfn 0x" + Integer.toHexString(pfn)
                                + " that no mm_page_alloc handed out and memblock never reserved");
                    }
                }
                default -> { }
            }
        }
        return bootFrees;
    }

    private static boolean insideReserved(List<long[]> reserved, long pfn, long n) {
        long s = pfn << 12, e = ((pfn + n) << 12) - 1;
        for (long[] r : reserved) if (r[0] <= s && e <= r[1]) return true;
        return false;
    }
}
