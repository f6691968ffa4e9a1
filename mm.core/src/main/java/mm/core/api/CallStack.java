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

    public List<String> frames() { return Arrays.asList(frames); }

    /** The innermost frame that is not allocator plumbing: what page_owner_sort calls the caller. */
    public String top() { return frames.length == 0 ? "?" : frames[0]; }

    /** A process-wide unique id for this stack. */
    public int id() { return id; }

    @Override public String toString() { return String.join("<", frames); }
}
