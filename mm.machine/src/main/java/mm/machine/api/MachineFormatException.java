package mm.machine.api;

/** A machine file or dmesg that cannot be read: names the file, line, column and what was expected. */
public class MachineFormatException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String file;
    private final int line;
    private final int column;

    public MachineFormatException(String file, int line, int column, String message) {
        super(file + ":" + line + ":" + column + ": " + printable(message));
        this.file = file;
        this.line = line;
        this.column = column;
    }

    /** Longest quoted token echoed whole; a longer one is cut (a 10 MB number must not make a 10 MB line). */
    static final int MAX_TOKEN = 60;

    /**
     * The message as one printable line: invisible and control characters (a BOM, NUL, no-break space, tabs) shown as
     * as a backslash, u and four hex digits, quoted tokens longer than {@value #MAX_TOKEN} characters cut with "...".
     */
    static String printable(String message) {
        StringBuilder sb = new StringBuilder(Math.min(message.length(), 1024));
        int quoteStart = -1;
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            if (c == '\'') {
                quoteStart = quoteStart < 0 ? sb.length() : -1;
            } else if (quoteStart >= 0 && sb.length() - quoteStart > MAX_TOKEN) {
                // skip to the closing quote
                int close = message.indexOf('\'', i);
                sb.append("...");
                if (close < 0) break;
                i = close - 1;
                continue;
            }
            int type = Character.getType(c);
            boolean invisible = Character.isISOControl(c) || type == Character.FORMAT || type == Character.UNASSIGNED
                    || type == Character.SURROGATE || (Character.isSpaceChar(c) && c != ' ');
            if (invisible) sb.append(String.format("\\u%04x", (int) c));
            else sb.append(c);
        }
        return sb.toString();
    }

    public String file() { return file; }
    public int line() { return line; }
    public int column() { return column; }
}
