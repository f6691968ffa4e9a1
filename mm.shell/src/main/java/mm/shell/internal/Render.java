package mm.shell.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import mm.shell.api.Column;
import mm.shell.api.Report;
import mm.shell.api.Table;

/** A {@link Report} as JSON (jackson-core's generator) or its table as CSV (RFC 4180 quoting). */
final class Render {
    private static final JsonFactory JSON = new JsonFactory();

    private Render() {}

    /** {@code {"report": kind, ...data}} on one line. */
    static String json(Report r) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("report", r.kind());
            for (Map.Entry<String, Object> e : r.data().entrySet()) {
                g.writeFieldName(e.getKey());
                write(g, e.getValue());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    private static void write(JsonGenerator g, Object v) throws IOException {
        if (v == null) g.writeNull();
        else if (v instanceof String s) g.writeString(s);
        else if (v instanceof Integer i) g.writeNumber(i);
        else if (v instanceof Long l) g.writeNumber(l);
        else if (v instanceof Double d) g.writeNumber(d);
        else if (v instanceof Float f) g.writeNumber(f);
        else if (v instanceof Number n) g.writeNumber(n.toString());
        else if (v instanceof Boolean b) g.writeBoolean(b);
        else if (v instanceof long[] a) g.writeArray(a, 0, a.length);
        else if (v instanceof int[] a) g.writeArray(a, 0, a.length);
        else if (v instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                write(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof Collection<?> c) {
            g.writeStartArray();
            for (Object o : c) write(g, o);
            g.writeEndArray();
        } else g.writeString(v.toString());
    }

    /** The header (column keys) and one line per row of raw values. */
    static String csv(Table t) {
        StringBuilder sb = new StringBuilder();
        List<Column> cols = t.columns();
        for (int i = 0; i < cols.size(); i++) sb.append(i == 0 ? "" : ",").append(cols.get(i).key());
        sb.append('\n');
        for (List<Object> row : t.values()) {
            for (int i = 0; i < row.size(); i++) sb.append(i == 0 ? "" : ",").append(cell(row.get(i)));
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String cell(Object v) {
        if (v == null) return "";
        String s = v instanceof Collection<?> c ? String.join(" ", c.stream().map(String::valueOf).toList())
                : String.valueOf(v);
        boolean quote = s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0;
        return quote ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }
}
