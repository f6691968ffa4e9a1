package mm.core.internal.mm;

import java.util.List;
import java.util.Locale;
import mm.core.api.Memblock;
import mm.core.api.MigrateType;
import mm.core.api.Mm;
import mm.core.internal.memblock.MemblockImpl;
import mm.machine.api.BootOptions;
import mm.machine.api.KernelConfig;
import mm.machine.api.Sizes;

/**
 * The default contiguous memory area of kernel/dma/contiguous.c and mm/cma.c: early_cma reads
 * {@code cma=nn[MG][@start[MG][-end[MG]]]}, dma_contiguous_reserve (x86 setup_arch, before the crashkernel) reserves
 * it from memblock through cma_declare_contiguous_nid, and cma_init_reserved_areas (core_initcall) activates it:
 * every pageblock becomes MIGRATE_CMA and its pages go to the buddy (init_cma_reserved_pageblock), counted in the
 * zone's cma_pages and managed pages.
 */
final class Cma {
    /** CMA_MIN_ALIGNMENT_BYTES: a pageblock (since 5.19). */
    static final long ALIGN = (long) Mm.PAGEBLOCK_NR_PAGES << Mm.PAGE_SHIFT;
    /** The area, [base, base + size); size 0: none. */
    long base, size;

    static Cma none() { return new Cma(); }

    /** totalcma_pages: the pages of the reserved area (counted when it is reserved, before activation). */
    long totalPages() { return size >>> Mm.PAGE_SHIFT; }

    boolean contains(long pfn) {
        return size > 0 && pfn >= Mm.pfnDown(base) && pfn < Mm.pfnDown(base + size);
    }

    /** early_cma: {size, base, limit} of the last cma= word (-1 size: none). Checked by the machine parser. */
    static long[] parse(BootOptions o) {
        String v = null;
        for (String w : o.words().isEmpty() ? List.of(o.cmdline().split(" +")) : o.words()) {
            if (BootOptions.keyOf(w).equals("cma") && w.indexOf('=') > 0) v = w.substring(w.indexOf('=') + 1);
        }
        if (v == null) return new long[] {-1, 0, 0};
        int at = v.indexOf('@');
        long size = Sizes.parse(at < 0 ? v : v.substring(0, at)), base = 0, limit = 0;
        if (at >= 0) {
            String rest = v.substring(at + 1);
            int dash = rest.indexOf('-');
            base = Sizes.parse(dash < 0 ? rest : rest.substring(0, dash));
            limit = dash < 0 ? base + size : Sizes.parse(rest.substring(dash + 1));
        }
        return new long[] {size, base, limit};
    }

    /**
     * dma_contiguous_reserve(limit) with the command line's area: cma_declare_contiguous_nid's alignment, the
     * bottom-up try above 4 GiB when memory reaches 4 GiB + size, else top-down below the limit; its log lines.
     */
    static Cma reserve(Memblock mb, KernelLog log, BootOptions o, KernelConfig c, long archLimit) {
        Cma cma = new Cma();
        if (!c.dmaCma()) return cma;
        long[] p = parse(o);
        long size = p[0], base = p[1], limitCmd = p[2];
        if (size <= 0) return cma;
        boolean fixed = base + size == limitCmd && base != 0;
        long limit = limitCmd != 0 ? Math.min(limitCmd, archLimit) : archLimit;
        String onNode = c.version().equals("6.1") ? "" : " on node -1";
        String failed = String.format(Locale.ROOT, "cma: Failed to reserve %d MiB%s", size >> 20, onNode);
        if (fixed && (base & (ALIGN - 1)) != 0) {
            log.log(String.format(Locale.ROOT, "cma: Region at 0x%016x must be aligned to 0x%016x bytes", base, ALIGN));
            log.log(failed);
            return cma;
        }
        base = Mm.alignUp(base, ALIGN);
        size = Mm.alignUp(size, ALIGN);
        limit &= ~(ALIGN - 1);
        long memblockEnd = mb.endOfDram();
        if (limit == 0 || limit > memblockEnd) limit = memblockEnd;
        if (base + size > limit) {
            log.log(String.format(Locale.ROOT, "cma: Size (0x%016x) of region at 0x%016x exceeds limit (0x%016x)", size,
                    base, limit));
            log.log(failed);
            return cma;
        }
        long addr = 0;
        if (fixed) {
            if (mb.isRegionReserved(base, size) || mb.caller("cma_declare_contiguous_nid")
                    .reserve(base, size) < 0) {
                log.log(failed);
                return cma;
            }
            addr = base;
        } else {
            // bottom-up above 4 GiB first, so that compaction moves pages out of the area, never into it
            if (!mb.bottomUp() && memblockEnd >= (4L << 30) + size) {
                mb.setBottomUp(true);
                addr = allocRangeNid(mb, size, ALIGN, 4L << 30, limit);
                mb.setBottomUp(false);
            }
            if (addr == 0) addr = allocRangeNid(mb, size, ALIGN, base, limit);
            if (addr == 0) {
                log.log(failed);
                return cma;
            }
        }
        cma.base = addr;
        cma.size = size;
        log.log(String.format(Locale.ROOT, "cma: Reserved %d MiB at 0x%016x%s", size >> 20, addr, onNode));
        return cma;
    }

    /** memblock_alloc_range_nid(size, align, start, end, NUMA_NO_NODE, exact_nid): logs only its reservation. */
    private static long allocRangeNid(Memblock mb, long size, long align, long start, long end) {
        if (mb instanceof MemblockImpl mi) return mi.allocRangeNid(size, align, start, end, Mm.NUMA_NO_NODE, true);
        return mb.physAllocRange(size, align, start, end);
    }

    /**
     * cma_activate_area: the area must lie in one zone (else "CMA area reserved could not be activated" and its pages
     * are freed as ordinary ones); each pageblock turns MIGRATE_CMA and is freed to the buddy, counted in the zone's
     * managed pages and cma_pages (init_cma_reserved_pageblock, adjust_managed_page_count).
     */
    void activate(Kernel k) {
        if (size == 0) return;
        long s = Mm.pfnDown(base), e = Mm.pfnDown(base + size);
        Zone z = k.zoneOf(s);
        boolean oneZone = z != null;
        for (long pfn = s; oneZone && pfn < e; pfn += Mm.PAGEBLOCK_NR_PAGES) oneZone = k.zoneOf(pfn) == z
                && k.zoneOf(Math.min(e, pfn + Mm.PAGEBLOCK_NR_PAGES) - 1) == z;
        if (!oneZone) {
            k.log.log("cma: CMA area reserved could not be activated");
            k.pageAlloc.freeReservedArea(s, e);
            size = 0;
            return;
        }
        for (long pfn = s; pfn < e; pfn += Mm.PAGEBLOCK_NR_PAGES) {
            synchronized (z) { k.mm.setPageblockMt(pfn, MigrateType.CMA.ordinal()); }
            k.pageAlloc.freeReservedArea(pfn, pfn + Mm.PAGEBLOCK_NR_PAGES);
            synchronized (z) { z.cmaPages += Mm.PAGEBLOCK_NR_PAGES; }
        }
    }
}
