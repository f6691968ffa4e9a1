package mm.sweep.internal;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The sweep's CSV (RFC 4180: a header, one row per point, the parameter first, empty cells for figures a point does
 * not have) and the overlay files read back: published points with their source in {@code #} comment lines.
 */
final class SweepCsv {
    private SweepCsv() {}

    /** A table: the header and its rows (null cell: no value). */
    record Sheet(List<String> header, List<List<String>> rows) {}

    /** The text of {@code sheet} as CSV, {@code comments} first as {@code #} lines. */
    static String write(List<String> comments, Sheet sheet) {
        StringBuilder sb = new StringBuilder();
        for (String c : comments) sb.append("# ").append(c).append('\n');
        line(sb, sheet.header());
        for (List<String> r : sheet.rows()) line(sb, r);
        return sb.toString();
    }

    private static void line(StringBuilder sb, List<String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) sb.append(',');
            String c = cells.get(i);
            if (c == null) continue;
            if (c.contains(",") || c.contains("\"") || c.contains("\n") || c.contains("\r")) {
                sb.append('"').append(c.replace("\"", "\"\"")).append('"');
            } else {
                sb.append(c);
            }
        }
        sb.append('\n');
    }

    /** A number as the CSV holds it: integers without a fraction, others to 0.001. */
    static String number(Double v) {
        if (v == null || v.isNaN()) return null;
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString(v.longValue());
        return String.format(Locale.ROOT, "%.3f", v).replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    /** An overlay: named series of published points, and what the file says of its source. */
    record Overlay(String file, List<String> source, String xHeader, List<Series> series) {}

    /**
     * One published series: its points (x given as text, mapped onto the sweep's axis by the caller), and the
     * published standard deviation of each point from the column {@code NAME_stdev} (null: none given).
     */
    record Series(String name, List<String> x, List<Double> y, List<Integer> lines, List<Double> stdev) {}

    /**
     * Reads an overlay CSV: {@code #} lines (the source), a header, then rows; the first column is the swept value,
     * every other column a series of numbers (empty cells are gaps). A column {@code NAME_stdev} gives the standard
     * deviations of series {@code NAME} (error bars); other {@code _stdev} columns are left out.
     *
     * @throws IllegalArgumentException naming {@code file:line:column} and what is wrong
     */
    static Overlay readOverlay(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("--overlay: " + file + ": no such file");
        } catch (MalformedInputException e) {
            throw new IllegalArgumentException("--overlay: " + file + ": not UTF-8 text");
        } catch (IOException e) {
            throw new IllegalArgumentException("--overlay: " + file + ": cannot read it ("
                    + (e.getMessage() == null ? "I/O error" : e.getMessage()) + ")");
        }
        List<String> source = new ArrayList<>();
        List<String> header = null;
        List<Series> series = new ArrayList<>();
        List<Integer> columns = new ArrayList<>();
        List<Integer> stdevColumns = new ArrayList<>();
        for (int n = 0; n < lines.size(); n++) {
            String l = lines.get(n);
            int lineNo = n + 1;
            if (l.startsWith("#")) {
                if (header == null) source.add(l.substring(1).trim());
                continue;
            }
            if (l.isBlank()) continue;
            List<String> cells = split(file, lineNo, l);
            if (header == null) {
                header = cells;
                if (header.size() < 2) throw at(file, lineNo, 1, "the header needs the swept value and a series");
                for (int c = 1; c < header.size(); c++) {
                    String h = header.get(c).trim();
                    if (h.isEmpty()) throw at(file, lineNo, c + 1, "column " + (c + 1) + " has no name");
                    if (h.endsWith("_stdev")) continue;
                    columns.add(c);
                    series.add(new Series(h, new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
                            new ArrayList<>()));
                    int sd = -1;
                    for (int k = 1; k < header.size(); k++) if (header.get(k).trim().equals(h + "_stdev")) sd = k;
                    stdevColumns.add(sd);
                }
                continue;
            }
            if (cells.size() != header.size()) {
                throw at(file, lineNo, 1, cells.size() + " cells where the header has " + header.size());
            }
            String x = cells.get(0).trim();
            if (x.isEmpty()) throw at(file, lineNo, 1, "the swept value is empty");
            for (int i = 0; i < columns.size(); i++) {
                int c = columns.get(i);
                String cell = cells.get(c).trim();
                if (cell.isEmpty()) continue;
                Double v = Points.parse(cell);
                if (v == null) {
                    throw at(file, lineNo, column(l, c), "'" + cell + "' in column " + header.get(c)
                            + " is not a number");
                }
                Double sd = null;
                int sc = stdevColumns.get(i);
                if (sc >= 0 && !cells.get(sc).trim().isEmpty()) {
                    sd = Points.parse(cells.get(sc).trim());
                    if (sd == null || sd < 0) {
                        throw at(file, lineNo, column(l, sc), "'" + cells.get(sc).trim() + "' in column "
                                + header.get(sc).trim() + " is not a number >= 0");
                    }
                }
                Series s = series.get(i);
                s.x().add(x);
                s.y().add(v);
                s.lines().add(lineNo);
                s.stdev().add(sd);
            }
        }
        if (header == null) throw new IllegalArgumentException("--overlay: " + file + ": no header line");
        return new Overlay(file.toString(), List.copyOf(source), header.get(0).trim(), List.copyOf(series));
    }

    /** Splits one CSV line (quoted cells with "" for a quote). */
    static List<String> split(Path file, int lineNo, String l) {
        List<String> out = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < l.length(); i++) {
            char ch = l.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < l.length() && l.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    cell.append(ch);
                }
            } else if (ch == '"' && cell.length() == 0) {
                quoted = true;
            } else if (ch == ',') {
                out.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(ch);
            }
        }
        if (quoted) throw at(file, lineNo, l.length(), "a quoted cell is not closed");
        out.add(cell.toString());
        return out;
    }

    /** The 1-based character column where cell {@code c} of {@code l} starts (quotes not counted specially). */
    private static int column(String l, int c) {
        int col = 0;
        for (int i = 0; i < c; i++) {
            int comma = l.indexOf(',', col);
            if (comma < 0) break;
            col = comma + 1;
        }
        return col + 1;
    }

    private static IllegalArgumentException at(Path file, int line, int col, String why) {
        return new IllegalArgumentException("--overlay: " + file + ":" + line + ":" + col + ": " + why);
    }
}
