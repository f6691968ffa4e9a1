package mm.core.internal.mm;

import mm.core.api.Memmap;
import mm.core.api.Mm;
import mm.core.api.PageFlags;
import mm.core.api.UninitialisedPageException;

/**
 * The emulated memmap: one struct page per PFN, stored per 128 MiB section in primitive arrays (SPARSEMEM_VMEMMAP:
 * only present sections have a memmap). 24 bytes per page: flags (8), refcount (4), private (4), and the free-list
 * links lru.next / lru.prev as PFNs (4 + 4). A zero flags word means "never initialised": every initialised page
 * carries {@link #INIT}, an emulator-private bit the kernel does not have (it stands for DEBUG_VM's poison check).
 * For ZONE_DEVICE pages the link words hold the pgmap id and zone_device_data, as the kernel overlays them.
 */
public final class MemmapImpl implements Memmap {
    /** Emulator-private: this struct page went through __init_single_page. */
    public static final long INIT = 1L << 39;
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
        int[] refcount = ZERO_INTS, priv = ZERO_INTS, next = ZERO_INTS, prev = ZERO_INTS;
        /** pageblock migratetypes (the usemap), one byte per pageblock. */
        final byte[] pageblockMt = new byte[Mm.PAGES_PER_SECTION / Mm.PAGEBLOCK_NR_PAGES];
        /** section state: online (pfn_to_online_page) and device (ZONE_DEVICE tainted). */
        boolean online;
        boolean device;

        boolean materialised() { return flags != ZERO_FLAGS; }

        synchronized void materialise() {
            if (flags != ZERO_FLAGS) return;
            refcount = new int[Mm.PAGES_PER_SECTION];
            priv = new int[Mm.PAGES_PER_SECTION];
            next = new int[Mm.PAGES_PER_SECTION];
            prev = new int[Mm.PAGES_PER_SECTION];
            flags = new long[Mm.PAGES_PER_SECTION];
        }
    }

    private static final long[] ZERO_FLAGS = new long[Mm.PAGES_PER_SECTION];
    private static final int[] ZERO_INTS = new int[Mm.PAGES_PER_SECTION];

    volatile Section[] sections = new Section[0];

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
        return f & ~INIT;
    }

    @Override public long rawFlags(long pfn) {
        Section s = section(pfn);
        if (s == null) return PageFlags.POISON;
        long f = s.flags[(int) (pfn & MASK)];
        return (f & INIT) == 0 ? PageFlags.POISON : f & ~INIT;
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
        return s.priv[i];
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
        long word = INIT | PageFlags.links(nid, zoneIdx) | (reserved ? PageFlags.bit(PageFlags.PG_reserved) : 0);
        long pfn = start;
        while (pfn < end) {
            Section s = sectionOrThrow(pfn);
            if (!s.materialised()) s.materialise();
            int from = (int) (pfn & MASK);
            long secEnd = Math.min(end, (pfn | MASK) + 1);
            int to = (int) (secEnd - (pfn - from));
            java.util.Arrays.fill(s.flags, from, to, word);
            java.util.Arrays.fill(s.refcount, from, to, 1);
            java.util.Arrays.fill(s.priv, from, to, 0);
            java.util.Arrays.fill(s.next, from, to, NONE);
            java.util.Arrays.fill(s.prev, from, to, NONE);
            if (pageblockMt >= 0) {
                int pbFrom = (from + Mm.PAGEBLOCK_NR_PAGES - 1) >>> Mm.PAGEBLOCK_ORDER;
                int pbTo = (to + Mm.PAGEBLOCK_NR_PAGES - 1) >>> Mm.PAGEBLOCK_ORDER;
                for (int b = pbFrom; b < pbTo; b++) s.pageblockMt[b] = (byte) pageblockMt;
            }
            pfn = secEnd;
        }
    }

    /** Returns [start, end) to "never initialised" (hotplug remove, tests of the uninitialised-read detection). */
    public void poisonRange(long start, long end) {
        for (long pfn = start; pfn < end; pfn++) {
            Section s = section(pfn);
            if (s != null && s.materialised()) s.flags[(int) (pfn & MASK)] = 0;
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
    public int priv(long pfn) { return sectionOrThrow(pfn).priv[(int) (pfn & MASK)]; }
    public void setPriv(long pfn, int v) { sectionOrThrow(pfn).priv[(int) (pfn & MASK)] = v; }
    public int next(long pfn) { return sectionOrThrow(pfn).next[(int) (pfn & MASK)]; }
    public void setNext(long pfn, int v) { sectionOrThrow(pfn).next[(int) (pfn & MASK)] = v; }
    public int prev(long pfn) { return sectionOrThrow(pfn).prev[(int) (pfn & MASK)]; }
    public void setPrev(long pfn, int v) { sectionOrThrow(pfn).prev[(int) (pfn & MASK)] = v; }
}
