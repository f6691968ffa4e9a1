package mm.core.internal.mm;

import java.util.ArrayList;
import java.util.List;
import mm.core.api.Memblock;
import mm.core.api.Mm;
import mm.core.api.PageFlags;

/**
 * memblock_free_all (mm/memblock.c): reset the zones' managed pages, memmap_init_reserved_pages, then every free
 * memblock range into the buddy in the largest naturally aligned chunks (__free_pages_memory), skipping the part
 * of each node deferred init will free.
 */
final class MemblockFreeAll {
    private final Memblock mb;
    private final BootHooks hooks;
    private final Kernel k;
    private final MmInit mmInit;

    MemblockFreeAll(Memblock mb, BootHooks hooks, Kernel k, MmInit mmInit) {
        this.mb = mb;
        this.hooks = hooks;
        this.k = k;
        this.mmInit = mmInit;
    }

    /**
     * Returns the deferred-init primitives over the free ranges above first_deferred_pfn (snapshotted here: memblock
     * is discarded later), which also serve deferred_grow_zone from now on.
     */
    DeferredOps run() {
        for (Zone z : k.zones()) z.managed = 0;
        memmapInitReservedPages();
        for (Memblock.Range r : mb.freeRanges(Mm.NUMA_NO_NODE, Memblock.FLAG_NONE, false)) {
            long s = Mm.pfnUp(r.start()), e = Math.min(Mm.pfnDown(r.end()), k.maxPfn);
            freePagesMemory(s, e);
        }
        // snapshot the free ranges deferred init and deferred_grow_zone walk (memblock is discarded later)
        List<List<long[]>> perNode = new ArrayList<>();
        for (Node n : k.nodes) {
            List<long[]> ranges = new ArrayList<>();
            if (n.firstDeferredPfn != Node.NO_DEFERRED) {
                for (Memblock.Range r : mb.freeRanges(n.nid, Memblock.FLAG_NONE, false)) {
                    long s = Math.max(Mm.pfnUp(r.start()), n.firstDeferredPfn), e = Math.min(Mm.pfnDown(r.end()), n.endPfn);
                    if (s < e) ranges.add(new long[] {s, e});
                }
            }
            perNode.add(ranges);
        }
        DeferredOps deferredOps = new DeferredOps(k, hooks, perNode);
        k.pageAlloc.grower = deferredOps::growZone;
        k.memblock = mb;
        return deferredOps;
    }

    /** memmap_init_reserved_pages / reserve_bootmem_region: reserved ranges become PG_reserved struct pages. */
    private void memmapInitReservedPages() {
        for (Memblock.Region r : mb.memory()) {
            if ((r.flags() & Memblock.FLAG_NOMAP) != 0) mmInit.reserveBootmemRegion(r.base(), r.end(), r.nid());
        }
        for (Memblock.Region r : mb.reserved()) mmInit.reserveBootmemRegion(r.base(), r.end(), -1);
    }

    /**
     * Compact storage: a whole section that memmap init left identical (initialised for one zone, nothing else set,
     * refcount 1, one pageblock type), below the node's deferral, is freed as a uniformly free section: the state
     * and the list order of __free_pages_core(FPI_TO_TAIL) of each of its MAX_PAGE_ORDER blocks, O(1) heap.
     */
    private boolean freeIdenticalSection(MemmapImpl.Section sec, long start) {
        if (sec == null || !sec.identical || (start & MemmapImpl.MASK) != 0) return false;
        long f = sec.flags[0];
        if (f != (MemmapImpl.INIT | PageFlags.links(PageFlags.nid(f), PageFlags.zoneIdx(f))) || sec.refcount[0] != 1
                || sec.lru[0] != 0) return false;
        Zone z = k.pageZone(f);
        Node n = k.node(z.nid);
        if (start < z.zoneStartPfn || start + Mm.PAGES_PER_SECTION > z.endPfn()
                || start + Mm.PAGES_PER_SECTION > n.firstDeferredPfn) return false;
        byte mt = sec.pageblockMt[0];
        for (byte b : sec.pageblockMt) if (b != mt) return false;
        z.freeUniformSection(sec, mt, true);
        return true;
    }

    /** __free_pages_memory: the largest naturally aligned chunks, skipping the deferred part of each node. */
    private void freePagesMemory(long start, long end) {
        while (start < end) {
            int order = start == 0 ? Mm.MAX_PAGE_ORDER : Math.min(Mm.MAX_PAGE_ORDER, Long.numberOfTrailingZeros(start));
            while (start + (1L << order) > end) order--;
            MemmapImpl.Section sec = k.mm.section(start);
            if (end - start >= Mm.PAGES_PER_SECTION && freeIdenticalSection(sec, start)) {
                start += Mm.PAGES_PER_SECTION;
                continue;
            }
            long f = sec == null ? 0 : sec.flags[(int) (start & MemmapImpl.MASK)];
            if ((f & MemmapImpl.INIT) != 0) {
                Zone z = k.pageZone(f);
                Node n = k.node(z.nid);
                if (start < n.firstDeferredPfn) z.freePagesCore(start, order);
            }
            start += 1L << order;
        }
    }
}
