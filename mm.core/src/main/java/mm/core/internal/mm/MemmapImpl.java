package mm.core.internal.mm;

import mm.core.api.Memmap;
import mm.core.api.Mm;
import mm.core.api.PageFlags;
import mm.core.api.UninitialisedPageException;

/**
 * The emulated memmap: one struct page per PFN, stored per 128 MiB section in primitive arrays (SPARSEMEM_VMEMMAP:
 * only present sections have a memmap). 20 bytes per page: flags (8), refcount (4) and the free-list links lru.next /
 * lru.prev as PFNs (4 + 4, one word); page->private is a fifth array allocated only for sections that need it. Links
 * are 64-bit values (PFNs up to 2^40): the word holds their low 32 bits, a sixth array the high bits, allocated only
 * for a section where a link to a PFN at or above 2^31 was stored (so at most 24 bytes per page). Sections are found
 * through a two-level table (like SPARSEMEM_EXTREME): its size follows the present sections, not the address width. A zero
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
        /** The section's first pfn. */
        final long base;

        Section(long base) { this.base = base; }

        /**
         * Compact storage: the section is uniformly free (every page initialised for one zone and node, free in
         * MAX_PAGE_ORDER blocks of one migratetype, listed in pfn order on one free list, as deferred init leaves it).
         * Its flags are a shared read-only template, refcount and private the shared zeros, and its links are
         * computed from the pfn, but for the first block's lru.prev and the last block's lru.next ({@link #uPrev},
         * {@link #uNext}). Any write but those two makes it per-page arrays first ({@link #own}).
         */
        volatile boolean uniform;
        long uPrev, uNext;
        static final int LAST_HEAD = Mm.PAGES_PER_SECTION - Mm.MAX_ORDER_NR_PAGES;

        /**
         * Compact storage: every page of the section is the same struct page (flags, refcount and links; private
         * zero), as whole-section memmap init leaves it: memblock-reserved memory after reserve_bootmem_region (the
         * memmap itself, page tables), a ZONE_DEVICE section after memmap_init_zone_device, a hot-added section
         * after memmap_init_range. {@link #flags}, {@link #refcount} and {@link #lru} are then shared read-only
         * arrays filled with those values; any write makes them the section's own first ({@link #own}).
         */
        volatile boolean identical;

        /**
         * Compact storage: the section's struct pages equal another section's but for a few links ({@link #exIdx}):
         * {@link #flags}, {@link #refcount}, {@link #lru} and the high link parts are a template's shared read-only
         * arrays, and the links that differ are kept beside them, by index. Sections that page_ext's tables filled
         * at boot look so (the same allocated and free pages, only the free lists' links differ): see
         * {@link MemmapImpl#compactSection}. Any write makes them the section's own first ({@link #own}); setting a
         * link too.
         */
        volatile boolean templated;
        /** The links that differ from the template's (templated only), read once per lookup. */
        private volatile Ex ex;

        /**
         * A templated section keeps one link changed by the free lists (a neighbour appended after its last free
         * block, say) as an exception instead of becoming per-page arrays; false when there are too many already.
         */
        private synchronized boolean setExLink(int i, long v, boolean next) {
            Ex e = ex;
            if (!templated || e == null) return false;
            int k = java.util.Arrays.binarySearch(e.idx(), i);
            int n = e.idx().length;
            if (k < 0 && n >= MAX_EXCEPTIONS) return false;
            long w = k >= 0 ? e.lru()[k] : lru[i];
            int h = k >= 0 ? e.hi()[k] : linkHi[i];
            if (next) {
                w = (w & ~LOW) | (~(int) v & LOW);
                h = (h & 0xFFFF0000) | hiOf(v);
            } else {
                w = (w & LOW) | (long) ~(int) v << 32;
                h = (h & 0xFFFF) | hiOf(v) << 16;
            }
            int[] idx;
            long[] l;
            int[] hi;
            if (k >= 0) {
                idx = e.idx();
                l = e.lru().clone();
                hi = e.hi().clone();
            } else {
                int at = -k - 1;
                idx = new int[n + 1];
                l = new long[n + 1];
                hi = new int[n + 1];
                System.arraycopy(e.idx(), 0, idx, 0, at);
                System.arraycopy(e.idx(), at, idx, at + 1, n - at);
                System.arraycopy(e.lru(), 0, l, 0, at);
                System.arraycopy(e.lru(), at, l, at + 1, n - at);
                System.arraycopy(e.hi(), 0, hi, 0, at);
                System.arraycopy(e.hi(), at, hi, at + 1, n - at);
                idx[at] = i;
                k = at;
            }
            l[k] = w;
            hi[k] = h;
            ex = new Ex(idx, l, hi);
            return true;
        }

        /** Before a write to the section's arrays: a uniform, identical or templated section becomes per-page arrays. */
        void own() { if (uniform || identical || templated) expand(); }

        private synchronized void expand() {
            if (uniform) expandUniform();
            else if (templated) {
                int[] r = refcount == ZERO_INTS ? new int[Mm.PAGES_PER_SECTION] : refcount.clone();
                long[] l = lru.clone();
                int[] hi = linkHi == ZERO_INTS ? ZERO_INTS : linkHi.clone();
                privW = privW == ZERO_INTS ? ZERO_INTS : privW.clone();
                Ex e = ex;
                for (int k = 0; k < e.idx().length; k++) {
                    l[e.idx()[k]] = e.lru()[k];
                    if (e.hi()[k] != 0 && hi == ZERO_INTS) hi = new int[Mm.PAGES_PER_SECTION];
                    if (hi != ZERO_INTS) hi[e.idx()[k]] = e.hi()[k];
                }
                long[] f = flags.clone();
                refcount = r;
                linkHi = hi;
                lru = l;
                flags = f;
                templated = false;
                ex = null;
            } else if (identical) {
                int[] r = refcount == ZERO_INTS ? new int[Mm.PAGES_PER_SECTION] : refcount.clone();
                long[] l = lru == ZERO_FLAGS ? new long[Mm.PAGES_PER_SECTION] : lru.clone();
                long[] f = flags.clone();
                refcount = r;
                lru = l;
                flags = f;
                identical = false;
            }
        }

        /**
         * Every page of the section becomes the same struct page (see {@link #identical}); the arrays are shared
         * templates. The usemap is the caller's.
         */
        synchronized void makeIdentical(long[] flagsT, int[] refT, long[] lruT) {
            uniform = false;
            dropTemplate();
            share(flagsT, refT, lruT);
            pristineFrom = Mm.PAGES_PER_SECTION;
            identical = true;
        }

        /** page_init_poison of the whole section: back to never initialised, arrays dropped (O(1) heap again). */
        synchronized void dropToPoison() {
            uniform = false;
            identical = false;
            dropTemplate();
            share(ZERO_FLAGS, ZERO_INTS, ZERO_FLAGS);
            pristineFrom = 0;
            rawWrites = false;
        }

        private void dropTemplate() {
            templated = false;
            ex = null;
        }

        /**
         * The section becomes {@link #templated}: {@code t}'s arrays, and the links at {@code idx} as given (the
         * caller compared; monitor held by the caller through {@link MemmapImpl#compactSection}).
         */
        synchronized void makeTemplated(Template t, Ex exceptions) {
            ex = exceptions;
            flags = t.flags();
            refcount = t.refcount();
            privW = t.priv();
            linkHi = t.linkHi();
            lru = t.lru();
            templated = true;
        }

        private static int nextMismatch(long[] a, long[] b, int from) {
            int k = from >= Mm.PAGES_PER_SECTION ? -1
                    : java.util.Arrays.mismatch(a, from, Mm.PAGES_PER_SECTION, b, from, Mm.PAGES_PER_SECTION);
            return k < 0 ? Mm.PAGES_PER_SECTION : from + k;
        }

        private static int nextMismatch(int[] a, int[] b, int from) {
            int k = from >= Mm.PAGES_PER_SECTION ? -1
                    : java.util.Arrays.mismatch(a, from, Mm.PAGES_PER_SECTION, b, from, Mm.PAGES_PER_SECTION);
            return k < 0 ? Mm.PAGES_PER_SECTION : from + k;
        }

        /**
         * Whether every link exception of this templated section is at a page whose bit is set in {@code bits} (one
         * bit per page of the section, 64 a word).
         */
        boolean linksDifferOnlyAt(long[] bits) {
            Ex e = ex;
            if (!templated || e == null) return false;
            for (int i : e.idx()) if ((bits[i >>> 6] & 1L << i) == 0) return false;
            return true;
        }

        /** The section's own arrays as a template (they are then read-only: monitor held). */
        Template asTemplate() { return new Template(flags, refcount, lru, linkHi, privW); }

        /**
         * The links by which this section differs from {@code t}, when flags and refcounts are equal and at most
         * {@link #MAX_EXCEPTIONS} links differ; else null.
         */
        Ex exceptionsTo(Template t) {
            if (!java.util.Arrays.equals(flags, t.flags()) || !java.util.Arrays.equals(refcount, t.refcount())
                    || !java.util.Arrays.equals(privW, t.priv())) return null;
            int[] idx = new int[16];
            int n = 0;
            long[] l = lru, tl = t.lru();
            int[] h = linkHi, th = t.linkHi();
            final int end = Mm.PAGES_PER_SECTION;
            // the next differing index of each array, absolute (end: none left)
            int m = nextMismatch(l, tl, 0), mh = h == th ? end : nextMismatch(h, th, 0);
            while (m < end || mh < end) {
                int d = Math.min(m, mh);
                if (n == MAX_EXCEPTIONS) return null;
                if (n == idx.length) idx = java.util.Arrays.copyOf(idx, n * 2);
                idx[n++] = d;
                if (m == d) m = nextMismatch(l, tl, d + 1);
                if (mh == d) mh = nextMismatch(h, th, d + 1);
            }
            idx = java.util.Arrays.copyOf(idx, n);
            long[] el = new long[n];
            int[] eh = new int[n];
            for (int k = 0; k < n; k++) {
                el[k] = l[idx[k]];
                eh[k] = h[idx[k]];
            }
            return new Ex(idx, el, eh);
        }

        /** The section's words become shared arrays (private and high links the shared zeros); monitor held. */
        private void share(long[] f, int[] r, long[] l) {
            flags = f;
            refcount = r;
            privW = ZERO_INTS;
            linkHi = ZERO_INTS;
            lru = l;
        }

        private synchronized void expandUniform() {
            if (!uniform) return;
            long[] f = flags.clone();
            long[] l = new long[Mm.PAGES_PER_SECTION];
            int[] hi = ZERO_INTS;
            for (int i = 0; i < Mm.PAGES_PER_SECTION; i += Mm.MAX_ORDER_NR_PAGES) {
                long pv = uniformPrev(i), nx = uniformNext(i);
                l[i] = links((int) pv, (int) nx);
                int h = hiOf(nx) | hiOf(pv) << 16;
                if (h != 0) {
                    if (hi == ZERO_INTS) hi = new int[Mm.PAGES_PER_SECTION];
                    hi[i] = h;
                }
            }
            refcount = new int[Mm.PAGES_PER_SECTION];
            lru = l;
            linkHi = hi;
            flags = f;
            uniform = false;
        }

        private long uniformNext(int i) {
            if ((i & (Mm.MAX_ORDER_NR_PAGES - 1)) != 0) return NONE;
            return i == LAST_HEAD ? uNext : base + i + Mm.MAX_ORDER_NR_PAGES;
        }

        private long uniformPrev(int i) {
            if ((i & (Mm.MAX_ORDER_NR_PAGES - 1)) != 0) return NONE;
            return i == 0 ? uPrev : base + i - Mm.MAX_ORDER_NR_PAGES;
        }
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

        /**
         * The high parts of the links (see {@link #hiOf}): bits 0-15 lru.next's, bits 16-31 lru.prev's. The shared
         * zeros until a link with a non-zero high part is stored in the section.
         */
        private int[] linkHi = ZERO_INTS;

        long next(int i) {
            if (uniform) return uniformNext(i);
            if (templated) { long w = exNext(i); if (w != NO_EX) return w; }
            return ((long) (linkHi[i] & 0xFFFF) << 32) + ~(int) lru[i];
        }

        /** A templated section's lru.next exception at i, or {@link #NO_EX}. */
        private long exNext(int i) {
            Ex e = ex;
            int k = e == null ? -1 : java.util.Arrays.binarySearch(e.idx(), i);
            return k < 0 ? NO_EX : ((long) (e.hi()[k] & 0xFFFF) << 32) + ~(int) e.lru()[k];
        }

        /** A templated section's lru.prev exception at i, or {@link #NO_EX}. */
        private long exPrev(int i) {
            Ex e = ex;
            int k = e == null ? -1 : java.util.Arrays.binarySearch(e.idx(), i);
            return k < 0 ? NO_EX : ((long) (e.hi()[k] >>> 16) << 32) + ~(int) (e.lru()[k] >>> 32);
        }

        /** The raw links word of page i (a {@link #links} word), the exceptions of a templated section included. */
        long lruWord(int i) {
            if (templated) {
                Ex e = ex;
                int k = e == null ? -1 : java.util.Arrays.binarySearch(e.idx(), i);
                if (k >= 0) return e.lru()[k];
            }
            return lru[i];
        }
        void setNext(int i, long v) {
            if (uniform) {
                if (i == LAST_HEAD) { uNext = v; return; }
                expandUniform();
            } else if (identical) expand();
            else if (templated) {
                if (setExLink(i, v, true)) return;
                expand();
            }
            lru[i] = (lru[i] & ~LOW) | (~(int) v & LOW);
            int h = hiOf(v);
            if (h != 0 || linkHi != ZERO_INTS) { int[] w = linkHiArray(); w[i] = (w[i] & 0xFFFF0000) | h; }
        }
        long prev(int i) {
            if (uniform) return uniformPrev(i);
            if (templated) { long w = exPrev(i); if (w != NO_EX) return w; }
            return ((long) (linkHi[i] >>> 16) << 32) + ~(int) (lru[i] >>> 32);
        }
        void setPrev(int i, long v) {
            if (uniform) {
                if (i == 0) { uPrev = v; return; }
                expandUniform();
            } else if (identical) expand();
            else if (templated) {
                if (setExLink(i, v, false)) return;
                expand();
            }
            lru[i] = (lru[i] & LOW) | (long) ~(int) v << 32;
            int h = hiOf(v);
            if (h != 0 || linkHi != ZERO_INTS) { int[] w = linkHiArray(); w[i] = (w[i] & 0xFFFF) | h << 16; }
        }
        /** Both links at once. */
        void setLinks(int i, long prev, long next) {
            own();
            lru[i] = links((int) prev, (int) next);
            int h = hiOf(next) | hiOf(prev) << 16;
            if (h != 0 || linkHi != ZERO_INTS) linkHiArray()[i] = h;
        }
        /** Both links at once, for values whose high parts are zero (markers, orders, PFNs below 2^31). */
        void setSmallLinks(int i, int prev, int next) {
            own();
            lru[i] = links(prev, next);
            int[] w = linkHi;
            if (w != ZERO_INTS) w[i] = 0;
        }

        /** {@link #setLinks} for every page of [from, to). */
        void setLinksRange(int from, int to, long prev, long next) {
            own();
            java.util.Arrays.fill(lru, from, to, links((int) prev, (int) next));
            int h = hiOf(next) | hiOf(prev) << 16;
            if (h != 0 || linkHi != ZERO_INTS) java.util.Arrays.fill(linkHiArray(), from, to, h);
        }

        /** {@link #setSmallLinks} for every page of [from, to). */
        void setSmallLinksRange(int from, int to, int prev, int next) {
            own();
            java.util.Arrays.fill(lru, from, to, links(prev, next));
            int[] w = linkHi;
            if (w != ZERO_INTS) java.util.Arrays.fill(w, from, to, 0);
        }

        private int[] linkHiArray() {
            int[] w = linkHi;
            return w != ZERO_INTS ? w : linkHiAlloc();
        }

        private synchronized int[] linkHiAlloc() {
            if (linkHi == ZERO_INTS) linkHi = new int[Mm.PAGES_PER_SECTION];
            return linkHi;
        }

        /** Clears the high link parts of [from, to). */
        void clearLinkHi(int from, int to) {
            if (templated) expand();
            if (linkHi != ZERO_INTS) java.util.Arrays.fill(linkHi, from, to, 0);
        }

        boolean hasLinkHi() { return linkHi != ZERO_INTS; }
        /** Atomically replaces the links {@code expect} (a {@link #links} word) with {@code update} (the claim of a block being freed). */
        boolean casLinks(int i, long expect, long update) {
            own();
            return LONGS.compareAndSet(lru, i, expect, update);
        }

        /** page->private: the buddy order of a free page, else the stored word. */
        int priv(int i) {
            long f = flags[i];
            return (f & PageFlags.TYPE_BUDDY) != 0 ? (int) ((f & BUDDY_ORDER_MASK) >>> BUDDY_ORDER_SHIFT) : privW[i];
        }

        /** set_page_private for a page that is not PageBuddy (the buddy order lives in the flags). */
        void setPriv(int i, int v) {
            if (templated) expand();
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
            if (templated) expand();
            if (privW != ZERO_INTS) java.util.Arrays.fill(privW, from, to, 0);
        }

        /** page->private of [from, to) set to v (raw ZONE_DEVICE writes). */
        void fillPriv(int from, int to, int v) {
            if (templated) expand();
            if (v != 0 || privW != ZERO_INTS) java.util.Arrays.fill(v != 0 ? privArray() : privW, from, to, v);
        }

        boolean materialised() { return flags != ZERO_FLAGS; }

        /** Pages at this index and above were not written since the arrays were allocated (monitor held). */
        private int pristineFrom;
        /** Raw struct page writes (hotplug, ZONE_DEVICE) may leave uninitialised pages non-zero: never assume. */
        private volatile boolean rawWrites;

        /** Allocates the section's arrays (every page is then pristine). */
        synchronized void materialise() {
            own();
            if (flags != ZERO_FLAGS) return;
            refcount = new int[Mm.PAGES_PER_SECTION];
            privW = ZERO_INTS;
            linkHi = ZERO_INTS;
            lru = new long[Mm.PAGES_PER_SECTION];
            flags = new long[Mm.PAGES_PER_SECTION];
            pristineFrom = 0;
            rawWrites = false;
        }

        boolean rawWrites() { return rawWrites; }

        /**
         * Whether the never-initialised section can become uniformly free at once (compact storage): no page was
         * ever written since its arrays were dropped.
         */
        synchronized boolean untouched() { return !uniform && !identical && !templated && !rawWrites && flags == ZERO_FLAGS; }

        /** The section becomes uniformly free with the given template (its pageblocks get {@code mt}). */
        synchronized void makeUniform(long[] template, int mt, long prev, long next) {
            identical = false;
            dropTemplate();
            share(template, ZERO_INTS, ZERO_FLAGS);
            java.util.Arrays.fill(pageblockMt, (byte) mt);
            uPrev = prev;
            uNext = next;
            pristineFrom = Mm.PAGES_PER_SECTION;
            uniform = true;
        }

        /** For writers that bypass memmap init (HotplugSupport's raw struct page access). */
        synchronized void materialiseForRawWrites() {
            own();
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
            if (rawWrites || uniform) return false;
            long[] f = flags;
            long any = 0;
            for (int k = from; k < to; k++) any |= f[k];
            return any == 0;
        }
    }

    private static final java.lang.invoke.VarHandle LONGS = java.lang.invoke.MethodHandles.arrayElementVarHandle(long[].class);
    private static final long LOW = 0xFFFF_FFFFL;
    /** No link exception (no link value is this: PFNs are below 2^40, markers small negatives). */
    static final long NO_EX = Long.MIN_VALUE;

    /** The stored lru word for lru.prev = {@code prev}, lru.next = {@code next} (NONE, NONE is 0). */
    static long links(int prev, int next) { return (long) ~prev << 32 | (~next & LOW); }

    /**
     * The high part of link value v: v is stored as its low 32 bits read as a signed int, plus this times 2^32. Zero
     * for every int value (markers, orders, pgmap ids, PFNs below 2^31); at most 2^8 for PFNs below 2^40.
     */
    static int hiOf(long v) { return (int) ((v - (int) v) >>> 32); }

    /** Sections per leaf of the section table (4096 sections: 512 GiB of physical address space). */
    static final int LEAF_SHIFT = 12;
    static final int LEAF_MASK = (1 << LEAF_SHIFT) - 1;
    /** The highest section number + 1 (MAX_PHYSMEM_BITS = 52). */
    public static final long NR_MEM_SECTIONS = 1L << (Mm.MAX_PHYSMEM_BITS - Mm.SECTION_SIZE_BITS);
    private static final long[] ZERO_FLAGS = new long[Mm.PAGES_PER_SECTION];
    private static final int[] ZERO_INTS = new int[Mm.PAGES_PER_SECTION];

    /**
     * The section table: root[nr >>> LEAF_SHIFT][nr & LEAF_MASK] (mem_section[] with SPARSEMEM_EXTREME). A leaf exists
     * only where a section was ever present; the root grows to the highest such leaf (at most 8192 entries).
     */
    private volatile Section[][] root = new Section[0][];
    /** Present sections. */
    private int present;
    /** The memmap storage variant: compact lets whole free sections be uniform (see {@link Section#uniform}). */
    private volatile boolean compact;
    /** Uniformly-free flags templates by zone index << NODES_SHIFT | nid (read-only, shared by sections). */
    private final java.util.concurrent.ConcurrentHashMap<Integer, long[]> templates = new java.util.concurrent.ConcurrentHashMap<>();

    public void setCompact(boolean compact) { this.compact = compact; }

    public boolean compact() { return compact; }

    /** The flags of a uniformly-free section of (nid, zoneIdx): MAX_PAGE_ORDER block heads PageBuddy with order 10. */
    long[] uniformTemplate(int nid, int zoneIdx) {
        return templates.computeIfAbsent(zoneIdx << PageFlags.NODES_SHIFT | nid, key -> {
            long word = INIT | PageFlags.links(nid, zoneIdx);
            long[] t = new long[Mm.PAGES_PER_SECTION];
            java.util.Arrays.fill(t, word);
            for (int i = 0; i < t.length; i += Mm.MAX_ORDER_NR_PAGES)
                t[i] = word | PageFlags.TYPE_BUDDY | (long) Mm.MAX_PAGE_ORDER << BUDDY_ORDER_SHIFT;
            return t;
        });
    }

    private final java.util.concurrent.ConcurrentHashMap<Long, long[]> flagsTemplates = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.ConcurrentHashMap<Integer, int[]> refTemplates = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.ConcurrentHashMap<Long, long[]> lruTemplates = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Under compact storage, [from, to) of s is the whole section and nothing in it needs keeping (never
     * initialised, or identical): it becomes identical with these values instead of being written page by page.
     */
    boolean tryIdentical(Section s, int from, int to, long flagsWord, int ref, long lruWord) {
        if (!compact || from != 0 || to != Mm.PAGES_PER_SECTION || !(s.identical || s.untouched())) return false;
        s.makeIdentical(
                flagsTemplates.computeIfAbsent(flagsWord, w -> filled(w)),
                ref == 0 ? ZERO_INTS : refTemplates.computeIfAbsent(ref, r -> {
                    int[] a = new int[Mm.PAGES_PER_SECTION];
                    java.util.Arrays.fill(a, r);
                    return a;
                }),
                lruWord == 0 ? ZERO_FLAGS : lruTemplates.computeIfAbsent(lruWord, w -> filled(w)));
        return true;
    }

    private static long[] filled(long w) {
        long[] a = new long[Mm.PAGES_PER_SECTION];
        java.util.Arrays.fill(a, w);
        return a;
    }

    /** The shared arrays of templated sections (see {@link Section#templated}). */
    record Template(long[] flags, int[] refcount, long[] lru, int[] linkHi, int[] priv) {}

    /** A templated section's links that differ from its template's: ascending indexes, lru words, high parts. */
    record Ex(int[] idx, long[] lru, int[] hi) {}

    /** At most this many templates are kept (each is one section's arrays), and so many exceptions per section. */
    static final int MAX_TEMPLATES = 32, MAX_EXCEPTIONS = 512;
    /** Guarded by itself; the most recently matched first. */
    private final java.util.ArrayList<Template> sectionTemplates = new java.util.ArrayList<>();

    @Override public boolean compactSection(long sectionNr) {
        Section s = compact ? sectionNr(sectionNr) : null;
        if (s == null) return false;
        synchronized (s) {
            if (s.uniform || s.identical || s.templated || s.rawWrites() || !s.materialised()) return false;
            synchronized (sectionTemplates) {
                for (int t = 0; t < sectionTemplates.size(); t++) {
                    Template tp = sectionTemplates.get(t);
                    Ex e = s.exceptionsTo(tp);
                    if (e == null) continue;
                    s.makeTemplated(tp, e);
                    if (t != 0) sectionTemplates.add(0, sectionTemplates.remove(t));
                    return true;
                }
                // the first section of its kind: its own arrays become the template others are held against
                if (sectionTemplates.size() == MAX_TEMPLATES) sectionTemplates.remove(MAX_TEMPLATES - 1);
                Template tp = s.asTemplate();
                sectionTemplates.add(0, tp);
                s.makeTemplated(tp, new Ex(new int[0], new long[0], new int[0]));
                return true;
            }
        }
    }

    /** Sections stored templated (compact storage). */
    public int templatedSections() {
        int n = 0;
        for (long nr = nextPresent(0); nr >= 0; nr = nextPresent(nr + 1)) if (sectionNr(nr).templated) n++;
        return n;
    }

    /** Sections stored identical (compact storage). */
    public int identicalSections() {
        int n = 0;
        for (long nr = nextPresent(0); nr >= 0; nr = nextPresent(nr + 1)) if (sectionNr(nr).identical) n++;
        return n;
    }

    @Override public boolean uniformlyReserved(long pfn) {
        Section s = section(pfn);
        return s != null && s.identical && (s.flags[0] & PageFlags.bit(PageFlags.PG_reserved)) != 0;
    }

    /** Sections stored uniformly free (compact storage). */
    public int uniformSections() {
        int n = 0;
        for (long nr = nextPresent(0); nr >= 0; nr = nextPresent(nr + 1)) if (sectionNr(nr).uniform) n++;
        return n;
    }
    /** The highest present section number + 1 (0 when none). */
    private long limit;

    /** Heap bytes of a uniformly free section (compact): the Section object, its usemap and a share of the tables. */
    public static final long UNIFORM_SECTION_BYTES = 256;

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
        if (nr < 0 || nr >= NR_MEM_SECTIONS)
            throw new IllegalArgumentException("section " + nr + " is beyond MAX_PHYSMEM_BITS (" + Mm.MAX_PHYSMEM_BITS + ")");
        Section[][] r = root;
        int hi = (int) (nr >>> LEAF_SHIFT);
        if (hi >= r.length) r = java.util.Arrays.copyOf(r, hi + 1);
        Section[] leaf = r[hi];
        if (leaf == null) r[hi] = leaf = new Section[1 << LEAF_SHIFT];
        int lo = (int) (nr & LEAF_MASK);
        if (leaf[lo] == null) {
            leaf[lo] = new Section(nr << SHIFT);
            present++;
            limit = Math.max(limit, nr + 1);
        }
        root = r;
    }

    /** Marks a section online (boot memory, or onlined hotplug memory) or offline. */
    public void setOnline(long nr, boolean online) {
        Section s = sectionNr(nr);
        if (s != null) s.online = online;
    }

    /** sparse_remove_section: the memmap of section {@code nr} is gone. */
    public synchronized void removeSection(long nr) {
        Section[][] r = root;
        if (nr < 0 || (nr >>> LEAF_SHIFT) >= r.length) return;
        Section[] leaf = r[(int) (nr >>> LEAF_SHIFT)];
        if (leaf == null || leaf[(int) (nr & LEAF_MASK)] == null) return;
        leaf[(int) (nr & LEAF_MASK)] = null;
        present--;
        if (nr + 1 == limit) {
            long n = prevPresent(nr);
            limit = n < 0 ? 0 : n + 1;
        }
        root = r; // publish
    }

    public Section section(long pfn) {
        long nr = pfn >>> SHIFT; // a negative pfn shifts to a huge section number
        Section[][] r = root;
        long hi = nr >>> LEAF_SHIFT;
        if (hi >= r.length) return null;
        Section[] leaf = r[(int) hi];
        return leaf == null ? null : leaf[(int) (nr & LEAF_MASK)];
    }

    /** The section numbered {@code nr}, or null. */
    public Section sectionNr(long nr) {
        return nr < 0 || nr >= NR_MEM_SECTIONS ? null : section(nr << SHIFT);
    }

    /** The lowest present section number at or above {@code nr}, or -1; skips absent leaves whole. */
    public long nextPresent(long nr) {
        Section[][] r = root;
        if (nr < 0) nr = 0;
        for (long hi = nr >>> LEAF_SHIFT; hi < r.length; hi++, nr = hi << LEAF_SHIFT) {
            Section[] leaf = r[(int) hi];
            if (leaf == null) continue;
            for (int lo = (int) (nr & LEAF_MASK); lo <= LEAF_MASK; lo++) if (leaf[lo] != null) return hi << LEAF_SHIFT | lo;
        }
        return -1;
    }

    /** The highest present section number at or below {@code nr}, or -1. */
    private long prevPresent(long nr) {
        Section[][] r = root;
        if (nr >= NR_MEM_SECTIONS) nr = NR_MEM_SECTIONS - 1;
        for (long hi = Math.min(nr >>> LEAF_SHIFT, r.length - 1L); hi >= 0; hi--, nr = (hi << LEAF_SHIFT) | LEAF_MASK) {
            Section[] leaf = r[(int) hi];
            if (leaf == null) continue;
            for (int lo = (int) (nr & LEAF_MASK); lo >= 0; lo--) if (leaf[lo] != null) return hi << LEAF_SHIFT | lo;
        }
        return -1;
    }

    /** The highest present section number + 1, 0 when there is none. */
    public synchronized long sectionLimit() { return limit; }

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

    @Override public long maxPfn() { return sectionLimit() << SHIFT; }

    @Override public long nextValidPfn(long pfn) {
        if (pfn < 0) pfn = 0;
        if (section(pfn) != null) return pfn;
        long nr = nextPresent((pfn >>> SHIFT) + 1);
        return nr < 0 ? -1 : nr << SHIFT;
    }

    public synchronized int sectionCount() { return present; }

    @Override public boolean uniformlyFree(long pfn) {
        Section s = section(pfn);
        return s != null && s.uniform;
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
            if (tryIdentical(s, from, to, word, ref, 0L)) {
                // compact: a whole section of one struct page, O(1) heap
                if (pageblockMt >= 0) java.util.Arrays.fill(s.pageblockMt, (byte) pageblockMt);
                pfn = secEnd;
                continue;
            }
            boolean pristine = s.beginInit(from, to) || s.pristine(from, to);
            if (!pristine) {
                s.clearPriv(from, to);
                s.clearLinkHi(from, to);
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
            if (s != null && (pfn & MASK) == 0 && secEnd - pfn == Mm.PAGES_PER_SECTION) {
                s.dropToPoison();
                pfn = secEnd;
                continue;
            }
            if (s != null) s.own();
            if (s != null && s.materialised()) {
                int from = (int) (pfn & MASK), to = (int) (secEnd - (pfn & ~(long) MASK));
                java.util.Arrays.fill(s.flags, from, to, 0L);
                java.util.Arrays.fill(s.refcount, from, to, 0);
                s.clearPriv(from, to);
                s.clearLinkHi(from, to);
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
    public void setF(long pfn, long v) { Section s = sectionOrThrow(pfn); s.own(); s.flags[(int) (pfn & MASK)] = v; }
    public int ref(long pfn) { return sectionOrThrow(pfn).refcount[(int) (pfn & MASK)]; }
    public void setRef(long pfn, int v) { Section s = sectionOrThrow(pfn); s.own(); s.refcount[(int) (pfn & MASK)] = v; }
    public int priv(long pfn) { return sectionOrThrow(pfn).priv((int) (pfn & MASK)); }
    public void setPriv(long pfn, int v) { sectionOrThrow(pfn).setPriv((int) (pfn & MASK), v); }
    public long next(long pfn) { return sectionOrThrow(pfn).next((int) (pfn & MASK)); }
    public void setNext(long pfn, long v) { sectionOrThrow(pfn).setNext((int) (pfn & MASK), v); }
    public long prev(long pfn) { return sectionOrThrow(pfn).prev((int) (pfn & MASK)); }
    public void setPrev(long pfn, long v) { sectionOrThrow(pfn).setPrev((int) (pfn & MASK), v); }
}
