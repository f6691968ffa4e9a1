package mm.core.api;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A caller tag: a short stack of function names, innermost first, as page_owner prints it. Interned: equal stacks
 * are the same object, so comparing and hashing are cheap on the allocation path.
 */
public final class CallStack {
    private static final ConcurrentHashMap<List<String>, CallStack> INTERN = new ConcurrentHashMap<>();
    private static final AtomicInteger IDS = new AtomicInteger();
    private final String[] frames;
    private final int id;

    private CallStack(String[] frames, int id) {
        this.frames = frames;
        this.id = id;
    }

    public static CallStack of(String... frames) {
        List<String> key = List.of(frames);
        return INTERN.computeIfAbsent(key, k -> new CallStack(frames.clone(), IDS.incrementAndGet()));
    }

    /** Parses "a<b<c" or "a;b;c" (innermost first). */
    public static CallStack parse(String spec) {
        return of(spec.split("[<;,]"));
    }

    /**
     * A stack of kernel-looking frames: every name gets a stable, made-up {@code +0xOFF/0xSIZE} as %pS prints a
     * symbol (names that already carry one are kept), inner frames first, then the outer ones.
     */
    public static CallStack symbolized(List<String> inner, List<String> outer) {
        String[] f = new String[inner.size() + outer.size()];
        int i = 0;
        for (String s : inner) f[i++] = symbol(s);
        for (String s : outer) f[i++] = symbol(s);
        return of(f);
    }

    /** {@code name+0xOFF/0xSIZE} with offsets derived from the name, so the same function always prints the same. */
    public static String symbol(String name) {
        if (name.contains("+0x")) return name;
        int h = name.hashCode() & 0x7fffffff;
        int size = ((h % 0x600) + 0x60 + 0xf) & ~0xf;
        int off = 0x10 + (h >>> 11) % (size - 0x10);
        return String.format(java.util.Locale.ROOT, "%s+%#x/%#x", name, off, size);
    }

    /** The function of a frame: {@code get_page_from_freelist+0x330/0x1660} gives {@code get_page_from_freelist}. */
    public static String functionName(String frame) {
        int i = frame.indexOf('+');
        return i < 0 ? frame : frame.substring(0, i);
    }

    public List<String> frames() { return Arrays.asList(frames); }

    /** The innermost frame that is not allocator plumbing: what page_owner_sort calls the caller. */
    public String top() { return frames.length == 0 ? "?" : frames[0]; }

    /** A process-wide unique id for this stack. */
    public int id() { return id; }

    @Override public String toString() { return String.join("<", frames); }
}
