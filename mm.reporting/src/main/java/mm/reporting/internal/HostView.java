package mm.reporting.internal;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import mm.core.api.Mm;

/**
 * The host's 2 bits per guest page, kept per 128 MiB section of guest memory that the guest has (a two-level table
 * by section number): a guest with memory near the top of the 2^52 address space costs its sections, not an array
 * as long as the address space. Words hold 32 pages; {@link #word} of a pfn without a section reads 0. A section's
 * words exist only once a non-zero state was stored in it (a host that never backed a page of it holds nothing, as
 * for memory the guest keeps free or reserved): until then it shares {@link #EMPTY}, which is never written.
 */
final class HostView {
    private static final int LEAF_SHIFT = 12, WORDS = Mm.PAGES_PER_SECTION >>> 5;
    /** The words of a present section that holds no state yet (all zero, read-only). */
    private static final AtomicLongArray EMPTY = new AtomicLongArray(WORDS);
    private final AtomicReferenceArray<AtomicLongArray>[] root;

    @SuppressWarnings("unchecked")
    HostView(long maxPfn) {
        long sections = (maxPfn + Mm.PAGES_PER_SECTION - 1) >>> Mm.PFN_SECTION_SHIFT;
        root = new AtomicReferenceArray[(int) ((sections + (1 << LEAF_SHIFT) - 1) >>> LEAF_SHIFT)];
    }

    /** Gives the section of pfn its (empty) words (single-threaded, before the view is published). */
    void add(long pfn) {
        long nr = pfn >>> Mm.PFN_SECTION_SHIFT;
        AtomicReferenceArray<AtomicLongArray> leaf = root[(int) (nr >>> LEAF_SHIFT)];
        if (leaf == null) root[(int) (nr >>> LEAF_SHIFT)] = leaf = new AtomicReferenceArray<>(1 << LEAF_SHIFT);
        int lo = (int) (nr & ((1 << LEAF_SHIFT) - 1));
        leaf.compareAndSet(lo, null, EMPTY);
    }

    private AtomicReferenceArray<AtomicLongArray> leaf(long pfn) {
        long hi = (pfn >>> Mm.PFN_SECTION_SHIFT) >>> LEAF_SHIFT;
        return pfn < 0 || hi >= root.length ? null : root[(int) hi];
    }

    private static int slot(long pfn) { return (int) ((pfn >>> Mm.PFN_SECTION_SHIFT) & ((1 << LEAF_SHIFT) - 1)); }

    private AtomicLongArray words(long pfn) {
        AtomicReferenceArray<AtomicLongArray> leaf = leaf(pfn);
        return leaf == null ? null : leaf.get(slot(pfn));
    }

    /** The section's own words, allocated on the first store (racing writers agree on one array). */
    private AtomicLongArray writable(long pfn) {
        AtomicReferenceArray<AtomicLongArray> leaf = leaf(pfn);
        int lo = slot(pfn);
        AtomicLongArray w = leaf.get(lo);
        if (w != EMPTY) return w;
        AtomicLongArray own = new AtomicLongArray(WORDS);
        return leaf.compareAndSet(lo, EMPTY, own) ? own : leaf.get(lo);
    }

    boolean covers(long pfn) { return words(pfn) != null; }

    private static int index(long pfn) { return (int) ((pfn & (Mm.PAGES_PER_SECTION - 1)) >>> 5); }

    long word(long pfn) {
        AtomicLongArray w = words(pfn);
        return w == null ? 0 : w.get(index(pfn));
    }

    void setWord(long pfn, long v) {
        AtomicLongArray w = words(pfn);
        if (w == EMPTY) {
            if (v == 0) return;
            w = writable(pfn);
        }
        w.set(index(pfn), v);
    }

    boolean cas(long pfn, long expect, long update) {
        AtomicLongArray w = words(pfn);
        if (w == EMPTY) {
            if (expect != 0) return false;
            if (update == 0) return true;
            w = writable(pfn);
        }
        return w.compareAndSet(index(pfn), expect, update);
    }

    /** Sections whose words were allocated (for the heap accounting and its test). */
    long allocatedSections() {
        long n = 0;
        for (AtomicReferenceArray<AtomicLongArray> leaf : root) {
            if (leaf == null) continue;
            for (int i = 0; i < leaf.length(); i++) { AtomicLongArray w = leaf.get(i); if (w != null && w != EMPTY) n++; }
        }
        return n;
    }
}
