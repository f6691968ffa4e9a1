package mm.shell.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an {@code mm:} command prints: the text (the kernel's format where the view is the kernel's) and the same
 * facts as data, which {@link ReportPrinter} writes as JSON under {@code --json}. Data values are String, Number,
 * Boolean, null, Map (snake_case string keys) or Collection, nested freely; arrays of primitives (long[], int[]) are
 * written as JSON arrays. A tabular report also carries its {@link Table}: its text is the table's aligned text, its
 * data holds the table's rows under one key, and {@code --csv} prints it as CSV.
 */
public final class Report {
    private final String kind;
    private final String text;
    private final Map<String, Object> data;
    private final Table table;

    private Report(String kind, String text, Map<String, Object> data, Table table) {
        this.kind = kind;
        this.text = text;
        this.data = Collections.unmodifiableMap(data);
        this.table = table;
    }

    /** A report whose text and data are built separately (the kernel-format views). */
    public static Report of(String kind, String text, Map<String, ?> data) {
        return new Report(kind, text, new LinkedHashMap<>(data), null);
    }

    /** A text-only report; its data is {@code {"text": text}}. */
    public static Report text(String kind, String text) {
        return new Report(kind, text, new LinkedHashMap<>(Map.of("text", text)), null);
    }

    /** A tabular report: the text is the table's aligned text, the data {@code {rowsKey: [row, ...]}}. */
    public static Report table(String kind, String rowsKey, Table table) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put(rowsKey, table.rows());
        return new Report(kind, table.text(), d, table);
    }

    /** This report with one more data entry (after the others). */
    public Report with(String key, Object value) {
        Map<String, Object> d = new LinkedHashMap<>(data);
        d.put(key, value);
        return new Report(kind, text, d, table);
    }

    /** This report with {@code more} appended to its text (the data and table are unchanged). */
    public Report appendText(String more) {
        return new Report(kind, text + more, new LinkedHashMap<>(data), table);
    }

    public String kind() { return kind; }
    public String text() { return text; }
    /** The data, in insertion order (JSON keeps it). */
    public Map<String, Object> data() { return data; }
    /** The table of a tabular report, or null. */
    public Table table() { return table; }
}
