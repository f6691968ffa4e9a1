package mm.map.internal;

import java.awt.Color;
import java.util.Locale;

/**
 * The terminal map, one character per cell like a fragmentation map. With ANSI: a Unicode block whose height is the
 * share of the cell in use, coloured by its main use, on the colour of its main free order. Plain: the letter of the
 * cell's main kind (the legend lists them).
 */
final class Terminal {
    private static final char[] BLOCKS = {' ', '\u2581', '\u2582', '\u2583', '\u2584', '\u2585', '\u2586', '\u2587', '\u2588'};
    private static final String RESET = "\u001b[0m";

    private Terminal() {}

    static String text(Layout l, boolean ansi) {
        StringBuilder sb = new StringBuilder();
        sb.append("Physical memory of ").append(l.machine).append(", ").append(l.when).append('\n')
                .append("variants: ").append(l.variants).append('\n').append(l.subtitle).append('\n');
        sb.append(ansi ? "each cell: block height = share in use (colour: its main use), background: its main free order\n"
                : "each cell: the letter of what holds most of its pages (legend below)\n");
        int lastNid = Integer.MIN_VALUE;
        for (Layout.Row r : l.rows) {
            if (r.hole()) {
                sb.append(String.format(Locale.ROOT, "%-14s        ~~ hole: no memory %s, %s ~~%n", Layout.addr(r.start()),
                        Layout.range(r.start(), r.end()), Layout.size(r.end() - r.start())));
                continue;
            }
            Layout.Cell first = null;
            for (Layout.Cell c : r.cells()) if (c != null && first == null) first = c;
            String node = first == null || first.nid() < 0 ? "  -" : String.format(Locale.ROOT, "N%-2d", first.nid());
            String zone = first == null || first.zone() == null ? "-" : first.zone().kernelName();
            sb.append(String.format(Locale.ROOT, "%-14s %s %-7s ", Layout.addr(r.start()), node, zone));
            for (Layout.Cell c : r.cells()) {
                if (c == null) {
                    sb.append(' ');
                    continue;
                }
                if (!ansi && c.nid() != lastNid && lastNid != Integer.MIN_VALUE && c != first) sb.append('|');
                lastNid = c.nid();
                sb.append(ansi ? ansiCell(c) : c.main().letter);
            }
            if (ansi) sb.append(RESET);
            sb.append('\n');
        }
        sb.append('\n');
        for (Kind k : l.present()) {
            if (ansi) sb.append(fg(k.colour)).append("\u2588\u2588").append(RESET);
            else sb.append(k == Kind.HOLE ? "' '" : " " + k.letter + " ");
            sb.append(' ').append(k.label).append(": ").append(Layout.size(l.totals[k.ordinal()])).append('\n');
        }
        return sb.toString();
    }

    private static String ansiCell(Layout.Cell c) {
        Kind used = c.mainUsed(), free = c.mainFree();
        long usable = c.total() - c.pages()[Kind.HOLE.ordinal()];
        int level = usable <= 0 ? 0 : (int) Math.round(8.0 * c.used() / usable);
        if (used != null && level == 0) level = 1; // something is used: never drawn as nothing
        StringBuilder sb = new StringBuilder();
        sb.append(free != null ? bg(free.colour) : "\u001b[49m");
        sb.append(used != null ? fg(used.colour) : "\u001b[39m");
        sb.append(BLOCKS[level]);
        return sb.toString();
    }

    private static String fg(Color c) {
        return "\u001b[38;2;" + c.getRed() + ";" + c.getGreen() + ";" + c.getBlue() + "m";
    }

    private static String bg(Color c) {
        return "\u001b[48;2;" + c.getRed() + ";" + c.getGreen() + ";" + c.getBlue() + "m";
    }
}
