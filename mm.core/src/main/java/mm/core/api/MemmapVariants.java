package mm.core.api;

/**
 * The variants of the memmap's storage (subsystem {@value #SUBSYSTEM}, chosen with {@code mm:variant memmap NAME}
 * or {@code config mm.variant memmap=NAME} before a boot): how the emulated struct pages are kept in the Java heap.
 * Every answer is the same under both; only heap and time differ (docs/memmap.md).
 */
public final class MemmapVariants {
    private MemmapVariants() {}

    public static final String SUBSYSTEM = "memmap";
    /** Per-page primitive arrays for every initialised section (20 bytes per page; the reference). */
    public static final String DENSE = "dense";
    /** Per-page arrays only for sections made different; uniformly free sections cost O(1) heap (the default). */
    public static final String COMPACT = "compact";
}
