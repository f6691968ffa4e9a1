package mm.shell.api;

import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * One column of a {@link Table}: the snake_case key of its JSON field and CSV header, the header of its text, how a
 * value is shown in the text, its alignment and minimum width. JSON and CSV get the raw value.
 *
 * @param key     JSON field and CSV column name, snake_case ({@code start_pfn})
 * @param header  the text header
 * @param width   minimum text width (the column grows to its widest cell)
 * @param leftAligned left-aligned (text) rather than right-aligned (numbers)
 * @param format  the text of a non-null value
 * @param absent  the text of a null value
 */
public record Column(String key, String header, int width, boolean leftAligned, Function<Object, String> format,
                     String absent) {
    public Column {
        Objects.requireNonNull(key, "key");
        if (!key.matches("[a-z][a-z0-9]*(_[a-z0-9]+)*")) {
            throw new IllegalArgumentException("column key '" + key + "' is not snake_case");
        }
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(absent, "absent");
    }

    /** A right-aligned column (numbers), shown with {@link String#valueOf}. */
    public static Column number(String key, String header) {
        return new Column(key, header, 0, false, String::valueOf, "-");
    }

    /** A left-aligned column (names), shown with {@link String#valueOf}. */
    public static Column text(String key, String header) {
        return new Column(key, header, 0, true, String::valueOf, "-");
    }

    /** This column at least {@code w} characters wide. */
    public Column width(int w) { return new Column(key, header, w, leftAligned, format, absent); }

    /** This column, left-aligned. */
    public Column left() { return new Column(key, header, width, true, format, absent); }

    /** This column with values shown by {@code f}. */
    public Column format(Function<Object, String> f) { return new Column(key, header, width, leftAligned, f, absent); }

    /** This column with numbers shown in hex ({@code 0x1000}, as the kernel prints a pfn). */
    public Column hex() {
        return format(v -> v instanceof Number n ? String.format(Locale.ROOT, "%#x", n.longValue()) : String.valueOf(v));
    }

    /** This column with null shown as {@code text}. */
    public Column absent(String text) { return new Column(key, header, width, leftAligned, format, text); }

    /** The text of one value. */
    public String show(Object value) { return value == null ? absent : format.apply(value); }
}
