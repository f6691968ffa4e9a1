package mm.trace.api;

import java.io.IOException;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The mm tracepoints of the emulated kernel (the tracefs of one instance): which events are enabled (set_event),
 * tracing on or off (tracing_on), a ring buffer of a fixed number of entries that overwrites its oldest entries when
 * full and counts them (the overrun), and the trace file. While tracing is off no hook of mm.core is bound, so the
 * allocator pays nothing.
 */
@ProviderType
public interface Tracer {
    /** available_events: every event name, as {@code system:event}, in a fixed order. */
    List<String> availableEvents();

    /** set_event: the enabled events as {@code system:event} (every event until {@link #setEvents} is called). */
    List<String> enabledEvents();

    /**
     * Replaces the enabled events, as a write to set_event does: each item is {@code event}, {@code system:event},
     * {@code system}, {@code system:*} or {@code *} (everything); an item starting with {@code !} disables what it
     * names instead. Applies at once when tracing is on.
     *
     * @throws IllegalArgumentException naming the first item that names no event (nothing is changed then)
     */
    void setEvents(List<String> items);

    /** tracing_on = 1: binds the hooks the enabled events need. */
    void start();

    /** tracing_on = 0: unbinds every hook; the buffer is kept. */
    void stop();

    boolean tracing();

    /** Empties the buffer and zeroes the written and overrun counts (echo > trace). */
    void clear();

    /**
     * The buffer's size in entries (buffer_size_kb); resizing empties it.
     *
     * @throws IllegalArgumentException outside {@link #MIN_ENTRIES}..{@link #MAX_ENTRIES}
     */
    void resize(int entries);

    int capacity();

    /** Entries in the buffer now. */
    long entries();

    /** Entries written since the last clear (entries + overrun). */
    long written();

    /** Entries overwritten because the buffer was full. */
    long overrun();

    /** Writes the trace file: the header, then one line per entry, oldest first. Returns the number of entries. */
    long print(Appendable out) throws IOException;

    int MIN_ENTRIES = 16;
    int MAX_ENTRIES = 1 << 24;
}
