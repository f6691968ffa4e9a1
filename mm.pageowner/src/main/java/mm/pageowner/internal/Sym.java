package mm.pageowner.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Kernel-looking stack frames ({@code name+0xOFF/0xSIZE}, as %pS prints them) with stable, made-up offsets. */
final class Sym {
    private Sym() {}

    static String sym(String name) {
        if (name.contains("+0x")) return name;
        int h = name.hashCode() & 0x7fffffff;
        int size = ((h % 0x600) + 0x60 + 0xf) & ~0xf;
        int off = 0x10 + (h >>> 11) % (size - 0x10);
        return String.format(Locale.ROOT, "%s+%#x/%#x", name, off, size);
    }

    static String[] frames(List<String> inner, List<String> outer) {
        List<String> out = new ArrayList<>();
        for (String s : inner) out.add(sym(s));
        for (String s : outer) out.add(sym(s));
        return out.toArray(new String[0]);
    }

    /** The function name of a frame ({@code get_page_from_freelist+0x330/0x1660} -> {@code get_page_from_freelist}). */
    static String name(String frame) {
        int i = frame.indexOf('+');
        return i < 0 ? frame : frame.substring(0, i);
    }
}
