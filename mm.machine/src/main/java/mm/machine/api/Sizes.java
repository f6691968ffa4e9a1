package mm.machine.api;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sizes and addresses in the machine format: hex or decimal with an optional K/M/G/T/P/E suffix (like memparse). */
public final class Sizes {
    private Sizes() {}

    private static final Pattern SIZE = Pattern.compile("(0[xX][0-9a-fA-F]+|[0-9]+)([KMGTPEkmgtpe]?)");
    private static final String SUFFIXES = "KMGTPE";

    /** The value, or -1 if {@code s} is not a size (or does not fit in a signed 64-bit number). */
    public static long parse(String s) {
        Matcher m = SIZE.matcher(s);
        if (!m.matches()) return -1;
        String digits = m.group(1);
        long v;
        try {
            v = digits.length() > 2 && (digits.charAt(1) == 'x' || digits.charAt(1) == 'X')
                    ? Long.parseLong(digits.substring(2), 16) : Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return -1;
        }
        if (!m.group(2).isEmpty()) {
            int shift = 10 * (SUFFIXES.indexOf(Character.toUpperCase(m.group(2).charAt(0))) + 1);
            if (v != 0 && (Long.numberOfLeadingZeros(v) - 1) < shift) return -1;
            v <<= shift;
        }
        return v;
    }

    /** The shortest exact spelling with a suffix ("4G", "1008K"), else decimal bytes. */
    public static String format(long v) {
        if (v == 0) return "0";
        for (int i = SUFFIXES.length() - 1; i >= 0; i--) {
            int shift = 10 * (i + 1);
            if ((v & ((1L << shift) - 1)) == 0) return (v >>> shift) + String.valueOf(SUFFIXES.charAt(i));
        }
        return Long.toString(v);
    }

    public static String hex(long v) { return "0x" + Long.toHexString(v); }

    /** A range [start, end) as the format writes it: START-END with END inclusive; START+0x0 for an empty one. */
    public static String range(long start, long end) {
        return end > start ? hex(start) + "-" + hex(end - 1) : hex(start) + "+0x0";
    }
}
