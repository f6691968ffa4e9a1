package mm.core.internal.mm;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import mm.core.api.MigrateType;
import mm.core.api.Mm;
import mm.core.api.PageFlags;

/**
 * The invariant checker (CONFIG_DEBUG_VM in spirit, design.md "Invariants"): zone by zone, with the zone's pcp
 * locks and zone lock held, walks every free list and every struct page of every zone and reports each violation:
 * every PFN is in exactly one state (free in exactly one list at its order, on a per-cpu list, allocated with a
 * head, isolated for free page reporting, reserved, or uninitialised where deferral or an offline section allows
 * it; initialised pages of offline sections and ZONE_DEVICE pages are outside the buddy's accounting and must not
 * be free); zone counters equal what the memmap says (managed = free + pcp + allocated + isolated); no free block
 * crosses its zone or mixes pageblock types; reported pages are free.
 */
final class Checker {
    private Checker() {}

    static final int MAX_REPORTS = 50;

    static List<String> check(Kernel k, mm.core.api.MemoryModel.CheckProgress progress) {
        List<Zone> zones = k.zones();
        List<String> out = new ArrayList<>();
        long total = 0, done = 0;
        for (Zone z : zones) total += z.present;
        // zone by zone, each with its pagesets and zone->lock held: a page never changes zones under the allocator,
        // so each zone's invariants need only its own locks (and no depth or lock count grows with CPUs x zones)
        for (Zone z : zones) {
            if (z.spanned == 0 && z.managed == 0) continue;
            if (progress != null) progress.at(total == 0 ? 0 : (double) done / total, z.nid, z.type);
            z.withAllPcpsAndZoneLocked(pcps -> checkZone(k, z, pcps, out));
            done += z.present;
            if (out.size() >= MAX_REPORTS) break;
        }
        if (out.size() >= MAX_REPORTS) out.add("... (stopped after " + MAX_REPORTS + " violations)");
        return out;
    }

    private static void violation(List<String> out, String fmt, Object... args) {
        if (out.size() < MAX_REPORTS) out.add(String.format(Locale.ROOT, fmt, args));
    }

    /**
     * CMA: NR_FREE_CMA_PAGES is what the CMA lists hold; a MIGRATE_CMA pageblock lies in the cma= area and every
     * pageblock of the area that is in this zone is MIGRATE_CMA (or isolated), as many as the zone's cma_pages.
     */
    private static void checkCma(Kernel k, Zone z, String zn, List<String> out) {
        long listed = 0;
        for (int o = 0; o <= Mm.MAX_PAGE_ORDER; o++) listed += z.nrFreeMt(o, Zone.MT_CMA) << o;
        if (listed != z.freeCma) violation(out, "%s: NR_FREE_CMA_PAGES = %d but the CMA lists hold %d pages", zn, z.freeCma, listed);
        long areaBlocks = 0;
        long start = z.zoneStartPfn & ~(long) (Mm.PAGEBLOCK_NR_PAGES - 1);
        for (long pb = start; pb < z.endPfn(); pb += Mm.PAGEBLOCK_NR_PAGES) {
            long p = Math.max(pb, z.zoneStartPfn);
            if (!k.mm.valid(p)) {
                long next = k.mm.nextValidPfn(p);
                if (next < 0 || next >= z.endPfn()) break;
                pb = (next & ~(long) (Mm.PAGEBLOCK_NR_PAGES - 1)) - Mm.PAGEBLOCK_NR_PAGES;
                continue;
            }
            if (!k.mm.initialised(p) || k.pageZone(k.mm.f(p)) != z) continue;
            int mt = k.mm.pageblockMt(p);
            boolean inArea = k.cma.contains(p);
            if (mt == Zone.MT_CMA && !inArea) violation(out, "%s: pageblock %#x is MIGRATE_CMA outside the CMA area", zn, p);
            if (inArea && z.cmaPages > 0) {
                areaBlocks++;
                if (mt != Zone.MT_CMA && mt != Zone.MT_ISOLATE)
                    violation(out, "%s: pageblock %#x of the CMA area has migratetype %d", zn, p, mt);
            }
        }
        if (z.cmaPages != areaBlocks * Mm.PAGEBLOCK_NR_PAGES && z.cmaPages > 0)
            violation(out, "%s: cma_pages = %d but the zone holds %d pageblocks of the CMA area", zn, z.cmaPages, areaBlocks);
    }

    private static void checkZone(Kernel k, Zone z, List<Zone.Pcp> pcps, List<String> out) {
        String zn = "node " + z.nid + " zone " + z.type.kernelName();
        long start = z.zoneStartPfn, end = z.endPfn();
        PfnBits free = new PfnBits(start);
        long freeTotal = 0;
        for (int o = 0; o <= Mm.MAX_PAGE_ORDER; o++) {
            long orderCount = 0;
            for (int mt = 0; mt < Zone.NMT; mt++) {
                long count = 0;
                long prev = MemmapImpl.NONE;
                for (long p = z.listHead(o, mt); p != MemmapImpl.NONE; p = k.mm.next(p)) {
                    count++;
                    if (count > z.spanned + 1) { violation(out, "%s: free list order %d type %d is circular", zn, o, mt); break; }
                    long f = k.mm.f(p);
                    if ((f & MemmapImpl.INIT) == 0) violation(out, "%s: pfn %#x on a free list is uninitialised", zn, p);
                    if ((f & Zone.BUDDY) == 0) violation(out, "%s: pfn %#x on free list order %d lacks PageBuddy", zn, p, o);
                    if (k.mm.priv(p) != o) violation(out, "%s: pfn %#x on free list order %d has buddy order %d", zn, p, o, k.mm.priv(p));
                    if ((p & ((1L << o) - 1)) != 0) violation(out, "%s: free block %#x is not aligned to order %d", zn, p, o);
                    if (p < start || p + (1L << o) > end) violation(out, "%s: free block %#x order %d crosses the zone span", zn, p, o);
                    if (k.mm.prev(p) != prev) violation(out, "%s: pfn %#x has a broken lru.prev link", zn, p);
                    if (k.pageZone(f) != z) violation(out, "%s: free pfn %#x belongs to another zone", zn, p);
                    int pbmt = k.mm.pageblockMt(p);
                    if (pbmt != mt) violation(out, "%s: free block %#x on the type-%d list sits in a type-%d pageblock", zn, p, mt, pbmt);
                    if (o > Mm.PAGEBLOCK_ORDER) {
                        for (long b = p; b < p + (1L << o); b += Mm.PAGEBLOCK_NR_PAGES)
                            if (k.mm.pageblockMt(b) != pbmt) violation(out, "%s: free block %#x order %d mixes pageblock types", zn, p, o);
                    }
                    MemmapImpl.Section ps = k.mm.section(p);
                    if (ps != null && ps.uniform && o == Mm.MAX_PAGE_ORDER && p >= start && p + (1L << o) <= end) {
                        // a block of a uniformly free section (compact memmap): its tails are the shared template's,
                        // never PageBuddy; mark the block whole
                        if (!free.setBlock(p - start, 1 << o)) violation(out, "%s: pfn %#x is in two free blocks", zn, p);
                        prev = p;
                        continue;
                    }
                    for (long q = p; q < p + (1L << o) && q < end; q++) {
                        if (q < start) continue;
                        long bit = q - start;
                        if (free.get(bit)) { violation(out, "%s: pfn %#x is in two free blocks", zn, q); break; }
                        free.set(bit);
                        if (q != p && (k.mm.f(q) & Zone.BUDDY) != 0) violation(out, "%s: tail pfn %#x of a free block has PageBuddy", zn, q);
                    }
                    prev = p;
                }
                if (count != z.nrFreeMt(o, mt)) violation(out, "%s: nr_free order %d type %d says %d, the list holds %d", zn, o, mt, z.nrFreeMt(o, mt), count);
                orderCount += count;
                freeTotal += count << o;
            }
            if (orderCount != z.nrFree[o]) violation(out, "%s: nr_free[%d] = %d but the lists hold %d", zn, o, z.nrFree[o], orderCount);
        }
        if (freeTotal != z.freePages) violation(out, "%s: NR_FREE_PAGES = %d but the free lists hold %d pages", zn, z.freePages, freeTotal);
        checkCma(k, z, zn, out);
        long pcpPages = 0;
        for (Zone.Pcp p : pcps) {
            int sum = 0;
            for (int mt = 0; mt < MigrateType.PCPTYPES; mt++) {
                for (int i = 0; i < p.size(mt); i++) {
                    long pfn = p.at(mt, i);
                    sum++;
                    if (!z.spans(pfn)) { violation(out, "%s: pcp page %#x is outside the zone", zn, pfn); continue; }
                    long bit = pfn - start;
                    if (free.get(bit)) violation(out, "%s: pfn %#x is both on a pcp list and in the buddy", zn, pfn);
                    free.set(bit);
                    if (k.mm.prev(pfn) != PageAlloc.ON_PCP || k.mm.ref(pfn) != 0) violation(out, "%s: pcp page %#x is not marked free", zn, pfn);
                }
            }
            if (sum != p.count) violation(out, "%s: pcp count %d but its lists hold %d", zn, p.count, sum);
            // pcp->high auto-tuning: a pageset still at per_cpu_pages_init's high 0 was never refilled or freed to
            // (nr_pcp_alloc / nr_pcp_high clamp it first), so it holds nothing; otherwise frees drain at high, and a
            // refill stops a batch under high (nr_pcp_alloc's max_nr_alloc) or adds one batch, once per list
            if (p.high == 0 && sum != 0) violation(out, "%s: pcp high is 0 (never used) but its lists hold %d", zn, sum);
            long bound = Math.max(p.high, p.highMax) + (long) MigrateType.PCPTYPES * p.batch;
            if (sum > bound) violation(out, "%s: pcp holds %d pages, more than high %d / high_max %d plus a batch (%d) per list",
                    zn, sum, p.high, p.highMax, p.batch);
            pcpPages += sum;
        }
        // every struct page of the zone span
        long allocated = 0, isolated = 0;
        Node n = k.node(z.nid);
        // templated sections (compact memmap): one checked page by page with no violation vouches for every other
        // section of its template whose pages are free exactly where its were and whose own links are all at
        // free pages (the free-list walk above checked those)
        java.util.IdentityHashMap<Object, TemplateMemo> memos = new java.util.IdentityHashMap<>();
        TemplateMemo pending = null;
        for (long pfn = start; pfn < end; pfn++) {
            if (pending != null && pfn >= pending.end) {
                if (pfn == pending.end && out.size() == pending.violations && !pending.sawUninit)
                    memos.put(pending.key, pending.done(allocated, isolated));
                pending = null;
            }
            MemmapImpl.Section s = k.mm.section(pfn);
            if (s == null) {
                long next = k.mm.nextValidPfn(pfn); // skip holes by present section, not by address
                if (next < 0 || next >= end) break;
                pfn = next - 1;
                continue;
            }
            if (s.uniform && (pfn & MemmapImpl.MASK) == 0 && pfn + Mm.PAGES_PER_SECTION <= end && s.online && !s.device
                    && z.type != mm.core.api.ZoneType.DEVICE && k.pageZone(s.flags[0]) == z
                    && free.allSet(pfn - start, Mm.PAGES_PER_SECTION)) {
                // uniformly free (compact memmap) and every page found in this zone's free blocks: each page would
                // pass as a free page of this zone (initialised, online, neither reserved nor reported)
                pfn += Mm.PAGES_PER_SECTION - 1;
                continue;
            }
            if (s.identical && (pfn & MemmapImpl.MASK) == 0 && pfn + Mm.PAGES_PER_SECTION <= end) {
                // one struct page throughout (compact memmap): another zone's, or reserved / ZONE_DEVICE / offline
                // pages that are all fine unless one of them is in this zone's free blocks (then page by page)
                long f0 = s.flags[0];
                boolean other = k.pageZone(f0) != z;
                boolean notBuddys = !s.online || s.device || z.type == mm.core.api.ZoneType.DEVICE
                        || (f0 & Zone.RESERVED) != 0;
                if (other || (notBuddys && !free.anySet(pfn - start, Mm.PAGES_PER_SECTION))) {
                    pfn += Mm.PAGES_PER_SECTION - 1;
                    continue;
                }
            }
            if (s.templated && (pfn & MemmapImpl.MASK) == 0 && pfn + Mm.PAGES_PER_SECTION <= end && s.online
                    && !s.device && z.type != mm.core.api.ZoneType.DEVICE) {
                Object key = s.flags;
                long[] pattern = free.sectionBits(pfn - start);
                TemplateMemo m = memos.get(key);
                if (m != null && java.util.Arrays.equals(m.pattern, pattern) && s.linksDifferOnlyAt(pattern)) {
                    allocated += m.allocated;
                    isolated += m.isolated;
                    pfn += Mm.PAGES_PER_SECTION - 1;
                    continue;
                }
                if (m == null && s.linksDifferOnlyAt(pattern))
                    pending = new TemplateMemo(key, pattern, pfn + Mm.PAGES_PER_SECTION, out.size(), allocated, isolated);
            }
            int i = (int) (pfn & MemmapImpl.MASK);
            long f = s.flags[i];
            if ((f & MemmapImpl.INIT) == 0) {
                if (pending != null) pending.sawUninit = true;
                boolean deferred = pfn >= n.firstDeferredPfn;
                if (!deferred && s.online && z.type != mm.core.api.ZoneType.DEVICE)
                    violation(out, "%s: pfn %#x is uninitialised but neither deferred nor offline", zn, pfn);
                continue;
            }
            if (k.pageZone(f) != z) continue; // a hole page of a neighbouring zone, or another node's
            boolean isFree = free.get(pfn - start);
            if (!s.online || s.device || z.type == mm.core.api.ZoneType.DEVICE) {
                // hot-added struct pages between move_pfn_range_to_zone and onlining, and ZONE_DEVICE pages: they
                // are initialised but never the buddy's, so they are not in the managed accounting
                if (isFree) violation(out, "%s: pfn %#x is free in the buddy but its section is %s", zn, pfn,
                        s.device ? "ZONE_DEVICE memory" : "offline");
                continue;
            }
            if ((f & Zone.REPORTED) != 0 && !((f & Zone.BUDDY) != 0)) violation(out, "%s: pfn %#x is PageReported but not free", zn, pfn);
            if (isFree) {
                if ((f & Zone.RESERVED) != 0) violation(out, "%s: free pfn %#x has PG_reserved", zn, pfn);
                continue;
            }
            if ((f & Zone.BUDDY) != 0) { violation(out, "%s: pfn %#x has PageBuddy but is on no free list", zn, pfn); continue; }
            if ((f & Zone.RESERVED) != 0) continue;
            long pv = s.prev(i);
            if (pv == PageAlloc.ALLOC_HEAD) {
                int order = (int) s.next(i);
                if (order < 0 || order > Mm.MAX_PAGE_ORDER) { violation(out, "%s: allocated head %#x has order %d", zn, pfn, order); continue; }
                if (s.refcount[i] < 1) violation(out, "%s: allocated head %#x has refcount %d", zn, pfn, s.refcount[i]);
                for (long t = pfn + 1; t < pfn + (1L << order); t++) {
                    if (!k.mm.valid(t) || k.mm.prev(t) != PageAlloc.ALLOC_TAIL || k.mm.next(t) != pfn)
                        violation(out, "%s: pfn %#x should be a tail of the order-%d block at %#x", zn, t, order, pfn);
                }
                allocated += 1L << order;
                pfn += (1L << order) - 1;
                continue;
            }
            if (pv == PageAlloc.ISOLATED) {
                // isolated for free page reporting: off the free lists, not allocatable, refcount 0
                int order = (int) s.next(i);
                if (order < 0 || order > Mm.MAX_PAGE_ORDER) { violation(out, "%s: isolated block %#x has order %d", zn, pfn, order); continue; }
                if (s.refcount[i] != 0) violation(out, "%s: isolated block %#x has refcount %d", zn, pfn, s.refcount[i]);
                if ((pfn & ((1L << order) - 1)) != 0 || pfn + (1L << order) > end)
                    violation(out, "%s: isolated block %#x order %d is misaligned or crosses the zone span", zn, pfn, order);
                for (long t = pfn + 1; t < Math.min(end, pfn + (1L << order)); t++) {
                    if (free.get(t - start) || !k.mm.valid(t) || (k.mm.f(t) & Zone.BUDDY) != 0 || k.mm.prev(t) != MemmapImpl.NONE)
                        violation(out, "%s: pfn %#x inside the isolated block %#x is in another state", zn, t, pfn);
                }
                isolated += 1L << order;
                pfn += (1L << order) - 1;
                continue;
            }
            if (pv == PageAlloc.ALLOC_TAIL) { violation(out, "%s: tail pfn %#x has no head before it", zn, pfn); continue; }
            if (s.refcount[i] == 0) violation(out, "%s: pfn %#x is in no state (refcount 0, not free, not reserved: %s)", zn, pfn, PageFlags.names(f & ~MemmapImpl.INIT));
            else allocated++;
        }
        if (isolated != z.isolated) violation(out, "%s: %d pages counted isolated for reporting but the memmap has %d", zn, z.isolated, isolated);
        long accounted = z.freePages + pcpPages + allocated + isolated;
        if (z.type != mm.core.api.ZoneType.DEVICE && accounted != z.managed)
            violation(out, "%s: managed %d != free %d + pcp %d + allocated %d + isolated %d", zn, z.managed, z.freePages, pcpPages, allocated, isolated);
    }

    /** A templated section checked page by page: its template, its pages' free bits, what it counted. */
    static final class TemplateMemo {
        final Object key;
        final long[] pattern;
        final long end;
        final int violations;
        final long allocatedBefore, isolatedBefore;
        boolean sawUninit;
        long allocated, isolated;

        TemplateMemo(Object key, long[] pattern, long end, int violations, long allocatedBefore, long isolatedBefore) {
            this.key = key;
            this.pattern = pattern;
            this.end = end;
            this.violations = violations;
            this.allocatedBefore = allocatedBefore;
            this.isolatedBefore = isolatedBefore;
        }

        TemplateMemo done(long allocatedNow, long isolatedNow) {
            allocated = allocatedNow - allocatedBefore;
            isolated = isolatedNow - isolatedBefore;
            return this;
        }
    }

    /**
     * A bit per page of a zone span, kept per 128 MiB section that has a bit set: a zone may span most of the
     * 2^40-pfn space with only a few sections present. Indexed by the offset from the zone start. Whole
     * MAX_PAGE_ORDER blocks marked at once (the blocks of uniformly free sections) are one bit each in a per-section
     * mask, so a machine of uniformly free sections costs the checker a map entry per section, not 4 KiB.
     */
    static final class PfnBits {
        private static final int BLOCK_SHIFT = Mm.MAX_PAGE_ORDER, WORDS_PER_BLOCK = Mm.MAX_ORDER_NR_PAGES >>> 6;
        private final java.util.HashMap<Long, long[]> words = new java.util.HashMap<>();
        private final java.util.HashMap<Long, int[]> blocks = new java.util.HashMap<>();
        private final long base;
        private long lastNr = -1;
        private long[] last;

        PfnBits(long base) { this.base = base; }

        private long[] words(long bit, boolean create) {
            long nr = (base + bit) >>> MemmapImpl.SHIFT;
            if (nr == lastNr) return last;
            long[] w = words.get(nr);
            if (w == null) {
                if (!create) return null;
                words.put(nr, w = new long[Mm.PAGES_PER_SECTION >>> 6]);
            }
            lastNr = nr;
            last = w;
            return w;
        }

        private int blockMask(long bit) {
            int[] m = blocks.get((base + bit) >>> MemmapImpl.SHIFT);
            return m == null ? 0 : m[0];
        }

        private static int offset(long abs) { return (int) (abs & MemmapImpl.MASK); }

        boolean get(long bit) {
            long abs = base + bit;
            if ((blockMask(bit) & 1 << (offset(abs) >>> BLOCK_SHIFT)) != 0) return true;
            long[] w = words(bit, false);
            int i = offset(abs);
            return w != null && (w[i >>> 6] & 1L << i) != 0;
        }

        /** Sets the whole MAX_PAGE_ORDER block at [bit, bit + n) (n = MAX_ORDER_NR_PAGES, aligned); false if any was set. */
        boolean setBlock(long bit, int n) {
            if (anySet(bit, n)) return false;
            int[] m = blocks.computeIfAbsent((base + bit) >>> MemmapImpl.SHIFT, nr -> new int[1]);
            m[0] |= 1 << (offset(base + bit) >>> BLOCK_SHIFT);
            return true;
        }

        /** Whether every bit of [bit, bit + n) is set (block-aligned, n a multiple of a block, inside one section). */
        boolean allSet(long bit, int n) {
            int mask = blockMask(bit);
            long[] w = words(bit, false);
            int from = offset(base + bit);
            for (int b = from; b < from + n; b += Mm.MAX_ORDER_NR_PAGES) {
                if ((mask & 1 << (b >>> BLOCK_SHIFT)) != 0) continue;
                if (w == null) return false;
                for (int k = b >>> 6; k < (b >>> 6) + WORDS_PER_BLOCK; k++) if (w[k] != -1L) return false;
            }
            return true;
        }

        /** Whether any bit of [bit, bit + n) is set (block-aligned, n a multiple of a block, inside one section). */
        boolean anySet(long bit, int n) {
            int mask = blockMask(bit);
            long[] w = words(bit, false);
            int from = offset(base + bit);
            for (int b = from; b < from + n; b += Mm.MAX_ORDER_NR_PAGES) {
                if ((mask & 1 << (b >>> BLOCK_SHIFT)) != 0) return true;
                if (w == null) continue;
                for (int k = b >>> 6; k < (b >>> 6) + WORDS_PER_BLOCK; k++) if (w[k] != 0) return true;
            }
            return false;
        }

        /** The bits of the whole section starting at {@code bit}, one word per 64 pages (a copy). */
        long[] sectionBits(long bit) {
            int mask = blockMask(bit);
            long[] w = words(bit, false);
            long[] out = w == null ? new long[Mm.PAGES_PER_SECTION >>> 6] : w.clone();
            for (int b = 0; b < Mm.PAGES_PER_SECTION; b += Mm.MAX_ORDER_NR_PAGES)
                if ((mask & 1 << (b >>> BLOCK_SHIFT)) != 0)
                    java.util.Arrays.fill(out, b >>> 6, (b >>> 6) + WORDS_PER_BLOCK, -1L);
            return out;
        }

        void set(long bit) {
            long[] w = words(bit, true);
            int i = offset(base + bit);
            w[i >>> 6] |= 1L << i;
        }
    }
}
