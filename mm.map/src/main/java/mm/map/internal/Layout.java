package mm.map.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import mm.core.api.Memblock;
import mm.core.api.MemorySummary;
import mm.core.api.MemoryModel;
import mm.core.api.Mm;
import mm.core.api.NodeInfo;
import mm.core.api.ZoneType;
import mm.machine.api.Machine;
import mm.machine.api.Reservation;
import mm.map.api.MapRenderer;

/**
 * The picture's content, computed once: rows of cells along the address axis (long holes folded into one band),
 * each cell's pages by {@link Kind}, its node and zone. PNG, SVG and the terminal are drawn from it.
 */
final class Layout {
    /**
     * Rows at most: beyond, cells grow from a pageblock to a section, then to groups of sections (128 full rows, and
     * slack for the partial rows where memory starts and ends).
     */
    static final int MAX_ROWS = 136;

    /** One cell: [start, end) and its pages by {@link Kind} ordinal. */
    record Cell(long start, long end, int nid, ZoneType zone, long[] pages) {
        long total() {
            return end - start;
        }

        /** The kind holding most pages (ties: the first in legend order). */
        Kind main() {
            int best = 0;
            for (int k = 1; k < Kind.N; k++) if (pages[k] > pages[best]) best = k;
            return Kind.VALUES[best];
        }

        /** The used kind holding most pages, or null when nothing is used. */
        Kind mainUsed() {
            Kind best = null;
            for (Kind k : Kind.VALUES) if (k.used() && pages[k.ordinal()] > 0 && (best == null || pages[k.ordinal()] > pages[best.ordinal()])) best = k;
            return best;
        }

        /** The free kind holding most pages, or null when nothing is free. */
        Kind mainFree() {
            Kind best = null;
            for (Kind k : Kind.VALUES) if (k.isFree() && pages[k.ordinal()] > 0 && (best == null || pages[k.ordinal()] > pages[best.ordinal()])) best = k;
            return best;
        }

        long used() {
            long n = 0;
            for (Kind k : Kind.VALUES) if (k.used()) n += pages[k.ordinal()];
            return n;
        }
    }

    /** A row of cells, or a hole band (cells null) for [start, end). */
    record Row(long start, long end, Cell[] cells) {
        boolean hole() {
            return cells == null;
        }
    }

    final String machine;
    String variants = "", when = "";
    final String title;
    final String subtitle;
    final long cellPages;
    final int columns;
    final List<Row> rows;
    final long[] totals = new long[Kind.N];
    final List<ZoneType> zones;
    int cellCount;

    private Layout(String machine, String title, String subtitle, long cellPages, int columns, List<Row> rows,
                   List<ZoneType> zones) {
        this.machine = machine;
        this.title = title;
        this.subtitle = subtitle;
        this.cellPages = cellPages;
        this.columns = columns;
        this.rows = rows;
        this.zones = zones;
    }

    /** The kinds present, in legend order. */
    List<Kind> present() {
        List<Kind> out = new ArrayList<>();
        for (Kind k : Kind.VALUES) if (totals[k.ordinal()] > 0) out.add(k);
        return out;
    }

    static Layout build(MemoryModel m, MapRenderer.Request r, String variants, String when) {
        if (!m.booted()) throw new IllegalStateException("not booted: boot a machine first (mm:boot)");
        long first = m.memmap().nextValidPfn(r.startPfn());
        long end = r.endPfn() == -1 ? m.memmap().maxPfn() : Math.min(r.endPfn(), m.memmap().maxPfn());
        if (first < 0 || first >= end)
            throw new IllegalStateException("no memory in " + range(r.startPfn(), r.endPfn() == -1 ? end : r.endPfn()));
        long start = Math.max(r.startPfn(), first);
        long[] sections = presentSections(m, start, end);
        int cols = r.columns();
        long cellPages = Mm.PAGEBLOCK_NR_PAGES;
        while (rowsNeeded(sections, cellPages * cols) > MAX_ROWS) {
            cellPages = cellPages < Mm.PAGES_PER_SECTION ? Mm.PAGES_PER_SECTION : cellPages * 2;
        }
        long rowPages = cellPages * cols;
        List<NodeInfo> nodes = m.nodes();
        Owners owners = Owners.of(m.machine(), m.memblockForExperiments(false), nodes, sectionsPerNode(m, nodes));
        List<Row> rows = new ArrayList<>();
        boolean[] zonesSeen = new boolean[ZoneType.VALUES.length];
        Machine mach = m.machine();
        String name = mach == null ? "machine" : mach.name();
        String sub = String.format(Locale.ROOT, "one cell = %s (%s), one row = %s; %s", size(cellPages),
                cellPages == Mm.PAGEBLOCK_NR_PAGES ? "a pageblock" : cellPages == Mm.PAGES_PER_SECTION ? "a section"
                        : (cellPages / Mm.PAGES_PER_SECTION) + " sections", size(rowPages), range(start, end));
        Layout l = new Layout(name, name + " - " + variants + " - " + when, sub, cellPages, cols, rows, new ArrayList<>());
        l.variants = variants;
        l.when = when;
        long row = Mm.alignDown(start, rowPages);
        while (row < end) {
            long next = m.memmap().nextValidPfn(Math.max(row, start));
            if (next < 0 || next >= Math.min(end, row + rowPages)) { // no memmap in this row: a hole band to the next
                long holeEnd = next < 0 || next >= end ? end : Mm.alignDown(next, rowPages);
                long hs = Math.max(row, start);
                if (!rows.isEmpty() && rows.get(rows.size() - 1).hole()) {
                    hs = rows.remove(rows.size() - 1).start();
                }
                if (holeEnd > hs) {
                    rows.add(new Row(hs, holeEnd, null));
                    l.totals[Kind.HOLE.ordinal()] += holeEnd - hs;
                }
                row = Math.max(holeEnd, row + rowPages);
                continue;
            }
            Cell[] cells = new Cell[cols];
            for (int c = 0; c < cols; c++) {
                long cs = Math.max(start, row + c * cellPages), ce = Math.min(end, row + (c + 1) * cellPages);
                if (cs >= ce) continue;
                MemorySummary s = m.summarize(cs, ce);
                long[] pages = pages(s, owners);
                for (int k = 0; k < Kind.N; k++) l.totals[k] += pages[k];
                ZoneType z = s.mainZone();
                if (z != null) zonesSeen[z.ordinal()] = true;
                cells[c] = new Cell(cs, ce, s.nid() >= 0 ? s.nid() : nodeOf(nodes, cs, ce), z, pages);
                l.cellCount++;
            }
            rows.add(new Row(Math.max(row, start), Math.min(end, row + rowPages), cells));
            row += rowPages;
        }
        for (ZoneType z : ZoneType.VALUES) if (zonesSeen[z.ordinal()]) l.zones.add(z);
        return l;
    }

    /** A cell's pages by kind: the summary's counts, PG_reserved split by the memblock reservations under it. */
    private static long[] pages(MemorySummary s, Owners owners) {
        long[] p = new long[Kind.N];
        p[Kind.HOLE.ordinal()] = s.noMemmap();
        p[Kind.OFFLINE.ordinal()] = s.offline();
        p[Kind.DEVICE.ordinal()] = s.device();
        p[Kind.UNINITIALISED.ordinal()] = s.uninitialised();
        for (int mt = 0; mt < s.allocatedByMigratetype().length; mt++) p[Kind.allocated(mt).ordinal()] += s.allocatedByMigratetype()[mt];
        p[Kind.ISOLATED.ordinal()] = s.isolatedForReporting();
        p[Kind.FREE_PCP.ordinal()] = s.freePcp();
        for (int o = 0; o < s.freeByOrder().length; o++) p[Kind.free(o).ordinal()] = s.freeByOrder()[o];
        // memblock-reserved memory is PG_reserved (reserve_bootmem_region); what memblock still lists but the kernel
        // gave back (free_initmem, the initrd) is free or allocated now and counted so
        long reserved = s.reserved();
        long[] mb = owners.pages(s.startPfn(), s.endPfn());
        long mbTotal = 0;
        for (long v : mb) mbTotal += v;
        if (mbTotal > 0) {
            double scale = mbTotal > reserved ? (double) reserved / mbTotal : 1;
            long given = 0;
            for (int k = 0; k < Kind.N; k++) {
                long v = (long) Math.floor(mb[k] * scale);
                p[k] += v;
                given += v;
            }
            reserved -= given;
        }
        p[Kind.RESERVED.ordinal()] = reserved;
        return p;
    }

    /** Present sections per node (its span's), for recognising a node's memmap among logged reservations. */
    private static long[] sectionsPerNode(MemoryModel m, List<NodeInfo> nodes) {
        long[] out = new long[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            NodeInfo n = nodes.get(i);
            long end = n.startPfn() + n.spannedPages();
            long p = m.memmap().nextValidPfn(n.startPfn());
            while (p >= 0 && p < end) {
                out[i]++;
                p = m.memmap().nextValidPfn(Mm.alignDown(p, Mm.PAGES_PER_SECTION) + Mm.PAGES_PER_SECTION);
            }
        }
        return out;
    }

    private static int nodeOf(List<NodeInfo> nodes, long cs, long ce) {
        for (NodeInfo n : nodes) {
            if (n.spannedPages() > 0 && n.startPfn() < ce && cs < n.startPfn() + n.spannedPages()) return n.nid();
        }
        return -1;
    }

    /** The present sections' first pfns in [start, end), by the memmap's next-valid walk (holes cost nothing). */
    private static long[] presentSections(MemoryModel m, long start, long end) {
        long[] out = new long[64];
        int n = 0;
        long p = m.memmap().nextValidPfn(start);
        while (p >= 0 && p < end) {
            if (n == out.length) out = Arrays.copyOf(out, n * 2);
            out[n++] = p;
            p = m.memmap().nextValidPfn(Mm.alignDown(p, Mm.PAGES_PER_SECTION) + Mm.PAGES_PER_SECTION);
        }
        return Arrays.copyOf(out, n);
    }

    private static long rowsNeeded(long[] sectionPfns, long rowPages) {
        long rows = 0, last = -1;
        for (long p : sectionPfns) {
            long lo = p / rowPages, hi = (Mm.alignDown(p, Mm.PAGES_PER_SECTION) + Mm.PAGES_PER_SECTION - 1) / rowPages;
            for (long r = Math.max(lo, last + 1); r <= hi; r++) rows++;
            last = Math.max(last, hi);
        }
        return rows;
    }

    static String range(long startPfn, long endPfn) {
        return String.format(Locale.ROOT, "[mem %#012x-%#012x]", startPfn << Mm.PAGE_SHIFT, (endPfn << Mm.PAGE_SHIFT) - 1);
    }

    static String addr(long pfn) {
        return String.format(Locale.ROOT, "%#012x", pfn << Mm.PAGE_SHIFT);
    }

    static String size(long pages) {
        double b = (double) pages * Mm.PAGE_SIZE;
        String[] u = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
        int i = 0;
        while (b >= 1024 && i < u.length - 1) {
            b /= 1024;
            i++;
        }
        return (b == Math.rint(b) ? String.valueOf((long) b) : String.format(Locale.ROOT, "%.1f", b)) + " " + u[i];
    }

    /**
     * memblock.reserved cut into disjoint pfn pieces, each with what reserved it: a machine file's named reservation
     * first, then the caller symbol of the latest reservation covering it in memblock's log, else "other".
     */
    static final class Owners {
        private final long[] starts, ends;
        private final byte[] kinds;

        private Owners(List<long[]> pieces) {
            pieces.sort(Comparator.comparingLong(a -> a[0]));
            starts = new long[pieces.size()];
            ends = new long[pieces.size()];
            kinds = new byte[pieces.size()];
            for (int i = 0; i < pieces.size(); i++) {
                starts[i] = pieces.get(i)[0];
                ends[i] = pieces.get(i)[1];
                kinds[i] = (byte) pieces.get(i)[2];
            }
        }

        /** CONFIG_PHYSICAL_START: where x86-64 loads the kernel without KASLR (the machine files' kernels). */
        static final long PHYSICAL_START = 0x1000000L;

        /**
         * What a logged reservation is. A machine imported from a real log replays the kernel's memblock_reserve lines,
         * whose caller is the allocator for every memblock_alloc: there the reservation holding the kernel's load
         * address is the kernel image, and a PMD-aligned one of exactly one node's memmap size (64 bytes per page of
         * its present sections: sparse_init_nid's vmemmap) is the memmap.
         */
        static Kind owner(Memblock.Reservation r, java.util.Set<Long> memmapSizes) {
            Kind k = Kind.owner(r.caller());
            if (k != Kind.MB_OTHER) return k;
            if (r.base() <= PHYSICAL_START && PHYSICAL_START < r.end()) return Kind.MB_KERNEL;
            if (r.caller().startsWith("memblock_alloc") && (r.base() & ((1L << 21) - 1)) == 0 && memmapSizes.contains(r.size()))
                return Kind.MB_MEMMAP;
            return k;
        }

        static Owners of(Machine machine, Memblock mb, List<NodeInfo> nodes, long[] sectionsPerNode) {
            java.util.Set<Long> memmapSizes = new java.util.HashSet<>();
            for (long n : sectionsPerNode) if (n > 0) memmapSizes.add(n * Mm.PAGES_PER_SECTION * (long) Mm.STRUCT_PAGE_SIZE);
            List<long[]> named = new ArrayList<>(); // {startPfn, endPfn, kind}, highest priority first
            if (machine != null) {
                for (Reservation r : machine.reservations()) {
                    named.add(new long[] {Mm.pfnDown(r.base()), Mm.pfnUp(r.end()), Kind.owner(r.name()).ordinal()});
                }
            }
            List<Memblock.Reservation> log = mb.reservationLog();
            for (int i = log.size() - 1; i >= 0; i--) {
                Memblock.Reservation r = log.get(i);
                named.add(new long[] {Mm.pfnDown(r.base()), Mm.pfnUp(r.end()), owner(r, memmapSizes).ordinal()});
            }
            List<long[]> pieces = new ArrayList<>();
            for (Memblock.Region reg : mb.reserved()) {
                List<long[]> left = new ArrayList<>();
                left.add(new long[] {Mm.pfnDown(reg.base()), Mm.pfnUp(reg.end())});
                for (long[] o : named) {
                    if (left.isEmpty()) break;
                    List<long[]> still = new ArrayList<>();
                    for (long[] p : left) {
                        long s = Math.max(p[0], o[0]), e = Math.min(p[1], o[1]);
                        if (s >= e) {
                            still.add(p);
                            continue;
                        }
                        pieces.add(new long[] {s, e, o[2]});
                        if (p[0] < s) still.add(new long[] {p[0], s});
                        if (e < p[1]) still.add(new long[] {e, p[1]});
                    }
                    left = still;
                }
                for (long[] p : left) pieces.add(new long[] {p[0], p[1], Kind.MB_OTHER.ordinal()});
            }
            // pieces of neighbouring regions may touch a page twice (byte ranges rounded to pages): keep them disjoint
            pieces.sort(Comparator.comparingLong(a -> a[0]));
            List<long[]> disjoint = new ArrayList<>();
            long high = Long.MIN_VALUE;
            for (long[] p : pieces) {
                long s = Math.max(p[0], high);
                if (s < p[1]) {
                    disjoint.add(new long[] {s, p[1], p[2]});
                    high = p[1];
                }
            }
            return new Owners(disjoint);
        }

        /** Pages of [start, end) under memblock reservations, by owner kind. */
        long[] pages(long start, long end) {
            long[] out = new long[Kind.N];
            int i = Arrays.binarySearch(starts, start);
            if (i < 0) i = Math.max(0, -i - 2);
            for (; i < starts.length && starts[i] < end; i++) {
                long s = Math.max(start, starts[i]), e = Math.min(end, ends[i]);
                if (s < e) out[kinds[i]] += e - s;
            }
            return out;
        }
    }
}
