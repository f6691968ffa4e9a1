package mm.core.internal.mm;

import java.util.List;
import mm.core.api.Memblock;
import mm.core.api.Mm;

/**
 * The x86_64 direct mapping as init_mem_mapping builds it (arch/x86/mm/init.c), counted per page size as
 * update_page_count does for DirectMap4k / 2M / 1G: the ISA range below 1 MiB with 4 KiB pages, then the memory
 * above it top-down in chunks (memory_map_top_down: a first 2 MiB chunk below the top, then chunks aligned to a
 * step that grows from 2 MiB by 2^8 each time the mapped size reaches it), each memblock memory range of a chunk
 * split by split_mem_range into a 4 KiB head up to 2 MiB alignment, 2 MiB pages up to 1 GiB alignment, 1 GiB pages,
 * then a 2 MiB and a 4 KiB tail. The CPU has PSE and GB pages.
 */
final class DirectMap {
    private DirectMap() {}

    static final long ISA_END_ADDRESS = 0x100000;
    static final long PMD_SIZE = 1L << 21, PUD_SIZE = 1L << 30;
    static final int PMD_PAGES = (int) (PMD_SIZE >>> Mm.PAGE_SHIFT), PUD_PAGES = (int) (PUD_SIZE >>> Mm.PAGE_SHIFT);

    /** Mappings of 4 KiB, 2 MiB and 1 GiB of the booted kernel's direct map. */
    static long[] pages(Kernel k) {
        long[] count = new long[3];
        Memblock mb = k.memblock();
        if (mb == null) return count;
        List<Memblock.PfnRange> ranges = mb.memPfnRanges(Mm.MAX_NUMNODES);
        if (ranges.isEmpty()) return count;
        // init_memory_mapping(0, ISA_END_ADDRESS)
        split(0, ISA_END_ADDRESS >>> Mm.PAGE_SHIFT, count);
        long end = k.maxPfn << Mm.PAGE_SHIFT;
        long top = 0;
        for (Memblock.PfnRange r : ranges) top = Math.max(top, Math.min(end, r.endPfn() << Mm.PAGE_SHIFT));
        // the first chunk ends where memblock found the highest 2 MiB of memory (real_end)
        long realEnd = Math.max(ISA_END_ADDRESS, top & -PMD_SIZE);
        long step = PMD_SIZE, mapped = 0, lastStart = realEnd;
        while (lastStart > ISA_END_ADDRESS) {
            long start = lastStart > step ? Math.max(ISA_END_ADDRESS, (lastStart - 1) & -step) : ISA_END_ADDRESS;
            mapped += mapRange(ranges, start, lastStart, count);
            lastStart = start;
            if (mapped >= step) step <<= (21 - Mm.PAGE_SHIFT - 1);
        }
        if (realEnd < end) mapRange(ranges, realEnd, end, count);
        k.directMap.count(count);
        return count;
    }

    /**
     * The PFN ranges memory hotplug mapped after boot: arch_add_memory's init_memory_mapping of each hot-added range
     * of System RAM (split_mem_range as at boot), unmapped again by arch_remove_memory. A removal that covers part of
     * a range keeps the rest mapped as its own range.
     */
    static final class HotAdded {
        private final List<long[]> ranges = new java.util.ArrayList<>();

        synchronized void add(long startPfn, long endPfn) { ranges.add(new long[] {startPfn, endPfn}); }

        synchronized void remove(long startPfn, long endPfn) {
            List<long[]> kept = new java.util.ArrayList<>();
            for (long[] r : ranges) {
                if (r[1] <= startPfn || r[0] >= endPfn) { kept.add(r); continue; }
                if (r[0] < startPfn) kept.add(new long[] {r[0], startPfn});
                if (r[1] > endPfn) kept.add(new long[] {endPfn, r[1]});
            }
            ranges.clear();
            ranges.addAll(kept);
        }

        synchronized List<long[]> snapshot() {
            List<long[]> copy = new java.util.ArrayList<>();
            for (long[] r : ranges) copy.add(r.clone());
            return copy;
        }

        synchronized void restore(List<long[]> snapshot) {
            ranges.clear();
            for (long[] r : snapshot) ranges.add(r.clone());
        }

        synchronized void count(long[] count) {
            for (long[] r : ranges) split(r[0], r[1], count);
        }
    }

    /** init_range_memory_mapping: every memory range clamped to [start, end); returns the bytes mapped. */
    private static long mapRange(List<Memblock.PfnRange> ranges, long start, long end, long[] count) {
        long mapped = 0;
        for (Memblock.PfnRange r : ranges) {
            long s = Math.min(Math.max(r.startPfn() << Mm.PAGE_SHIFT, start), end);
            long e = Math.min(Math.max(r.endPfn() << Mm.PAGE_SHIFT, start), end);
            if (s >= e) continue;
            split(s >>> Mm.PAGE_SHIFT, e >>> Mm.PAGE_SHIFT, count);
            mapped += e - s;
        }
        return mapped;
    }

    /** split_mem_range of [startPfn, limitPfn) on x86_64 with 2 MiB and 1 GiB pages. */
    static void split(long startPfn, long limitPfn, long[] count) {
        long pfn = startPfn;
        // head: 4 KiB pages up to 2 MiB alignment (from pfn 0: the whole first 2 MiB)
        long endPfn = Math.min(pfn == 0 ? PMD_PAGES : roundUp(pfn, PMD_PAGES), limitPfn);
        if (pfn < endPfn) { count[0] += endPfn - pfn; pfn = endPfn; }
        // 2 MiB pages up to 1 GiB alignment
        long s = roundUp(pfn, PMD_PAGES);
        endPfn = Math.min(roundUp(pfn, PUD_PAGES), limitPfn & -(long) PMD_PAGES);
        if (s < endPfn) { count[1] += (endPfn - s) / PMD_PAGES; pfn = endPfn; }
        // 1 GiB pages
        s = roundUp(pfn, PUD_PAGES);
        endPfn = limitPfn & -(long) PUD_PAGES;
        if (s < endPfn) { count[2] += (endPfn - s) / PUD_PAGES; pfn = endPfn; }
        // tail: 2 MiB pages, then 4 KiB pages
        s = roundUp(pfn, PMD_PAGES);
        endPfn = limitPfn & -(long) PMD_PAGES;
        if (s < endPfn) { count[1] += (endPfn - s) / PMD_PAGES; pfn = endPfn; }
        if (pfn < limitPfn) count[0] += limitPfn - pfn;
    }

    private static long roundUp(long x, long a) { return (x + a - 1) & -a; }
}
