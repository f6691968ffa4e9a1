package mm.sweep.internal;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;
import org.jfree.svg.SVGGraphics2D;

/**
 * The sweep's chart, drawn once with JFreeChart on a Java2D surface: a BufferedImage for the PNG, JFreeSVG's
 * SVGGraphics2D for the SVG, so both show the same picture. The swept figures are lines with a marker per point;
 * overlaid published points are larger hollow markers without lines, in colours of their own.
 */
final class SweepChart {
    static final int MIN_SIZE = 200, MAX_SIZE = 8000;

    /** Line colours of the sweep's figures, then of the overlays (distinct, readable on white and in print). */
    private static final Color[] SWEEP = {new Color(0x1f77b4), new Color(0x2ca02c), new Color(0x9467bd),
        new Color(0x8c564b), new Color(0x17becf), new Color(0x7f7f7f)};
    private static final Color[] OVERLAY = {new Color(0xd62728), new Color(0xff7f0e), new Color(0xe377c2),
        new Color(0xbcbd22)};

    /** One series to draw: its name and points (x on the sweep's axis), and error bars (null, or NaN: none). */
    record Line(String name, double[] x, double[] y, double[] stdev) {
        Line(String name, double[] x, double[] y) { this(name, x, y, null); }
    }

    private final JFreeChart chart;

    /**
     * @param title the chart's title
     * @param subtitles smaller lines under it (machine, variants, the overlay's source)
     * @param xLabel the swept parameter
     * @param labels the points' values when they are words (a symbol axis), or null for a numeric axis
     * @param yLabel the figures' unit
     */
    SweepChart(String title, List<String> subtitles, String xLabel, List<String> labels, String yLabel,
               List<Line> sweep, List<Line> overlays) {
        XYSeriesCollection swept = collection(sweep);
        YIntervalSeriesCollection published = intervals(overlays);
        ValueAxis x = labels == null ? new NumberAxis(xLabel) : new SymbolAxis(xLabel, labels.toArray(String[]::new));
        if (x instanceof NumberAxis n) n.setAutoRangeIncludesZero(false);
        NumberAxis y = new NumberAxis(yLabel);
        y.setAutoRangeIncludesZero(true);
        XYLineAndShapeRenderer lines = new XYLineAndShapeRenderer(true, true);
        Shape dot = new Ellipse2D.Double(-3, -3, 6, 6);
        for (int i = 0; i < sweep.size(); i++) {
            lines.setSeriesPaint(i, SWEEP[i % SWEEP.length]);
            lines.setSeriesStroke(i, new BasicStroke(2f));
            lines.setSeriesShape(i, dot);
        }
        XYPlot plot = new XYPlot(swept, x, y, lines);
        // published points: hollow squares, and the published standard deviation as a vertical bar
        XYErrorRenderer points = new XYErrorRenderer();
        points.setDefaultLinesVisible(false);
        points.setDrawXError(false);
        points.setDrawYError(true);
        points.setCapLength(6);
        Shape ring = new Rectangle2D.Double(-5, -5, 10, 10);
        for (int i = 0; i < overlays.size(); i++) {
            points.setSeriesPaint(i, OVERLAY[i % OVERLAY.length]);
            points.setSeriesShape(i, ring);
            points.setSeriesShapesFilled(i, false);
            points.setSeriesOutlineStroke(i, new BasicStroke(2f));
        }
        points.setUseOutlinePaint(false);
        points.setErrorPaint(null); // each series' own colour
        plot.setDataset(1, published);
        plot.setRenderer(1, points);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 16), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        chart.getLegend().setPosition(RectangleEdge.BOTTOM);
        for (String s : subtitles) {
            TextTitle t = new TextTitle(s, new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            chart.addSubtitle(t);
        }
    }

    private static XYSeriesCollection collection(List<Line> lines) {
        XYSeriesCollection c = new XYSeriesCollection();
        java.util.Set<String> names = new java.util.HashSet<>();
        for (Line l : lines) {
            String name = l.name();
            for (int k = 2; !names.add(name); k++) name = l.name() + " (" + k + ")";
            XYSeries s = new XYSeries(name, false, true);
            for (int i = 0; i < l.x().length; i++) {
                if (!Double.isNaN(l.y()[i])) s.add(l.x()[i], l.y()[i]);
            }
            c.addSeries(s);
        }
        return c;
    }

    private static YIntervalSeriesCollection intervals(List<Line> lines) {
        YIntervalSeriesCollection c = new YIntervalSeriesCollection();
        java.util.Set<String> names = new java.util.HashSet<>();
        for (Line l : lines) {
            String name = l.name();
            for (int k = 2; !names.add(name); k++) name = l.name() + " (" + k + ")";
            YIntervalSeries s = new YIntervalSeries(name, false, true);
            for (int i = 0; i < l.x().length; i++) {
                double y = l.y()[i];
                if (Double.isNaN(y)) continue;
                double sd = l.stdev() == null || Double.isNaN(l.stdev()[i]) ? 0 : l.stdev()[i];
                s.add(l.x()[i], y, y - sd, y + sd);
            }
            c.addSeries(s);
        }
        return c;
    }

    /** The chart as a PNG of {@code width} x {@code height} pixels. */
    byte[] png(int width, int height) {
        BufferedImage img = chart.createBufferedImage(width, height, BufferedImage.TYPE_INT_RGB, null);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(img, "png", out)) throw new IllegalStateException("no PNG writer in this JDK");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The chart as an SVG document of {@code width} x {@code height} user units. */
    String svg(int width, int height) {
        SVGGraphics2D g = new SVGGraphics2D(width, height);
        chart.draw(g, new Rectangle2D.Double(0, 0, width, height));
        return g.getSVGDocument();
    }

    /** The unit of the y axis from the figures' names: ms, kB or pages when they all agree. */
    static String unit(List<String> columns) {
        Map<String, String> suffixes = Map.of("_ms", "ms", "_kb", "kB");
        String unit = null;
        for (String c : columns) {
            String u = "pages / count";
            for (Map.Entry<String, String> e : suffixes.entrySet()) {
                if (c.endsWith(e.getKey()) || c.contains(e.getKey() + "_")) u = e.getValue();
            }
            if (unit == null) unit = u;
            else if (!unit.equals(u)) return "value";
        }
        return unit == null ? "value" : unit;
    }
}
