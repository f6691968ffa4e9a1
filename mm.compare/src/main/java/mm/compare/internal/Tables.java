package mm.compare.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import mm.compare.api.Comparison;
import mm.compare.api.Comparison.Row;
import mm.compare.api.Comparison.Tolerance;
import mm.shell.api.Column;
import mm.shell.api.Report;
import mm.shell.api.Table;

/** How a {@link Comparison} is shown: aligned text view by view, one flat CSV table, JSON data, an HTML fragment. */
final class Tables {
    private Tables() {}

    /** The rows of the chosen views ({@code views} empty: all), without the unchanged ones when {@code changed}. */
    static Comparison filter(Comparison c, Set<String> views, boolean changed) {
        if (views.isEmpty() && !changed) return c;
        List<Row> rows = c.rows().stream()
                .filter(r -> views.isEmpty() || views.contains(r.view()))
                .filter(r -> !changed || !allEqual(r.values()))
                .toList();
        return new Comparison(c.title(), c.labels(), c.legend(), rows, Judge.used(rows), c.notes());
    }

    static boolean allEqual(List<Number> values) {
        Number a = values.get(0);
        for (Number v : values) {
            if (a == null ? v != null : v == null || a.doubleValue() != v.doubleValue()) return false;
        }
        return true;
    }

    private static boolean isReal(Comparison c) {
        return c.labels().equals(List.of("real", "emulated"));
    }

    static String number(Object v) {
        if (v instanceof Double d) return String.format(Locale.ROOT, "%.1f", d);
        return String.valueOf(v);
    }

    static String delta(Number d) {
        if (d == null) return "-";
        if (d instanceof Double x) return x == 0 ? "0" : String.format(Locale.ROOT, "%+.1f", x);
        return d.longValue() == 0 ? "0" : String.format(Locale.ROOT, "%+d", d.longValue());
    }

    /** The delta as a share of the reference, or null. */
    static Double percent(Row r, int i) {
        Number a = r.values().get(0), d = r.delta(i);
        if (a == null || d == null || a.doubleValue() == 0) return null;
        return d.doubleValue() / Math.abs(a.doubleValue()) * 100;
    }

    private static String key(String label) {
        String k = label.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
        return k.isEmpty() || !Character.isLetter(k.charAt(0)) ? "c_" + k : k;
    }

    /** The columns of one view's table (with a leading view column for the flat CSV table). */
    private static Table table(Comparison c, boolean withView) {
        List<Column> cols = new ArrayList<>();
        if (withView) cols.add(Column.text("view", "view"));
        cols.add(Column.text("field", "field"));
        boolean real = isReal(c);
        for (int i = 0; i < c.labels().size(); i++) {
            String l = c.labels().get(i);
            cols.add(Column.number(key(l), l).format(Tables::number));
            if (i > 0) {
                cols.add(Column.number(real ? "delta" : "delta_" + key(l), real ? "delta" : l + "-" + c.labels().get(0))
                        .format(v -> delta((Number) v)));
                if (real) cols.add(Column.number("delta_pct", "delta %").format(v -> (Double) v == 0 ? "0%"
                        : String.format(Locale.ROOT, "%+.2f%%", (Double) v)));
            }
        }
        cols.add(Column.text("tolerance", "tolerance"));
        cols.add(Column.text("verdict", "verdict"));
        return Table.of(cols.toArray(Column[]::new));
    }

    private static Object[] cells(Comparison c, Row r, boolean withView) {
        List<Object> v = new ArrayList<>();
        if (withView) v.add(r.view());
        v.add(r.field());
        boolean real = isReal(c);
        for (int i = 0; i < r.values().size(); i++) {
            v.add(r.values().get(i));
            if (i > 0) {
                v.add(r.delta(i));
                if (real) v.add(percent(r, i));
            }
        }
        v.add(r.tolerance());
        v.add(r.verdict());
        return v.toArray();
    }

    /** The text (a table per view under its name, the tolerances, the notes) and the data of a compare. */
    static Report report(Comparison c) {
        StringBuilder sb = new StringBuilder(c.title()).append('\n');
        for (int i = 0; i < c.labels().size(); i++) {
            sb.append("  ").append(c.labels().get(i)).append(": ").append(c.legend().get(i)).append('\n');
        }
        for (String view : Comparison.VIEWS) {
            Table t = table(c, false);
            int n = 0;
            for (Row r : c.rows()) {
                if (!r.view().equals(view)) continue;
                t.row(cells(c, r, false));
                n++;
            }
            if (n == 0) continue;
            sb.append('\n').append(view).append(" (").append(summary(c, view)).append(")\n");
            t.text().lines().forEach(l -> sb.append("  ").append(l.stripTrailing()).append('\n'));
        }
        if (c.rows().isEmpty()) sb.append("\nno rows (every value is the same, or no view was chosen)\n");
        sb.append("\ntolerances (a value within the absolute or the relative difference of the reference counts as"
                + " within tolerance):\n");
        for (Tolerance t : c.tolerances()) {
            sb.append(String.format(Locale.ROOT, "  %-8s %s%n", t.name(), t.applies()));
        }
        for (String n : c.notes()) sb.append("note: ").append(n).append('\n');
        int d = c.differing().size();
        sb.append(d == 0 ? "no field differs beyond its tolerance\n" : d + " field(s) differ beyond their tolerance\n");
        return Report.of("compare", sb.toString(), data(c));
    }

    /** How many rows of a view have each verdict. */
    private static String summary(Comparison c, String view) {
        Map<String, Integer> n = new LinkedHashMap<>();
        for (Row r : c.rows()) if (r.view().equals(view)) n.merge(r.verdict(), 1, Integer::sum);
        StringBuilder sb = new StringBuilder();
        for (String v : List.of(Comparison.SAME, Comparison.WITHIN, Comparison.DIFFERS, Comparison.NOT_MODELLED,
                Comparison.MISSING)) {
            Integer k = n.get(v);
            if (k != null) sb.append(sb.length() == 0 ? "" : ", ").append(k).append(' ').append(v);
        }
        return sb.toString();
    }

    static Map<String, Object> data(Comparison c) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("title", c.title());
        List<Object> configs = new ArrayList<>();
        for (int i = 0; i < c.labels().size(); i++) {
            configs.add(Map.of("label", c.labels().get(i), "is", c.legend().get(i)));
        }
        d.put("columns", configs);
        d.put("rows", flat(c).rows());
        List<Object> tol = new ArrayList<>();
        for (Tolerance t : c.tolerances()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", t.name());
            m.put("absolute", t.absolute());
            m.put("relative", t.relative());
            m.put("applies", t.applies());
            tol.add(m);
        }
        d.put("tolerances", tol);
        d.put("notes", c.notes());
        d.put("differing", c.differing().size());
        return d;
    }

    private static Table flat(Comparison c) {
        Table t = table(c, true);
        for (Row r : c.rows()) t.row(cells(c, r, true));
        return t;
    }

    /** The rows as one CSV table (view, field, the values and deltas, tolerance, verdict). */
    static Report csvReport(Comparison c) {
        return Report.table("compare", "rows", flat(c));
    }

    /** The values of a row in a sentence: {@code real 484361, emulated 489041}. */
    static String valuesText(Comparison c, Row r) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < c.labels().size(); i++) {
            if (i > 0) sb.append(", ");
            Number v = r.values().get(i);
            sb.append(c.labels().get(i)).append(' ').append(v == null ? "-" : number(v));
        }
        return sb.toString();
    }

    static String esc(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(ch);
            }
        }
        return sb.toString();
    }

    /** The compare as an HTML fragment: the title, the legend, one table with a heading row per view, the notes. */
    static String html(Comparison c) {
        Table t = table(c, false);
        StringBuilder sb = new StringBuilder("<div class=\"mm-compare\">\n<p class=\"mm-compare-title\">")
                .append(esc(c.title())).append("</p>\n<ul class=\"mm-compare-legend\">\n");
        for (int i = 0; i < c.labels().size(); i++) {
            sb.append("<li><b>").append(esc(c.labels().get(i))).append("</b>: ").append(esc(c.legend().get(i)))
                    .append("</li>\n");
        }
        sb.append("</ul>\n<table class=\"mm-compare-table\">\n<thead><tr>");
        for (Column col : t.columns()) sb.append("<th>").append(esc(col.header())).append("</th>");
        sb.append("</tr></thead>\n<tbody>\n");
        int n = t.columns().size();
        String view = null;
        for (Row r : c.rows()) {
            if (!r.view().equals(view)) {
                view = r.view();
                sb.append("<tr class=\"mm-compare-view\"><th colspan=\"").append(n).append("\">").append(esc(view))
                        .append("</th></tr>\n");
            }
            Object[] cells = cells(c, r, false);
            sb.append("<tr class=\"").append(r.verdict().replace(' ', '-')).append("\">");
            for (int i = 0; i < n; i++) {
                Column col = t.columns().get(i);
                sb.append(col.leftAligned() ? "<td>" : "<td style=\"text-align:right\">")
                        .append(esc(col.show(cells[i]))).append("</td>");
            }
            sb.append("</tr>\n");
        }
        sb.append("</tbody>\n</table>\n<p>tolerances:</p>\n<ul class=\"mm-compare-tolerances\">\n");
        for (Tolerance tol : c.tolerances()) {
            sb.append("<li><b>").append(esc(tol.name())).append("</b>: ").append(esc(tol.applies())).append("</li>\n");
        }
        sb.append("</ul>\n");
        for (String note : c.notes()) sb.append("<p class=\"mm-compare-note\">note: ").append(esc(note)).append("</p>\n");
        sb.append("<p>").append(c.differing().size()).append(" field(s) differ beyond their tolerance</p>\n</div>\n");
        return sb.toString();
    }

    /** A whole HTML page around the fragment (--html FILE). */
    static String page(String title, String fragment) {
        return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + esc(title) + "</title>\n<style>"
                + "body{font-family:sans-serif} table{border-collapse:collapse} td,th{padding:1px 6px;"
                + "font-family:monospace} tr.differs{background:#fdd} tr.within-tolerance{background:#ffd}"
                + " tr.not-modelled{color:#888} tr.mm-compare-view th{text-align:left;background:#eee}"
                + "</style></head>\n<body>\n" + fragment + "</body></html>\n";
    }
}
