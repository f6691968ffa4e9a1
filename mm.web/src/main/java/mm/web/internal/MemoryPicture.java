package mm.web.internal;

import java.util.List;
import java.util.Locale;
import mm.core.api.Mm;
import mm.core.api.PageState;
import mm.core.api.ZoneType;

/**
 * The map tab's picture of physical memory: one SVG strip per node, one cell per memory section (or per group of
 * sections on a big node), coloured by its zone on top and split below into the shares of its pages that are free,
 * allocated, reserved and absent (no memmap, or struct pages not initialised yet). A section's pages are all read
 * while the picture stays under {@value #PAGE_BUDGET} page reads; beyond that each section is sampled at evenly
 * spaced pages. Drawn from the emulated state, not from a log.
 */
final class MemoryPicture {
    /** The pages read for one picture at most, so that a refresh stays cheap on a big machine. */
    static final long PAGE_BUDGET = 1L << 22;
    /** Cells per node strip at most: more sections than this are grouped. */
    static final int MAX_CELLS = 256;
    static final int WIDTH = 960;
    private static final int ROW = 96;
    private static final int BAR = 44;

    /** What the picture reads of the model. */
    interface Pages {
        PageState state(long pfn);

        /** The zone holding {@code pfn}, or null outside every zone span. */
        ZoneType zoneOf(long pfn);
    }

    /** A node's span. */
    record Node(int nid, long startPfn, long spannedPages) {}

    /** Page counts of one cell. */
    record Share(long free, long allocated, long reserved, long absent) {
        long total() {
            return free + allocated + reserved + absent;
        }

        double part(long n) {
            return total() == 0 ? 0 : (double) n / total();
        }
    }

    private MemoryPicture() {}

    /** The SVG document (an empty machine gives a picture that says so). */
    static String svg(List<Node> nodes, Pages pages) {
        int rows = Math.max(1, nodes.size());
        int height = rows * ROW + 28;
        StringBuilder s = new StringBuilder();
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"mm-map\" width=\"").append(WIDTH)
                .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ')
                .append(height).append("\" font-family=\"sans-serif\" font-size=\"12\">\n");
        if (nodes.isEmpty()) {
            s.append("<text x=\"4\" y=\"20\">not booted: boot the machine to see its memory</text>\n");
        }
        long sections = 0;
        for (Node n : nodes) sections += sectionsOf(n);
        long samplesPerSection = Math.max(64, Math.min(Mm.PAGES_PER_SECTION, PAGE_BUDGET / Math.max(1, sections)));
        int y = 0;
        for (Node n : nodes) {
            node(s, n, pages, samplesPerSection, y);
            y += ROW;
        }
        legend(s, y + 8);
        s.append("</svg>\n");
        return s.toString();
    }

    private static long sectionsOf(Node n) {
        if (n.spannedPages() <= 0) return 0;
        long first = Mm.sectionOf(n.startPfn());
        long last = Mm.sectionOf(n.startPfn() + n.spannedPages() - 1);
        return last - first + 1;
    }

    private static void node(StringBuilder s, Node n, Pages pages, long samples, int y) {
        long nsec = sectionsOf(n);
        s.append("<g class=\"node\" id=\"node").append(n.nid()).append("\">\n");
        s.append("<text x=\"4\" y=\"").append(y + 14).append("\">node ").append(n.nid()).append(": PFN ")
                .append(hex(n.startPfn())).append('-').append(hex(n.startPfn() + n.spannedPages())).append(", ")
                .append(size(n.spannedPages())).append(", ").append(nsec).append(nsec == 1 ? " section" : " sections")
                .append("</text>\n");
        if (nsec == 0) {
            s.append("</g>\n");
            return;
        }
        long perCell = (nsec + MAX_CELLS - 1) / MAX_CELLS;
        int cells = (int) ((nsec + perCell - 1) / perCell);
        double w = (double) (WIDTH - 8) / cells;
        long firstSection = Mm.sectionOf(n.startPfn());
        long end = n.startPfn() + n.spannedPages();
        for (int c = 0; c < cells; c++) {
            long from = Math.max(n.startPfn(), (firstSection + c * perCell) << Mm.PFN_SECTION_SHIFT);
            long to = Math.min(end, (firstSection + (c + 1) * perCell) << Mm.PFN_SECTION_SHIFT);
            Share share = share(pages, from, to, samples);
            ZoneType zone = zoneOf(pages, from, to);
            double x = 4 + c * w;
            cell(s, x, w, y + 20, zone, share, from, to);
        }
        s.append("</g>\n");
    }

    /** The zone of the cell's first page that has one. */
    private static ZoneType zoneOf(Pages pages, long from, long to) {
        long step = Math.max(1, (to - from) / 16);
        for (long p = from; p < to; p += step) {
            ZoneType z = pages.zoneOf(p);
            if (z != null) return z;
        }
        return null;
    }

    /** Counts the pages of [from, to), reading {@code samples} evenly spaced pages per section at most. */
    static Share share(Pages pages, long from, long to, long samples) {
        long free = 0, alloc = 0, reserved = 0, absent = 0;
        long stride = Math.max(1, Mm.PAGES_PER_SECTION / Math.max(1, samples));
        for (long p = from; p < to; p += stride) {
            long weight = Math.min(stride, to - p);
            PageState st;
            try {
                st = pages.state(p);
            } catch (RuntimeException e) {
                st = PageState.INVALID; // a page changing under a running workload: drawn as unknown this time
            }
            switch (st) {
                case FREE_BUDDY, FREE_PCP, FREE_INSIDE_BUDDY_BLOCK, ISOLATED_FOR_REPORTING -> free += weight;
                case ALLOCATED_HEAD, ALLOCATED_TAIL, ALLOCATED -> alloc += weight;
                case RESERVED -> reserved += weight;
                default -> absent += weight;
            }
        }
        return new Share(free, alloc, reserved, absent);
    }

    private static void cell(StringBuilder s, double x, double w, int y, ZoneType zone, Share sh, long from, long to) {
        String zoneName = zone == null ? "no zone" : zone.kernelName();
        s.append("<g class=\"cell\" data-zone=\"").append(zoneName).append("\"><title>PFN ").append(hex(from))
                .append('-').append(hex(to)).append(' ').append(zoneName).append(": free ")
                .append(pct(sh.part(sh.free()))).append(", allocated ").append(pct(sh.part(sh.allocated())))
                .append(", reserved ").append(pct(sh.part(sh.reserved()))).append(", absent ")
                .append(pct(sh.part(sh.absent()))).append("</title>");
        rect(s, x, y, w, 8, zoneColour(zone));
        double by = y + 10;
        double[] parts = {sh.part(sh.allocated()), sh.part(sh.reserved()), sh.part(sh.free()), sh.part(sh.absent())};
        String[] colours = {"#d9534f", "#7f7f7f", "#5cb85c", "#ffffff"};
        for (int i = 0; i < parts.length; i++) {
            double h = parts[i] * BAR;
            if (h > 0) rect(s, x, by, w, h, colours[i]);
            by += h;
        }
        s.append("<rect x=\"").append(f(x)).append("\" y=\"").append(y + 10).append("\" width=\"").append(f(w))
                .append("\" height=\"").append(BAR).append("\" fill=\"none\" stroke=\"#333\" stroke-width=\"0.3\"/>");
        s.append("</g>\n");
    }

    private static void legend(StringBuilder s, int y) {
        String[][] items = {{"#d9534f", "allocated"}, {"#7f7f7f", "reserved"}, {"#5cb85c", "free"},
                {"#ffffff", "absent / not initialised"}, {zoneColour(ZoneType.DMA), "DMA"},
                {zoneColour(ZoneType.DMA32), "DMA32"}, {zoneColour(ZoneType.NORMAL), "Normal"},
                {zoneColour(ZoneType.MOVABLE), "Movable"}, {zoneColour(ZoneType.DEVICE), "Device"}};
        int x = 4;
        for (String[] it : items) {
            s.append("<rect x=\"").append(x).append("\" y=\"").append(y).append("\" width=\"12\" height=\"12\" fill=\"")
                    .append(it[0]).append("\" stroke=\"#333\" stroke-width=\"0.5\"/>");
            s.append("<text x=\"").append(x + 16).append("\" y=\"").append(y + 11).append("\">").append(it[1])
                    .append("</text>");
            x += 30 + 7 * it[1].length();
        }
        s.append('\n');
    }

    static String zoneColour(ZoneType z) {
        if (z == null) return "#eeeeee";
        return switch (z) {
            case DMA -> "#8e6bbf";
            case DMA32 -> "#3b7dd8";
            case NORMAL -> "#f0ad4e";
            case MOVABLE -> "#5bc0de";
            case DEVICE -> "#555555";
        };
    }

    private static void rect(StringBuilder s, double x, double y, double w, double h, String fill) {
        s.append("<rect x=\"").append(f(x)).append("\" y=\"").append(f(y)).append("\" width=\"").append(f(w))
                .append("\" height=\"").append(f(h)).append("\" fill=\"").append(fill).append("\"/>");
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String pct(double v) {
        return String.format(Locale.ROOT, "%.1f%%", v * 100);
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
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
}
