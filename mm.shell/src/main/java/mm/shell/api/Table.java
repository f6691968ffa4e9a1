package mm.shell.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rows under one column list: the aligned text (columns separated by one space, each as wide as its widest cell,
 * header or minimum width), and the rows as data (column key to raw value) for JSON and CSV.
 */
public final class Table {
    private final List<Column> columns;
    private final List<List<Object>> rows = new ArrayList<>();

    private Table(List<Column> columns) {
        if (columns.isEmpty()) throw new IllegalArgumentException("a table needs at least one column");
        this.columns = List.copyOf(columns);
    }

    public static Table of(Column... columns) { return new Table(Arrays.asList(columns)); }

    /** Adds a row: one value per column, in column order. */
    public Table row(Object... values) {
        if (values.length != columns.size()) {
            throw new IllegalArgumentException("a row of " + values.length + " values for " + columns.size() + " columns");
        }
        rows.add(Collections.unmodifiableList(new ArrayList<>(Arrays.asList(values))));
        return this;
    }

    public List<Column> columns() { return columns; }

    /** The raw values, one list per row. */
    public List<List<Object>> values() { return Collections.unmodifiableList(rows); }

    /** The rows as data: column key to raw value, in column order. */
    public List<Map<String, Object>> rows() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (List<Object> r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (int i = 0; i < columns.size(); i++) m.put(columns.get(i).key(), r.get(i));
            out.add(m);
        }
        return out;
    }

    /** The header line and one line per row, aligned, each ending with a newline. */
    public String text() {
        int n = columns.size();
        int[] w = new int[n];
        List<String[]> cells = new ArrayList<>();
        for (List<Object> r : rows) {
            String[] c = new String[n];
            for (int i = 0; i < n; i++) c[i] = columns.get(i).show(r.get(i));
            cells.add(c);
        }
        for (int i = 0; i < n; i++) {
            Column c = columns.get(i);
            w[i] = Math.max(c.width(), c.header().length());
            for (String[] r : cells) w[i] = Math.max(w[i], r[i].length());
        }
        StringBuilder sb = new StringBuilder();
        String[] header = columns.stream().map(Column::header).toArray(String[]::new);
        line(sb, header, w);
        for (String[] r : cells) line(sb, r, w);
        return sb.toString();
    }

    private void line(StringBuilder sb, String[] cells, int[] w) {
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) sb.append(' ');
            String pad = " ".repeat(w[i] - cells[i].length());
            boolean last = i == cells.length - 1;
            if (columns.get(i).leftAligned()) sb.append(cells[i]).append(last ? "" : pad);
            else sb.append(pad).append(cells[i]);
        }
        sb.append('\n');
    }
}
