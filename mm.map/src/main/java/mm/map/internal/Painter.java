package mm.map.internal;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.util.List;
import java.util.Locale;
import mm.core.api.Mm;
import mm.core.api.ZoneType;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.SVGHints;

/**
 * Draws a {@link Layout} with Java2D, once for every target: a BufferedImage's Graphics2D (PNG) or JFreeSVG's
 * SVGGraphics2D (SVG, where each cell also carries its numbers as a tooltip).
 */
final class Painter {
    private static final int MARGIN = 10, HEADER = 88, AXIS = 18, LABEL = 170, HOLE = 16, LEGEND_ROW = 18;
    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 15);
    private static final Font TEXT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final Font MONO = new Font(Font.MONOSPACED, Font.PLAIN, 11);

    private final Layout l;
    private final int width;
    private final double cw, ch;

    Painter(Layout l, int width) {
        this.l = l;
        this.width = width;
        this.cw = (double) (width - LABEL - 2 * MARGIN) / l.columns;
        this.ch = Math.max(8, Math.min(18, Math.floor(cw)));
    }

    static Color zoneColour(ZoneType z) {
        if (z == null) return new Color(0xeeeeee);
        return switch (z) {
            case DMA -> new Color(0x8e6bbf);
            case DMA32 -> new Color(0x3b7dd8);
            case NORMAL -> new Color(0xf0ad4e);
            case MOVABLE -> new Color(0x5bc0de);
            case DEVICE -> new Color(0x555555);
        };
    }

    private int legendColumns() {
        return Math.max(1, (width - 2 * MARGIN) / 300);
    }

    int height() {
        double h = MARGIN + HEADER + AXIS;
        for (Layout.Row r : l.rows) h += r.hole() ? HOLE : ch + 2;
        int entries = l.present().size();
        int zoneLines = 1;
        h += 16 + zoneLines * LEGEND_ROW + 6 + ((entries + legendColumns() - 1) / legendColumns()) * LEGEND_ROW + MARGIN;
        return (int) Math.ceil(h);
    }

    void paint(Graphics2D g) {
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fill(new Rectangle2D.Double(0, 0, width, height()));
        g.setColor(Color.BLACK);
        g.setFont(TITLE);
        g.drawString("Physical memory of " + l.machine + ", " + l.when, MARGIN, MARGIN + 16);
        g.setFont(TEXT);
        g.drawString("variants: " + l.variants, MARGIN, MARGIN + 34);
        g.drawString(l.subtitle, MARGIN, MARGIN + 50);
        g.drawString("each cell: zone on top, below its pages by kind (the legend's order, top down); a thick line:"
                + " a new node", MARGIN, MARGIN + 66);
        double y = MARGIN + HEADER;
        axis(g, y);
        y += AXIS;
        int lastNid = Integer.MIN_VALUE;
        for (Layout.Row r : l.rows) {
            if (r.hole()) {
                hole(g, r, y);
                y += HOLE;
                continue;
            }
            g.setFont(MONO);
            g.setColor(Color.BLACK);
            Layout.Cell first = firstCell(r);
            g.drawString(Layout.addr(r.start()) + (first != null && first.nid() >= 0 ? "  node " + first.nid() : ""),
                    MARGIN, (float) (y + ch - 3));
            Layout.Cell[] cells = r.cells();
            for (int c = 0; c < cells.length; ) {
                Layout.Cell cell = cells[c];
                if (cell == null) {
                    c++;
                    continue;
                }
                // a run of cells that are wholly one kind (of one zone and node) is one element: small SVG files
                int e = c + 1;
                Kind pure = pure(cell);
                if (pure != null) {
                    while (e < cells.length && cells[e] != null && pure(cells[e]) == pure && cells[e].zone() == cell.zone()
                            && cells[e].nid() == cell.nid() && cells[e].total() == cell.total()) e++;
                }
                double x = MARGIN + LABEL + c * cw;
                if (e - c > 1) run(g, cells, c, e, pure, x, y);
                else cell(g, cell, x, y);
                if (cell.nid() != lastNid && lastNid != Integer.MIN_VALUE) {
                    g.setColor(Color.BLACK);
                    g.setStroke(new BasicStroke(2.5f));
                    g.draw(new java.awt.geom.Line2D.Double(x, y - 1, x, y + ch + 1));
                    g.setStroke(new BasicStroke(1f));
                }
                lastNid = cells[e - 1].nid();
                c = e;
            }
            y += ch + 2;
        }
        legend(g, y + 10);
    }

    private static Layout.Cell firstCell(Layout.Row r) {
        for (Layout.Cell c : r.cells()) if (c != null) return c;
        return null;
    }

    /** The address axis: offsets within a row every 8 cells. */
    private void axis(Graphics2D g, double y) {
        g.setFont(MONO);
        g.setColor(Color.DARK_GRAY);
        g.drawString("address", MARGIN, (float) (y + 12));
        for (int c = 0; c <= l.columns; c += 8) {
            double x = MARGIN + LABEL + c * cw;
            g.draw(new java.awt.geom.Line2D.Double(x, y + 12, x, y + 17));
            String t = "+" + Layout.size(c * l.cellPages);
            if (c == 0) t = "+0";
            if (c < l.columns) g.drawString(t, (float) x + 2, (float) (y + 11));
        }
    }

    private void hole(Graphics2D g, Layout.Row r, double y) {
        g.setColor(new Color(0xf5f5f5));
        g.fill(new Rectangle2D.Double(MARGIN + LABEL, y + 1, l.columns * cw, HOLE - 2));
        g.setColor(Color.GRAY);
        g.setFont(MONO);
        g.drawString(Layout.addr(r.start()), MARGIN, (float) (y + HOLE - 4));
        g.drawString("hole: no memory " + Layout.range(r.start(), r.end()) + ", " + Layout.size(r.end() - r.start()),
                (float) (MARGIN + LABEL + 6), (float) (y + HOLE - 4));
    }

    private void cell(Graphics2D g, Layout.Cell cell, double x, double y) {
        boolean svg = g instanceof SVGGraphics2D;
        if (svg) {
            g.setRenderingHint(SVGHints.KEY_BEGIN_GROUP, "c" + Long.toHexString(cell.start()));
            g.setRenderingHint(SVGHints.KEY_ELEMENT_TITLE, tooltip(cell));
        }
        double w = Math.max(1, cw - 1);
        g.setColor(zoneColour(cell.zone()));
        g.fill(new Rectangle2D.Double(x, y, w, 3));
        double barY = y + 3, barH = ch - 3, total = cell.total();
        for (Kind k : Kind.VALUES) {
            long n = cell.pages()[k.ordinal()];
            if (n == 0) continue;
            double h = barH * n / total;
            g.setColor(k.colour);
            g.fill(new Rectangle2D.Double(x, barY, w, h));
            barY += h;
        }
        if (svg) g.setRenderingHint(SVGHints.KEY_END_GROUP, "true");
    }

    /** The kind holding all of a cell's pages, or null. */
    private static Kind pure(Layout.Cell c) {
        for (Kind k : Kind.VALUES) {
            long n = c.pages()[k.ordinal()];
            if (n != 0) return n == c.total() ? k : null;
        }
        return null;
    }

    /** Cells c..e-1, each wholly {@code kind}: one zone strip, one bar, white lines between the cells. */
    private void run(Graphics2D g, Layout.Cell[] cells, int c, int e, Kind kind, double x, double y) {
        boolean svg = g instanceof SVGGraphics2D;
        Layout.Cell first = cells[c], last = cells[e - 1];
        if (svg) {
            g.setRenderingHint(SVGHints.KEY_BEGIN_GROUP, "c" + Long.toHexString(first.start()));
            g.setRenderingHint(SVGHints.KEY_ELEMENT_TITLE, Layout.range(first.start(), last.end())
                    + (first.nid() >= 0 ? " node " + first.nid() : "") + (first.zone() == null ? "" : " " + first.zone().kernelName())
                    + "; " + (e - c) + " cells, all " + kind.label);
        }
        double w = (e - c) * cw - 1;
        g.setColor(zoneColour(first.zone()));
        g.fill(new Rectangle2D.Double(x, y, w, 3));
        g.setColor(kind.colour);
        g.fill(new Rectangle2D.Double(x, y + 3, w, ch - 3));
        java.awt.geom.Path2D.Double lines = new java.awt.geom.Path2D.Double();
        for (int i = 1; i < e - c; i++) {
            double lx = x + i * cw - 0.5;
            lines.moveTo(lx, y);
            lines.lineTo(lx, y + ch);
        }
        if (e - c > 1) {
            g.setColor(Color.WHITE);
            g.draw(lines);
        }
        if (svg) g.setRenderingHint(SVGHints.KEY_END_GROUP, "true");
    }

    /** A cell's numbers, for the SVG tooltip. */
    static String tooltip(Layout.Cell c) {
        StringBuilder sb = new StringBuilder(Layout.range(c.start(), c.end()));
        sb.append(c.nid() >= 0 ? " node " + c.nid() : "").append(c.zone() == null ? "" : " " + c.zone().kernelName());
        for (Kind k : Kind.VALUES) {
            long n = c.pages()[k.ordinal()];
            if (n > 0) sb.append("; ").append(k.label).append(' ').append(Layout.size(n));
        }
        return sb.toString();
    }

    private void legend(Graphics2D g, double y) {
        g.setFont(TEXT);
        g.setColor(Color.BLACK);
        g.drawString("zones:", MARGIN, (float) (y + 11));
        double x = MARGIN + 60;
        for (ZoneType z : l.zones) {
            swatch(g, x, y, zoneColour(z));
            g.setColor(Color.BLACK);
            g.drawString(z.kernelName(), (float) (x + 18), (float) (y + 11));
            x += 40 + g.getFontMetrics().stringWidth(z.kernelName());
        }
        y += LEGEND_ROW + 6;
        List<Kind> present = l.present();
        int cols = legendColumns();
        double colW = (double) (width - 2 * MARGIN) / cols;
        for (int i = 0; i < present.size(); i++) {
            Kind k = present.get(i);
            double lx = MARGIN + (i % cols) * colW, ly = y + (i / cols) * LEGEND_ROW;
            swatch(g, lx, ly, k.colour);
            g.setColor(Color.BLACK);
            g.drawString(k.label + ": " + Layout.size(l.totals[k.ordinal()]), (float) (lx + 18), (float) (ly + 11));
        }
    }

    private static void swatch(Graphics2D g, double x, double y, Color c) {
        g.setColor(c);
        g.fill(new Rectangle2D.Double(x, y, 13, 13));
        g.setColor(Color.GRAY);
        g.draw(new Rectangle2D.Double(x, y, 13, 13));
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    static long pages(long bytes) {
        return bytes >>> Mm.PAGE_SHIFT;
    }
}
