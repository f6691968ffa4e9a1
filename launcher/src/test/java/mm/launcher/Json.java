package mm.launcher;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parses one JSON document into Map / List / String / Number / Boolean / null; fails on trailing data. */
final class Json {
    private static final JsonFactory F = new JsonFactory();

    static Object parse(String s) throws IOException {
        try (JsonParser p = F.createParser(s)) {
            Object v = value(p, p.nextToken());
            if (p.nextToken() != null) throw new IOException("trailing data after the JSON value: " + s);
            return v;
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(String s) throws IOException {
        Object v = parse(s);
        if (!(v instanceof Map)) throw new IOException("not a JSON object: " + s);
        return (Map<String, Object>) v;
    }

    private static Object value(JsonParser p, JsonToken t) throws IOException {
        if (t == null) throw new IOException("empty JSON");
        switch (t) {
            case START_OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
                    String name = p.currentName();
                    m.put(name, value(p, p.nextToken()));
                }
                return m;
            }
            case START_ARRAY -> {
                List<Object> l = new ArrayList<>();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) l.add(value(p, e));
                return l;
            }
            case VALUE_STRING -> {
                return p.getText();
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                return p.getNumberValue();
            }
            case VALUE_TRUE -> {
                return true;
            }
            case VALUE_FALSE -> {
                return false;
            }
            case VALUE_NULL -> {
                return null;
            }
            default -> throw new IOException("unexpected JSON token " + t);
        }
    }

    private Json() {}
}
