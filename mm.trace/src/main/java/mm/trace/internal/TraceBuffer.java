package mm.trace.internal;

import java.io.IOException;
import java.util.Locale;
import mm.core.api.Mm;
import mm.core.api.Task;
import mm.core.api.ZoneType;

/**
 * The ring buffer: a fixed number of entries in parallel primitive arrays (no object per event; the task is a
 * reference to the model's own Task), overwriting the oldest entry when full and counting it as an overrun, like
 * the kernel's ring buffer in overwrite mode. Entries are printed as /sys/kernel/tracing/trace prints them
 * (trace_print_context, then the event's TP_printk).
 */
final class TraceBuffer {
    /** The struct page array of x86-64 (VMEMMAP_START with 4-level paging), 64 bytes per struct page. */
    static final long VMEMMAP_START = 0xffffea0000000000L;
    static final int STRUCT_PAGE_SIZE = 64;

    private int capacity;
    private byte[] event;
    private int[] cpu;
    private long[] ts;
    private Task[] task;
    private long[] a, b, c, d;
    private String[] text;
    /** Index of the next entry to write; entries in the buffer; entries written since clear. */
    private int head;
    private int size;
    private long written;

    TraceBuffer(int capacity) {
        allocate(capacity);
    }

    private void allocate(int n) {
        capacity = n;
        event = new byte[n];
        cpu = new int[n];
        ts = new long[n];
        task = new Task[n];
        a = new long[n];
        b = new long[n];
        c = new long[n];
        d = new long[n];
        text = new String[n];
        head = size = 0;
        written = 0;
    }

    synchronized void resize(int n) { allocate(n); }

    synchronized void clear() {
        java.util.Arrays.fill(task, null);
        java.util.Arrays.fill(text, null);
        head = size = 0;
        written = 0;
    }

    synchronized int capacity() { return capacity; }
    synchronized long entries() { return size; }
    synchronized long written() { return written; }
    synchronized long overrun() { return written - size; }

    /** ring_buffer_lock_reserve + commit of one entry. */
    synchronized void record(Event e, int cpuId, Task t, long time, long x0, long x1, long x2, long x3, String s) {
        int i = head;
        event[i] = (byte) e.ordinal();
        cpu[i] = cpuId;
        ts[i] = time;
        task[i] = t;
        a[i] = x0;
        b[i] = x1;
        c[i] = x2;
        d[i] = x3;
        text[i] = s;
        head = i + 1 == capacity ? 0 : i + 1;
        if (size < capacity) size++;
        written++;
    }

    /** The trace file: the header of the nop tracer, then every entry, oldest first. Returns the entries printed. */
    synchronized long print(Appendable out, int cpus) throws IOException {
        header(out, size, written, cpus);
        int first = (head - size + capacity) % capacity;
        StringBuilder sb = new StringBuilder(160);
        for (int k = 0; k < size; k++) {
            int i = (first + k) % capacity;
            sb.setLength(0);
            line(sb, i);
            sb.append('\n');
            out.append(sb);
        }
        return size;
    }

    /** print_trace_header's nop-tracer form: print_event_info and print_func_help_header_irq (no TGID column). */
    static void header(Appendable out, long entries, long written, int cpus) throws IOException {
        out.append("# tracer: nop\n#\n");
        out.append(String.format(Locale.ROOT, "# entries-in-buffer/entries-written: %d/%d   #P:%d%n", entries, written,
                cpus).replace(System.lineSeparator(), "\n"));
        out.append("#\n");
        out.append("#                                _-----=> irqs-off/BH-disabled\n");
        out.append("#                               / _----=> need-resched\n");
        out.append("#                              | / _---=> hardirq/softirq\n");
        out.append("#                              || / _--=> preempt-depth\n");
        out.append("#                              ||| / _-=> migrate-disable\n");
        out.append("#                              |||| /     delay\n");
        out.append("#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n");
        out.append("#              | |         |   |||||     |         |\n");
    }

    private void line(StringBuilder sb, int i) {
        Event e = Event.VALUES[event[i]];
        Task t = task[i];
        // trace_find_cmdline: pid 0 is "<idle>"; comm is at most TASK_COMM_LEN - 1 characters
        int pid = t == null ? 0 : t.pid();
        String comm = pid == 0 ? "<idle>" : t.comm().length() > 15 ? t.comm().substring(0, 15) : t.comm();
        pad(sb, comm, 16);
        sb.append('-').append(pid);
        for (int n = Integer.toString(pid).length(); n < 7; n++) sb.append(' ');
        sb.append(" [");
        String c3 = Integer.toString(cpu[i]);
        for (int n = c3.length(); n < 3; n++) sb.append('0');
        sb.append(c3).append("] ").append(latency(e)).append(' ');
        long sec = ts[i] / 1_000_000_000L, usec = ts[i] % 1_000_000_000L / 1000;
        pad(sb, Long.toString(sec), 5);
        sb.append('.');
        String us = Long.toString(usec);
        for (int n = us.length(); n < 6; n++) sb.append('0');
        sb.append(us).append(": ").append(e.event).append(": ");
        fields(sb, e, i);
    }

    /**
     * The irqs-off / need-resched / hardirq / preempt-depth / migrate-disable columns: the buddy's tracepoints run
     * under zone->lock with interrupts off (spin_lock_irqsave), memblock's before interrupts are enabled in
     * start_kernel; the rest in task context.
     */
    private static String latency(Event e) {
        return switch (e) {
            case MM_PAGE_ALLOC_ZONE_LOCKED, MM_PAGE_PCPU_DRAIN, MM_PAGE_ALLOC_EXTFRAG -> "d..1.";
            case MEMBLOCK_ADD, MEMBLOCK_ADD_NODE, MEMBLOCK_REMOVE, MEMBLOCK_RESERVE, MEMBLOCK_PHYS_FREE,
                 MEMBLOCK_ALLOC_TRY_NID, MEMBLOCK_ALLOC_TRY_NID_RAW, MEMBLOCK_ALLOC_EXACT_NID_RAW,
                 MEMBLOCK_PHYS_ALLOC_RANGE -> "d....";
            default -> ".....";
        };
    }

    /** The event's TP_printk. */
    private void fields(StringBuilder sb, Event e, int i) {
        long pfn = a[i];
        switch (e) {
            case MM_PAGE_ALLOC -> {
                // "page=%p pfn=0x%lx order=%d migratetype=%d gfp_flags=%s"
                page(sb, pfn);
                sb.append(" order=").append(b[i]).append(" migratetype=").append(d[i]).append(" gfp_flags=");
                int gfp = (int) c[i];
                sb.append(gfp == 0 ? "none" : mm.core.api.Gfp.names(gfp));
            }
            // "page=%p pfn=0x%lx order=%d"
            case MM_PAGE_FREE -> { page(sb, pfn); sb.append(" order=").append(b[i]); }
            case MM_PAGE_ALLOC_ZONE_LOCKED -> {
                // "page=%p pfn=0x%lx order=%u migratetype=%d percpu_refill=%d"
                page(sb, pfn);
                sb.append(" order=").append(b[i]).append(" migratetype=").append(d[i]).append(" percpu_refill=")
                        .append(c[i]);
            }
            case MM_PAGE_PCPU_DRAIN -> {
                // "page=%p pfn=0x%lx order=%d migratetype=%d"
                page(sb, pfn);
                sb.append(" order=").append(b[i]).append(" migratetype=").append(d[i]);
            }
            case MM_PAGE_ALLOC_EXTFRAG -> {
                // "page=%p pfn=0x%lx alloc_order=%d fallback_order=%d pageblock_order=%d alloc_migratetype=%d
                //  fallback_migratetype=%d fragmenting=%d change_ownership=%d"
                long p = b[i];
                int allocOrder = (int) (p & 0xff), fallbackOrder = (int) (p >>> 8 & 0xff);
                int allocMt = (int) (p >>> 16 & 0xff), fallbackMt = (int) (p >>> 24 & 0xff);
                page(sb, pfn);
                sb.append(" alloc_order=").append(allocOrder).append(" fallback_order=").append(fallbackOrder)
                        .append(" pageblock_order=").append(Mm.PAGEBLOCK_ORDER).append(" alloc_migratetype=")
                        .append(allocMt).append(" fallback_migratetype=").append(fallbackMt).append(" fragmenting=")
                        .append(fallbackOrder < Mm.PAGEBLOCK_ORDER ? 1 : 0).append(" change_ownership=")
                        .append(c[i]);
            }
            case DEFERRED_INIT_MEMMAP, DEFERRED_GROW_ZONE -> {
                sb.append("nid=").append(d[i] >> 16).append(" zone=")
                        .append(ZoneType.VALUES[(int) (d[i] >> 8 & 0xff)].kernelName());
                sb.append(" start_pfn=0x").append(Long.toHexString(pfn)).append(" end_pfn=0x")
                        .append(Long.toHexString(c[i])).append(" nr_pages=").append(b[i]);
                if (e == Event.DEFERRED_GROW_ZONE) sb.append(" order=").append(d[i] & 0xff);
            }
            case MEMORY_ONLINE, MEMORY_OFFLINE -> sb.append("nid=").append(d[i]).append(" start_pfn=0x")
                    .append(Long.toHexString(pfn)).append(" nr_pages=").append(b[i]);
            default -> sb.append(text[i]); // memblock=debug's text after "function: "
        }
    }

    /** "page=%p pfn=0x%lx": the struct page's address in the vmemmap (unhashed, as with no_hash_pointers). */
    private static void page(StringBuilder sb, long pfn) {
        sb.append("page=").append(Long.toHexString(VMEMMAP_START + pfn * STRUCT_PAGE_SIZE)).append(" pfn=0x")
                .append(Long.toHexString(pfn));
    }

    private static void pad(StringBuilder sb, String s, int width) {
        for (int n = s.length(); n < width; n++) sb.append(' ');
        sb.append(s);
    }
}
