package mm.shell.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an {@code mm:} command prints: the kernel-format text and the same facts as a JSON tree ({@code --json}).
 * Data values are String, Number, Boolean, null, Map (string keys) or Collection, nested freely; arrays of
 * primitives (long[], int[]) are written as JSON arrays.
 */
public final class Report {
    private static final JsonFactory JSON = new JsonFactory();
    private final String kind;
    private final String text;
    private final Map<String, Object> data;

    private Report(String kind, String text, Map<String, Object> data) {
        this.kind = kind;
        this.text = text;
        this.data = data;
    }

    public static Report of(String kind, String text, Map<String, Object> data) {
        return new Report(kind, text, new LinkedHashMap<>(data));
    }

    /** A text-only report; JSON gets {@code {"report": kind, "text": "..."}}. */
    public static Report text(String kind, String text) {
        return new Report(kind, text, new LinkedHashMap<>(Map.of("text", text)));
    }

    public String kind() { return kind; }
    public String text() { return text; }
    public Map<String, Object> data() { return data; }

    /** The text, or the JSON when {@code json} is set (the launcher's --json). */
    public String render(boolean json) { return json ? toJson() : text; }

    public String toJson() {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("report", kind);
            for (Map.Entry<String, Object> e : data.entrySet()) {
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
        else if (v instanceof long[] a) { g.writeStartArray(); for (long x : a) g.writeNumber(x); g.writeEndArray(); }
        else if (v instanceof int[] a) { g.writeStartArray(); for (int x : a) g.writeNumber(x); g.writeEndArray(); }
        else if (v instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : m.entrySet()) { g.writeFieldName(String.valueOf(e.getKey())); write(g, e.getValue()); }
            g.writeEndObject();
        } else if (v instanceof Collection<?> c) {
            g.writeStartArray();
            for (Object o : c) write(g, o);
            g.writeEndArray();
        } else g.writeString(v.toString());
    }
}
