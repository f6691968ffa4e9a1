package mm.launcher;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a script into Gogo command lines, each run on its own (Gogo prints the output of only the last
 * {@code ;}-separated statement of one {@code execute()} call). Commands end at {@code ;} or a newline outside quotes,
 * braces, brackets and parentheses; a backslash before a newline continues the line; lines whose first non-blank
 * character is {@code #} are comments.
 */
final class Script {
    private Script() {}

    static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int depth = 0;
        char quote = 0;
        boolean lineStart = true;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (quote == 0 && depth == 0 && lineStart && (c == ' ' || c == '\t')) {
                continue;
            }
            if (quote == 0 && lineStart && c == '#') {
                while (i + 1 < n && text.charAt(i + 1) != '\n') i++;
                continue;
            }
            lineStart = false;
            if (c == '\\' && i + 1 < n) {
                char next = text.charAt(i + 1);
                if (next == '\n' || (next == '\r' && i + 2 < n && text.charAt(i + 2) == '\n')) {
                    i += next == '\r' ? 2 : 1;
                    cur.append(' ');
                    continue;
                }
                if (quote != '\'') {
                    cur.append(c).append(next);
                    i++;
                    continue;
                }
            }
            if (quote != 0) {
                if (c == quote) quote = 0;
                cur.append(c);
                continue;
            }
            switch (c) {
                case '\'', '"' -> {
                    quote = c;
                    cur.append(c);
                }
                case '{', '(', '[' -> {
                    depth++;
                    cur.append(c);
                }
                case '}', ')', ']' -> {
                    if (depth > 0) depth--;
                    cur.append(c);
                }
                case ';', '\n', '\r' -> {
                    if (depth > 0) {
                        cur.append(c);
                    } else {
                        flush(cur, out);
                        if (c != ';') lineStart = true;
                    }
                }
                default -> cur.append(c);
            }
        }
        flush(cur, out);
        return out;
    }

    private static void flush(StringBuilder cur, List<String> out) {
        String s = cur.toString().strip();
        if (!s.isEmpty()) out.add(s);
        cur.setLength(0);
    }
}
