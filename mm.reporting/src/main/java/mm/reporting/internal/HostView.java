package mm.reporting.internal;

import java.util.concurrent.atomic.AtomicLongArray;
import mm.core.api.Mm;

/**
 * The host's 2 bits per guest page, kept per 128 MiB section of guest memory that the guest has (a two-level table
 * by section number): a guest with memory near the top of the 2^52 address space costs its sections, not an array
 * as long as the address space. Words hold 32 pages; {@link #word} of a pfn without a section reads 0.
 */
final class HostView {
    private static final int LEAF_SHIFT = 12, WORDS = Mm.PAGES_PER_SECTION >>> 5;
    private final AtomicLongArray[][] root;

    HostView(long maxPfn) {
        long sections = (maxPfn + Mm.PAGES_PER_SECTION - 1) >>> Mm.PFN_SECTION_SHIFT;
        root = new AtomicLongArray[(int) ((sections + (1 << LEAF_SHIFT) - 1) >>> LEAF_SHIFT)][];
    }

    /** Gives the section of pfn its words (single-threaded, before the view is published). */
    void add(long pfn) {
        long nr = pfn >>> Mm.PFN_SECTION_SHIFT;
        AtomicLongArray[] leaf = root[(int) (nr >>> LEAF_SHIFT)];
        if (leaf == null) root[(int) (nr >>> LEAF_SHIFT)] = leaf = new AtomicLongArray[1 << LEAF_SHIFT];
        int lo = (int) (nr & ((1 << LEAF_SHIFT) - 1));
        if (leaf[lo] == null) leaf[lo] = new AtomicLongArray(WORDS);
    }

    private AtomicLongArray words(long pfn) {
        long nr = pfn >>> Mm.PFN_SECTION_SHIFT;
        long hi = nr >>> LEAF_SHIFT;
        if (pfn < 0 || hi >= root.length) return null;
        AtomicLongArray[] leaf = root[(int) hi];
        return leaf == null ? null : leaf[(int) (nr & ((1 << LEAF_SHIFT) - 1))];
    }

    boolean covers(long pfn) { return words(pfn) != null; }

    private static int index(long pfn) { return (int) ((pfn & (Mm.PAGES_PER_SECTION - 1)) >>> 5); }

    long word(long pfn) {
        AtomicLongArray w = words(pfn);
        return w == null ? 0 : w.get(index(pfn));
    }

    void setWord(long pfn, long v) { words(pfn).set(index(pfn), v); }

    boolean cas(long pfn, long expect, long update) { return words(pfn).compareAndSet(index(pfn), expect, update); }
}
