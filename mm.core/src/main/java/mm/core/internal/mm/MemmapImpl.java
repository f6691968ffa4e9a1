package mm.core.internal.mm;

import mm.core.api.Memmap;
import mm.core.api.Mm;
import mm.core.api.PageFlags;
import mm.core.api.UninitialisedPageException;

/**
 * The emulated memmap: one struct page per PFN, stored per 128 MiB section in primitive arrays (SPARSEMEM_VMEMMAP:
 * only present sections have a memmap). 20 bytes per page: flags (8), refcount (4) and the free-list links lru.next /
 * lru.prev as PFNs (4 + 4, one word); page->private is a fifth array allocated only for sections that need it. A zero
 * flags word means "never initialised": every initialised page
 * carries {@link #INIT}, an emulator-private bit the kernel does not have (it stands for DEBUG_VM's poison check).
 * For ZONE_DEVICE pages the link words hold the pgmap id and zone_device_data, as the kernel overlays them.
 */
public final class MemmapImpl implements Memmap {
    /** Emulator-private: this struct page went through __init_single_page. */
    public static final long INIT = 1L << 39;
    /**
     * page->private of a PageBuddy page is its order; the emulator keeps it in four spare flag bits while the page is
     * free, so the per-page private array is only allocated for a section once something else is stored there.
     */
    static final int BUDDY_ORDER_SHIFT = 32;
    static final long BUDDY_ORDER_MASK = 0xFL << BUDDY_ORDER_SHIFT;
    /** Emulator-private bits of the flags word, never shown as page->flags. */
    static final long HIDDEN = INIT | BUDDY_ORDER_MASK;
    static final int SHIFT = Mm.PFN_SECTION_SHIFT;
    static final int MASK = Mm.PAGES_PER_SECTION - 1;
    public static final int NONE = -1;

    /** One section's struct pages. Fields are package-visible for the allocator's hot paths. */
    static final class Section {
        /**
         * Until a struct page of the section is initialised the arrays are shared all-zero sentinels (every page
         * reads as never initialised), so a present section costs its heap only once memmap init reaches it —
         * for deferred sections that is the node's own pgdatinit thread, which zeroes and initialises in parallel.
         */
        long[] flags = ZERO_FLAGS;
        int[] refcount = ZERO_INTS;
        /** page->private for pages that are not PageBuddy; the shared zeros until a non-zero value is stored. */
        private int[] privW = ZERO_INTS;
        /**
         * lru.prev (high half) and lru.next (low half) in one word, stored complemented so that a fresh, zeroed array
         * holds NONE in both: memmap init of a never-initialised page writes only flags and refcount, and the
         * allocator reads, claims and rewrites both links of a page with one access. Use the accessors below.
         */
        long[] lru = ZERO_FLAGS;
        /** pageblock migratetypes (the usemap), one byte per pageblock. */
        final byte[] pageblockMt = new byte[Mm.PAGES_PER_SECTION / Mm.PAGEBLOCK_NR_PAGES];
        /** section state: online (pfn_to_online_page) and device (ZONE_DEVICE tainted). */
        boolean online;
        boolean device;

        int next(int i) { return ~(int) lru[i]; }
        void setNext(int i, int v) { lru[i] = (lru[i] & ~LOW) | (~v & LOW); }
        int prev(int i) { return ~(int) (lru[i] >>> 32); }
        void setPrev(int i, int v) { lru[i] = (lru[i] & LOW) | (long) ~v << 32; }
        /** Both links at once. */
        void setLinks(int i, int prev, int next) { lru[i] = links(prev, next); }
        /** Atomically replaces the links {@code expect} (a {@link #links} word) with {@code update} (the claim of a block being freed). */
        boolean casLinks(int i, long expect, long update) { return LONGS.compareAndSet(lru, i, expect, update); }

        /** page->private: the buddy order of a free page, else the stored word. */
        int priv(int i) {
            long f = flags[i];
            return (f & PageFlags.TYPE_BUDDY) != 0 ? (int) ((f & BUDDY_ORDER_MASK) >>> BUDDY_ORDER_SHIFT) : privW[i];
        }

        /** set_page_private for a page that is not PageBuddy (the buddy order lives in the flags). */
        void setPriv(int i, int v) {
            int[] w = privW;
            if (w == ZERO_INTS) {
                if (v == 0) return;
                w = privArray();
            }
            w[i] = v;
        }

        private synchronized int[] privArray() {
            if (privW == ZERO_INTS) privW = new int[Mm.PAGES_PER_SECTION];
            return privW;
        }

        /** Clears page->private of [from, to) (memmap init of written pages, poison, hot-remove). */
        void clearPriv(int from, int to) {
            if (privW != ZERO_INTS) java.util.Arrays.fill(privW, from, to, 0);
        }

        /** page->private of [from, to) set to v (raw ZONE_DEVICE writes). */
        void fillPriv(int from, int to, int v) {
            if (v != 0 || privW != ZERO_INTS) java.util.Arrays.fill(v != 0 ? privArray() : privW, from, to, v);
        }

        boolean materialised() { return flags != ZERO_FLAGS; }

        /** Pages at this index and above were not written since the arrays were allocated (monitor held). */
        private int pristineFrom;
        /** Raw struct page writes (hotplug, ZONE_DEVICE) may leave uninitialised pages non-zero: never assume. */
        private volatile boolean rawWrites;

        /** Allocates the section's arrays (every page is then pristine). */
        synchronized void materialise() {
            if (flags != ZERO_FLAGS) return;
            refcount = new int[Mm.PAGES_PER_SECTION];
            privW = ZERO_INTS;
            lru = new long[Mm.PAGES_PER_SECTION];
            flags = new long[Mm.PAGES_PER_SECTION];
            pristineFrom = 0;
            rawWrites = false;
        }

        boolean rawWrites() { return rawWrites; }

        /** For writers that bypass memmap init (HotplugSupport's raw struct page access). */
        synchronized void materialiseForRawWrites() {
            materialise();
            pristineFrom = Mm.PAGES_PER_SECTION;
            rawWrites = true;
        }

        /**
         * Before [from, to) is initialised: materialises the section and says whether the range is pristine by the
         * section's high-water mark (memmap init and deferred init go up a section in order, so they never need
         * to look at the pages), then moves the mark past the range.
         */
        synchronized boolean beginInit(int from, int to) {
            materialise();
            boolean pristine = from >= pristineFrom;
            if (to > pristineFrom) pristineFrom = to;
            return pristine;
        }

        /**
         * No page of [from, to) was ever initialised (or all were poisoned since). Invariant: a page whose flags
         * word is 0 has all-zero words (refcount, private, and NONE links), so its init need not write them.
         */
        boolean pristine(int from, int to) {
            if (rawWrites) return false;
            long[] f = flags;
            long any = 0;
            for (int k = from; k < to; k++) any |= f[k];
            return any == 0;
        }
    }

    private static final java.lang.invoke.VarHandle LONGS = java.lang.invoke.MethodHandles.arrayElementVarHandle(long[].class);
    private static final long LOW = 0xFFFF_FFFFL;

    /** The stored lru word for lru.prev = {@code prev}, lru.next = {@code next} (NONE, NONE is 0). */
    static long links(int prev, int next) { return (long) ~prev << 32 | (~next & LOW); }
    private static final long[] ZERO_FLAGS = new long[Mm.PAGES_PER_SECTION];
    private static final int[] ZERO_INTS = new int[Mm.PAGES_PER_SECTION];

    volatile Section[] sections = new Section[0];

    /** Heap bytes per struct page as stored here: flags 8, refcount 4, the two links 8 (private only where needed). */
    public static final int BYTES_PER_PAGE = Long.BYTES + Integer.BYTES + Long.BYTES;

    /**
     * The heap this storage holds once memmap init has reached every present section: each section's arrays
     * ({@link #BYTES_PER_PAGE} per page of the section, holes included), their headers, the usemap and the
     * section itself. The boot's heap preflight asks this before it allocates; a storage that keeps some sections
     * more compactly answers for itself.
     */
    public long estimateBytes(long presentSections, long presentPages) {
        long arrays = 3 * 16 + 16 + Mm.PAGES_PER_SECTION / Mm.PAGEBLOCK_NR_PAGES; // headers, usemap
        long perSection = (long) Mm.PAGES_PER_SECTION * BYTES_PER_PAGE + arrays + 64; // + the Section object
        return presentSections * perSection + 8L * presentSections; // + the sections table
    }

    /** sparse_init / sparse_add_section: give section {@code nr} a memmap (all pages uninitialised). */
    public synchronized void addSection(long nr) {
        Section[] s = sections;
        if (nr >= s.length) {
            Section[] n = new Section[(int) Math.max(nr + 1, s.length * 2L)];
            System.arraycopy(s, 0, n, 0, s.length);
            s = n;
        }
        if (s[(int) nr] == null) s[(int) nr] = new Section();
        sections = s;
    }

    /** Marks a section online (boot memory, or onlined hotplug memory) or offline. */
    public void setOnline(long nr, boolean online) {
        Section s = nr < sections.length ? sections[(int) nr] : null;
        if (s != null) s.online = online;
    }

    /** sparse_remove_section: the memmap of section {@code nr} is gone. */
    public synchronized void removeSection(long nr) {
        Section[] s = sections;
        if (nr < s.length) s[(int) nr] = null;
    }

    public Section section(long pfn) {
        long nr = pfn >>> SHIFT; // a negative pfn shifts to a huge section number
        Section[] s = sections;
        return nr < s.length ? s[(int) nr] : null;
    }

    /**
     * The first PFN at or after {@code pfn} that has a memmap (pfn itself when its section has one), or
     * Long.MAX_VALUE: walks that skip holes step over absent sections at once, so their work is bounded by the
     * present sections, not by the width of the address space.
     */
    long nextValidPfn(long pfn) {
        Section[] s = sections;
        for (long nr = pfn >>> SHIFT; nr < s.length; nr++) if (s[(int) nr] != null) return Math.max(pfn, nr << SHIFT);
        return Long.MAX_VALUE;
    }

    Section sectionOrThrow(long pfn) {
        Section s = section(pfn);
        if (s == null) throw new mm.core.api.BadPageException(pfn, "pfn is not valid (no memmap for its section)");
        return s;
    }

    @Override public boolean valid(long pfn) { return section(pfn) != null; }

    @Override public boolean initialised(long pfn) {
        Section s = section(pfn);
        return s != null && (s.flags[(int) (pfn & MASK)] & INIT) != 0;
    }

    @Override public long flags(long pfn) {
        long f = sectionOrThrow(pfn).flags[(int) (pfn & MASK)];
        if ((f & INIT) == 0) throw new UninitialisedPageException(pfn, "page->flags");
        return f & ~HIDDEN;
    }

    @Override public long rawFlags(long pfn) {
        Section s = section(pfn);
        if (s == null) return PageFlags.POISON;
        long f = s.flags[(int) (pfn & MASK)];
        return (f & INIT) == 0 ? PageFlags.POISON : f & ~HIDDEN;
    }

    @Override public int refcount(long pfn) {
        Section s = sectionOrThrow(pfn);
        int i = (int) (pfn & MASK);
        if ((s.flags[i] & INIT) == 0) throw new UninitialisedPageException(pfn, "page->_refcount");
        return s.refcount[i];
    }

    @Override public long privateField(long pfn) {
        Section s = sectionOrThrow(pfn);
        int i = (int) (pfn & MASK);
        if ((s.flags[i] & INIT) == 0) throw new UninitialisedPageException(pfn, "page->private");
        return s.priv(i);
    }

    @Override public long maxPfn() { return (long) sections.length << SHIFT; }

    public int sectionCount() {
        int n = 0;
        for (Section s : sections) if (s != null) n++;
        return n;
    }

    /**
     * __init_single_page for [start, end) of one zone: zero the struct, set zone/node links, refcount 1, mapcount -1
     * (implicit), empty list head. Optionally PG_reserved (init_unavailable_range, MEMINIT_HOTPLUG "keep" policy).
     * Pageblock-aligned pfns get the given migratetype (memmap_init_range). Works section by section.
     */
    public void initRange(long start, long end, int nid, int zoneIdx, boolean reserved, int pageblockMt) {
        initRange(start, end, nid, zoneIdx, reserved, pageblockMt, 1);
    }

    /**
     * __init_single_page followed at once by the per-page part of __free_pages_core, for deferred init's whole
     * MAX_PAGE_ORDER blocks: the refcount goes 1 -> 0 with nobody looking in between, so it is written as 0 (a pristine
     * page already reads 0 and is not touched at all), and PG_reserved is never set.
     */
    void initRangeForFree(long start, long end, int nid, int zoneIdx, int pageblockMt) {
        initRange(start, end, nid, zoneIdx, false, pageblockMt, 0);
    }

    private void initRange(long start, long end, int nid, int zoneIdx, boolean reserved, int pageblockMt, int ref) {
        long word = INIT | PageFlags.links(nid, zoneIdx) | (reserved ? PageFlags.bit(PageFlags.PG_reserved) : 0);
        long pfn = start;
        while (pfn < end) {
            Section s = sectionOrThrow(pfn);
            int from = (int) (pfn & MASK);
            long secEnd = Math.min(end, (pfn | MASK) + 1);
            int to = (int) (secEnd - (pfn - from));
            boolean pristine = s.beginInit(from, to) || s.pristine(from, to);
            if (!pristine) {
                s.clearPriv(from, to);
                java.util.Arrays.fill(s.lru, from, to, 0L);
            }
            java.util.Arrays.fill(s.flags, from, to, word);
            if (ref != 0 || !pristine) java.util.Arrays.fill(s.refcount, from, to, ref);
            if (pageblockMt >= 0) {
                int pbFrom = (from + Mm.PAGEBLOCK_NR_PAGES - 1) >>> Mm.PAGEBLOCK_ORDER;
                int pbTo = (to + Mm.PAGEBLOCK_NR_PAGES - 1) >>> Mm.PAGEBLOCK_ORDER;
                for (int b = pbFrom; b < pbTo; b++) s.pageblockMt[b] = (byte) pageblockMt;
            }
            pfn = secEnd;
        }
    }

    /**
     * page_init_poison: [start, end) is "never initialised" again (hot-remove, tests of the uninitialised-read
     * detection), and back to pristine (see Section.pristine): every word zero.
     */
    public void poisonRange(long start, long end) {
        long pfn = start;
        while (pfn < end) {
            long secEnd = Math.min(end, (pfn | MASK) + 1);
            Section s = section(pfn);
            if (s != null && s.materialised()) {
                int from = (int) (pfn & MASK), to = (int) (secEnd - (pfn & ~(long) MASK));
                java.util.Arrays.fill(s.flags, from, to, 0L);
                java.util.Arrays.fill(s.refcount, from, to, 0);
                s.clearPriv(from, to);
                java.util.Arrays.fill(s.lru, from, to, 0L);
            }
            pfn = secEnd;
        }
    }

    public int pageblockMt(long pfn) {
        Section s = sectionOrThrow(pfn);
        return s.pageblockMt[(int) ((pfn & MASK) >>> Mm.PAGEBLOCK_ORDER)];
    }

    public void setPageblockMt(long pfn, int mt) {
        Section s = sectionOrThrow(pfn);
        s.pageblockMt[(int) ((pfn & MASK) >>> Mm.PAGEBLOCK_ORDER)] = (byte) mt;
    }

    // --- raw field access for the allocator and other mm.core code (no initialisation check)
    public long f(long pfn) { return sectionOrThrow(pfn).flags[(int) (pfn & MASK)]; }
    public void setF(long pfn, long v) { sectionOrThrow(pfn).flags[(int) (pfn & MASK)] = v; }
    public int ref(long pfn) { return sectionOrThrow(pfn).refcount[(int) (pfn & MASK)]; }
    public void setRef(long pfn, int v) { sectionOrThrow(pfn).refcount[(int) (pfn & MASK)] = v; }
    public int priv(long pfn) { return sectionOrThrow(pfn).priv((int) (pfn & MASK)); }
    public void setPriv(long pfn, int v) { sectionOrThrow(pfn).setPriv((int) (pfn & MASK), v); }
    public int next(long pfn) { return sectionOrThrow(pfn).next((int) (pfn & MASK)); }
    public void setNext(long pfn, int v) { sectionOrThrow(pfn).setNext((int) (pfn & MASK), v); }
    public int prev(long pfn) { return sectionOrThrow(pfn).prev((int) (pfn & MASK)); }
    public void setPrev(long pfn, int v) { sectionOrThrow(pfn).setPrev((int) (pfn & MASK), v); }
}
