package mm.variant.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The variant selection without a framework: the registered implementations of each subsystem's variants, the
 * configured choice, and from both the active implementation. {@code H} is how an implementation is held (a
 * ServiceReference in OSGi, the object itself outside); {@code order} says which of two registrations of the same
 * variant wins (the greater). Thread-safe; every change returns what it changed, for the caller to announce outside
 * the lock.
 */
final class Selection<H> {
    /** A change of a subsystem's active variant (null: none). */
    record Change(String subsystem, String previous, String current) {}

    private record Entry<H>(String subsystem, String variant, boolean isDefault, long seq, H handle) {}

    private final Comparator<H> order;
    /** subsystem -> variant -> registrations, the best first. */
    private final Map<String, Map<String, List<Entry<H>>>> bySubsystem = new TreeMap<>();
    private final Map<H, Entry<H>> entries = new HashMap<>();
    private Map<String, String> configured = Map.of();
    /** The sequence number of the last selection stored or seen (see {@link #deliver}). */
    private long stored = -1;
    private long registrations;

    Selection(Comparator<H> order) {
        this.order = order;
    }

    synchronized List<Change> add(String subsystem, String variant, boolean isDefault, H handle) {
        if (subsystem == null || variant == null || entries.containsKey(handle)) return List.of();
        Map<String, String> before = activeMap();
        Entry<H> e = new Entry<>(subsystem, variant, isDefault, registrations++, handle);
        entries.put(handle, e);
        List<Entry<H>> list = bySubsystem.computeIfAbsent(subsystem, k -> new TreeMap<>())
                .computeIfAbsent(variant, k -> new ArrayList<>());
        list.add(e);
        list.sort((a, b) -> order.compare(b.handle, a.handle));
        return changes(before);
    }

    synchronized List<Change> remove(H handle) {
        Entry<H> e = entries.remove(handle);
        if (e == null) return List.of();
        Map<String, String> before = activeMap();
        Map<String, List<Entry<H>>> byName = bySubsystem.get(e.subsystem);
        List<Entry<H>> list = byName.get(e.variant);
        list.remove(e);
        if (list.isEmpty()) byName.remove(e.variant);
        if (byName.isEmpty()) bySubsystem.remove(e.subsystem);
        return changes(before);
    }

    /**
     * A configuration delivered by Config Admin. {@code seq} is the sequence number it carries (-1: none, written by
     * someone else). A delivery older than the last selection stored is an echo already applied, and must not undo
     * a newer selection: it is ignored (returns null).
     */
    synchronized List<Change> deliver(Map<String, String> selection, long seq) {
        if (seq >= 0 && seq < stored) return null;
        stored = Math.max(stored, seq);
        Map<String, String> before = activeMap();
        configured = Map.copyOf(selection);
        return changes(before);
    }

    /** The next sequence number to store a selection under. */
    synchronized long nextSeq() {
        return ++stored;
    }

    /**
     * Checks that {@code variant} of {@code subsystem} is registered and returns the whole selection as it would be
     * after choosing it.
     *
     * @throws IllegalArgumentException naming the known subsystems or variants
     */
    synchronized Map<String, String> proposed(String subsystem, String variant) {
        Objects.requireNonNull(subsystem, "subsystem");
        Objects.requireNonNull(variant, "variant");
        Map<String, List<Entry<H>>> byName = bySubsystem.get(subsystem);
        if (byName == null) {
            throw new IllegalArgumentException(bySubsystem.isEmpty()
                    ? "unknown subsystem '" + subsystem + "': no variants are registered"
                    : "unknown subsystem '" + subsystem + "' (subsystems: " + String.join(", ", bySubsystem.keySet())
                            + ")");
        }
        if (!byName.containsKey(variant)) {
            throw new IllegalArgumentException("subsystem '" + subsystem + "' has no variant '" + variant
                    + "' (variants: " + String.join(", ", byName.keySet()) + ")");
        }
        Map<String, String> next = selectionMap();
        next.put(subsystem, variant);
        return Collections.unmodifiableMap(next);
    }

    /** Makes {@code variant} the choice for {@code subsystem} now (the caller stores it too, if it can). */
    synchronized List<Change> choose(String subsystem, String variant) {
        Map<String, String> before = activeMap();
        Map<String, String> c = new TreeMap<>(configured);
        c.put(subsystem, variant);
        configured = Collections.unmodifiableMap(c);
        return changes(before);
    }

    /** The best registration of a variant, or null. */
    synchronized H handle(String subsystem, String variant) {
        Map<String, List<Entry<H>>> byName = bySubsystem.get(subsystem);
        List<Entry<H>> list = byName == null ? null : byName.get(variant);
        return list == null || list.isEmpty() ? null : list.get(0).handle;
    }

    synchronized H activeHandle(String subsystem) {
        String name = selectedOf(subsystem);
        return name == null ? null : handle(subsystem, name);
    }

    synchronized String active(String subsystem) {
        return activeHandle(subsystem) == null ? null : selectedOf(subsystem);
    }

    synchronized boolean contains(H handle) {
        return entries.containsKey(handle);
    }

    synchronized Map<String, List<String>> variants() {
        Map<String, List<String>> out = new TreeMap<>();
        bySubsystem.forEach((sub, byName) -> out.put(sub, List.copyOf(byName.keySet())));
        return Collections.unmodifiableMap(out);
    }

    synchronized Map<String, String> selection() {
        return Collections.unmodifiableMap(selectionMap());
    }

    synchronized List<H> handles() {
        return new ArrayList<>(entries.keySet());
    }

    synchronized void clear() {
        entries.clear();
        bySubsystem.clear();
    }

    // ---------------------------------------------------------------- internals (callers hold the monitor)

    /** Configured, else the default variant (the best registration marked default). */
    private String selectedOf(String subsystem) {
        String c = configured.get(subsystem);
        if (c != null) return c;
        Map<String, List<Entry<H>>> byName = bySubsystem.get(subsystem);
        if (byName == null) return null;
        Entry<H> best = null;
        for (List<Entry<H>> list : byName.values()) {
            for (Entry<H> e : list) {
                if (e.isDefault && (best == null || order.compare(e.handle, best.handle) > 0)) best = e;
            }
        }
        return best == null ? null : best.variant;
    }

    private Map<String, String> selectionMap() {
        Map<String, String> out = new TreeMap<>(configured);
        for (String sub : bySubsystem.keySet()) {
            String s = selectedOf(sub);
            if (s != null) out.put(sub, s);
        }
        return out;
    }

    private Map<String, String> activeMap() {
        Map<String, String> out = new HashMap<>();
        for (String sub : bySubsystem.keySet()) {
            String s = selectedOf(sub);
            if (s != null && handle(sub, s) != null) out.put(sub, s);
        }
        return out;
    }

    private List<Change> changes(Map<String, String> before) {
        Map<String, String> after = activeMap();
        if (before.equals(after)) return List.of();
        Map<String, String> all = new TreeMap<>(before);
        all.putAll(after);
        List<Change> out = new ArrayList<>();
        for (String sub : all.keySet()) {
            String b = before.get(sub), a = after.get(sub);
            if (!Objects.equals(a, b)) out.add(new Change(sub, b, a));
        }
        return out;
    }
}
