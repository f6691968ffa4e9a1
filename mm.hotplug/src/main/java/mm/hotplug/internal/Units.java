package mm.hotplug.internal;

import java.util.Locale;

/** Sizes and addresses as the commands take and print them: hex or decimal with K/M/G/T suffixes. */
final class Units {
    private Units() {}

    /** Parses {@code 0x100000000}, {@code 4G}, {@code 128M}, {@code 0x10M}, {@code 4096}. */
    static long parse(String s) {
        String t = s.trim();
        if (t.isEmpty()) throw new IllegalArgumentException("empty size");
        long mult = 1;
        char c = Character.toUpperCase(t.charAt(t.length() - 1));
        int shift = "KMGTPE".indexOf(c);
        boolean hex = t.startsWith("0x") || t.startsWith("0X");
        if (shift >= 0 && !(hex && c == 'E')) { // E is a hex digit
            mult = 1L << (10 * (shift + 1));
            t = t.substring(0, t.length() - 1);
        }
        try {
            long v = hex ? Long.parseUnsignedLong(t.substring(2), 16) : Long.parseLong(t);
            if (v < 0 || (mult > 1 && v > Long.MAX_VALUE / mult)) throw new NumberFormatException();
            return v * mult;
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("expected a size or address like 4G, 128M or 0x100000000, got '" + s + "'");
        }
    }

    /**
     * A START SIZE pair of arguments as a physical range: START below 2^52 and the range ending by 2^52, the end of
     * the physical address space (MAX_PHYSMEM_BITS 52 with 5-level paging), else an error naming the argument.
     */
    static long[] physRange(String start, String size) {
        long s = parse(start), n = parse(size);
        if (s >= mm.core.api.Mm.MAX_PHYS_ADDR) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "start %s: address %#x is at or above 2^52, the"
                    + " end of the physical address space (MAX_PHYSMEM_BITS 52, 5-level paging)", start.trim(), s));
        }
        if (n > mm.core.api.Mm.MAX_PHYS_ADDR - s) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "size %s: the range %#x+%#x ends above 2^52, the"
                    + " end of the physical address space (MAX_PHYSMEM_BITS 52, 5-level paging)", size.trim(), s, n));
        }
        return new long[] {s, n};
    }

    /** {@code 16 GiB}, {@code 128 MiB}, {@code 4 KiB}, or bytes. */
    static String human(long bytes) {
        String[] u = {"B", "KiB", "MiB", "GiB", "TiB"};
        int i = 0;
        double v = bytes;
        while (v >= 1024 && i < u.length - 1 && (bytes % (1L << (10 * (i + 1))) == 0 || v >= 10240)) {
            v /= 1024;
            i++;
        }
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%d %s", (long) v, u[i])
                : String.format(Locale.ROOT, "%.2f %s", v, u[i]);
    }

    /** {@code [mem 0x0000000100000000-0x000000013fffffff]}. */
    static String mem(long start, long end) {
        return String.format(Locale.ROOT, "[mem %#018x-%#018x]", start, end - 1);
    }
}
