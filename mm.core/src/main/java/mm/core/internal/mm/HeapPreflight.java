package mm.core.internal.mm;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import mm.core.api.Mm;
import mm.core.hook.BootHeapFootprint;
import mm.machine.api.E820Range;
import mm.machine.api.Machine;

/**
 * Before a boot allocates anything: the heap it will need, from the storages' own accounting (the memmap's
 * {@link MemmapImpl#estimateBytes}, and every {@link BootHeapFootprint} such as page_ext and page_owner), plus what
 * the JVM holds already (the previous boot stays until the new one has succeeded). A boot the JVM's maximum heap
 * cannot hold is refused at once with the -Xmx that would do.
 */
final class HeapPreflight {
    /** Per boot and not per page: kernel log, memblock, nodes and zones, per-cpu lists, the boot workload. */
    static final long FIXED_BYTES = 48L << 20;
    /** Room the collector needs on top of what stays live (measured: a boot that fits exactly runs out). */
    static final double HEADROOM = 1.1;

    private HeapPreflight() {}

    /** What the machine will have: sections with a memmap and pages of System RAM (after mem=). */
    record Footprint(long presentSections, long presentPages) {}

    static Footprint footprint(Machine m) {
        List<E820Range> ram = new ArrayList<>();
        for (E820Range r : m.e820()) if (r.type().isRam()) ram.add(r);
        ram.sort(Comparator.comparingLong(E820Range::start));
        long limit = m.options().memLimit() > 0 ? m.options().memLimit() >>> Mm.PAGE_SHIFT : Long.MAX_VALUE;
        long pages = 0, sections = 0, lastSection = -1;
        for (E820Range r : ram) {
            long s = Mm.pfnUp(r.start()), e = Mm.pfnDown(r.end());
            if (e <= s) continue;
            if (limit - pages < e - s) e = s + (limit - pages);
            if (e <= s) break;
            pages += e - s;
            long first = Math.max(s >>> Mm.PFN_SECTION_SHIFT, lastSection + 1), last = (e - 1) >>> Mm.PFN_SECTION_SHIFT;
            if (last >= first) sections += last - first + 1;
            lastSection = Math.max(lastSection, last);
        }
        return new Footprint(sections, pages);
    }

    /**
     * Under the compact memmap, the sections a boot writes page by page (the rest stay uniformly free or identical
     * at O(1)): the two edge sections of each node's memmap, which sparse_init allocates from memblock (its whole
     * sections become identical PG_reserved ones), a few sections per node around zone and deferral boundaries,
     * one per reservation the machine names, and the boot workload's pages spread over at most twice as many
     * sections as they fill.
     */
    static long writtenSections(Machine m, Footprint f) {
        long nodes = Math.max(1, m.nodes().size());
        long memmapEdges = 2 * nodes;
        long perNode = 4 * nodes;
        long named = m.reservations().size() + m.memblockOps().size() + m.lateFrees().size();
        long workload = m.workload() == null ? 0
                : 2 * ((m.workload().earlyPages() + m.workload().midPages() + m.workload().latePages()) / Mm.PAGES_PER_SECTION + 1);
        return memmapEdges + perNode + named + workload;
    }

    /**
     * The shared arrays of identical sections (compact): a flags array per (node, zone) that has one, a refcount
     * array, a few for ZONE_DEVICE links.
     */
    static long templateBytes(Machine m) {
        return (2L * Math.max(1, m.nodes().size()) + 4) * Mm.PAGES_PER_SECTION * Long.BYTES;
    }

    /** Heap bytes the boot of {@code m} will hold once it is done. */
    static long estimate(Machine m, MemmapImpl storage, BootHeapFootprint[] others) {
        Footprint f = footprint(m);
        long dense = storage.compact() ? Math.min(f.presentSections(), writtenSections(m, f)) : f.presentSections();
        long bytes = FIXED_BYTES + storage.estimateBytes(dense, f.presentPages())
                + (f.presentSections() - dense) * MemmapImpl.UNIFORM_SECTION_BYTES
                + (storage.compact() ? templateBytes(m) : 0);
        for (BootHeapFootprint o : others) bytes += Math.max(0, o.bootHeapBytes(m, f.presentSections(), f.presentPages()));
        return bytes;
    }

    /**
     * Refuses the boot (IllegalStateException, one sentence) when the heap in use plus the estimate, with the
     * collector's {@link #HEADROOM}, exceeds the JVM's maximum heap; a full GC is tried first when that is what
     * stands in the way.
     */
    static void check(Machine m, MemmapImpl storage, BootHeapFootprint[] others) {
        long need = estimate(m, storage, others);
        Runtime rt = Runtime.getRuntime();
        long max = rt.maxMemory();
        if (max == Long.MAX_VALUE) return;
        long used = rt.totalMemory() - rt.freeMemory();
        if ((used + need) * HEADROOM <= max) return;
        System.gc(); // what is in use may be mostly garbage
        used = rt.totalMemory() - rt.freeMemory();
        if ((used + need) * HEADROOM <= max) return;
        throw new IllegalStateException(message(m.name(), (long) ((used + need) * HEADROOM), max));
    }

    static String message(String machine, long need, long max) {
        long xmx = (long) Math.ceil(need * 1.05 / (1L << 30));
        return String.format(Locale.ROOT, "booting %s needs about %s of heap, this JVM has %s: run java -Xmx%dg -jar %s",
                machine, gib(need), gib(max), Math.max(1, xmx), launcherJar());
    }

    private static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }

    /** The jar this JVM was started with (java -jar X), as the user typed it, else mmkit.jar. */
    static String launcherJar() {
        String cmd = System.getProperty("sun.java.command", "");
        String first = cmd.isBlank() ? "" : cmd.strip().split("\\s+")[0];
        return first.endsWith(".jar") ? first : "mmkit.jar";
    }

    /** Whether {@code t} is, or was caused by, the JVM running out of heap (deferred init wraps it). */
    static boolean outOfMemory(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause())
            if (c instanceof OutOfMemoryError) return true;
        return false;
    }

    /** The one sentence for a boot that ran out of heap although the preflight let it start. */
    static String outOfMemoryMessage(Machine m, MemmapImpl storage, BootHeapFootprint[] others) {
        long need = estimate(m, storage, others);
        long max = Runtime.getRuntime().maxMemory();
        long xmx = (long) Math.ceil(Math.max(need, max) * 1.5 / (1L << 30));
        return String.format(Locale.ROOT, "booting %s ran out of heap (this JVM has %s, the boot was estimated at %s);"
                + " the previous boot is kept: run java -Xmx%dg -jar %s", m.name(), gib(max), gib(need), xmx,
                launcherJar());
    }
}
