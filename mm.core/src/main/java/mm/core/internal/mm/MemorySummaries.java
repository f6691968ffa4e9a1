package mm.core.internal.mm;

import static mm.core.internal.mm.MemmapImpl.MASK;
import static mm.core.internal.mm.MemmapImpl.SHIFT;

import mm.core.api.MemorySummary;
import mm.core.api.MigrateType;
import mm.core.api.Mm;
import mm.core.api.PageFlags;
import mm.core.api.ZoneType;

/**
 * {@link mm.core.api.MemoryModel#summarize}: the pages of a pfn range counted by what they are to the allocator, as
 * {@link PageAlloc#pageState} classifies one page, but by blocks: a free or allocated block is counted from its head
 * (its order), a section stored uniformly free or identical (compact storage) is counted whole, holes are skipped by
 * section. The cost is bounded by the present sections' written pages, never by the address width. Lock-free reads:
 * under a running workload a picture may be a block off, never wrong in kind.
 */
final class MemorySummaries {
    private static final int MTS = MigrateType.VALUES.length;
    private static final int ZONES = ZoneType.VALUES.length;

    private MemorySummaries() {}

    static MemorySummary summarize(MemmapImpl mm, long from, long to) {
        if (from < 0 || to < from) throw new IllegalArgumentException("bad pfn range " + from + "-" + to);
        long[] c = new long[7]; // noMemmap, offline, device, uninitialised, reserved, isolated, nid + 1
        long[] pcp = new long[1];
        long[] alloc = new long[MTS], free = new long[Mm.MAX_PAGE_ORDER + 1], zones = new long[ZONES];
        long pfn = from;
        while (pfn < to) {
            long next = mm.nextValidPfn(pfn);
            if (next < 0 || next >= to) {
                c[0] += to - pfn;
                break;
            }
            c[0] += next - pfn;
            pfn = next;
            long secEnd = Math.min(to, ((pfn >>> SHIFT) + 1) << SHIFT);
            MemmapImpl.Section s = mm.section(pfn);
            if (s == null) { // removed under us
                c[0] += secEnd - pfn;
            } else {
                section(s, pfn, secEnd, c, pcp, alloc, free, zones);
            }
            pfn = secEnd;
        }
        return new MemorySummary(from, to, c[0], c[1], c[2], c[3], c[4], alloc, c[5], pcp[0], free, zones, (int) c[6] - 1);
    }

    private static void section(MemmapImpl.Section s, long from, long to, long[] c, long[] pcp, long[] alloc,
                                long[] free, long[] zones) {
        long n = to - from;
        if (c[6] == 0 && (s.flags[0] & MemmapImpl.INIT) != 0 && (s.uniform || s.identical)) c[6] = PageFlags.nid(s.flags[0]) + 1;
        if (s.device) {
            c[2] += n;
            if ((s.flags[0] & MemmapImpl.INIT) != 0 && s.identical) zones[PageFlags.zoneIdx(s.flags[0])] += n;
            return;
        }
        if (!s.online) {
            c[1] += n;
            return;
        }
        if (s.uniform) { // every page free in MAX_PAGE_ORDER blocks of one zone (docs/memmap.md)
            long f0 = s.flags[0];
            free[Mm.MAX_PAGE_ORDER] += n;
            zones[PageFlags.zoneIdx(f0)] += n;
            return;
        }
        long[] flags = s.flags;
        int[] ref = s.refcount;
        if (s.identical) { // one struct page repeated: classify it once
            long f0 = flags[0];
            if ((f0 & MemmapImpl.INIT) == 0) {
                c[3] += n;
                return;
            }
            zones[PageFlags.zoneIdx(f0)] += n;
            if ((f0 & Zone.RESERVED) != 0) c[4] += n;
            else if (PageFlags.zoneIdx(f0) == ZoneType.DEVICE.ordinal()) c[2] += n;
            else alloc[s.pageblockMt[0] % MTS] += n;
            return;
        }
        // blocks are naturally aligned and never cross a section: start at a MAX_ORDER boundary to meet heads first
        int i = (int) ((from & MASK) & -(long) Mm.MAX_ORDER_NR_PAGES);
        int lo = (int) (from & MASK), hi = lo + (int) (to - from);
        while (i < hi) {
            long f = flags[i];
            int len = 1;
            if ((f & MemmapImpl.INIT) == 0) {
                add(c, 3, i, 1, lo, hi);
            } else {
                int z = PageFlags.zoneIdx(f);
                if (c[6] == 0) c[6] = PageFlags.nid(f) + 1; // a block never spans two nodes
                if ((f & Zone.BUDDY) != 0) {
                    int o = (int) ((f & MemmapImpl.BUDDY_ORDER_MASK) >>> MemmapImpl.BUDDY_ORDER_SHIFT);
                    len = blockLen(o, i);
                    add(free, Math.min(o, Mm.MAX_PAGE_ORDER), i, len, lo, hi);
                } else {
                    long prev = s.prev(i);
                    if (prev == PageAlloc.ON_PCP) {
                        pcp[0] += overlap(i, 1, lo, hi);
                    } else if (prev == PageAlloc.ISOLATED) {
                        len = blockLen((int) s.next(i), i);
                        add(c, 5, i, len, lo, hi);
                    } else if ((f & Zone.RESERVED) != 0) {
                        add(c, 4, i, 1, lo, hi);
                    } else if (prev == PageAlloc.ALLOC_HEAD) {
                        len = blockLen((int) s.next(i), i);
                        add(alloc, mt(s, i), i, len, lo, hi);
                    } else if (ref[i] == 0) {
                        // a page inside a free block whose head lies before the walk's start cannot be met (aligned
                        // start); a refcount-0 page that is no head is free-in-block only after a racing merge
                        add(free, 0, i, 1, lo, hi);
                    } else {
                        add(alloc, mt(s, i), i, 1, lo, hi);
                    }
                }
                zones[z] += overlap(i, len, lo, hi);
            }
            i += len;
        }
    }

    /** 2^order pages, clipped to the section (a racing read may see a stale order). */
    private static int blockLen(int order, int i) {
        if (order < 0 || order > Mm.MAX_PAGE_ORDER) return 1;
        return Math.min(1 << order, Mm.PAGES_PER_SECTION - i);
    }

    private static int mt(MemmapImpl.Section s, int i) {
        return s.pageblockMt[i >>> Mm.PAGEBLOCK_ORDER] % MTS;
    }

    private static long overlap(int i, int len, int lo, int hi) {
        return Math.max(0, Math.min(i + len, hi) - Math.max(i, lo));
    }

    private static void add(long[] a, int k, int i, int len, int lo, int hi) {
        a[k] += overlap(i, len, lo, hi);
    }
}
