package mm.core.internal.mm;

import java.util.Locale;
import mm.core.api.CallStack;
import mm.core.api.Gfp;
import mm.core.api.Mm;
import mm.core.api.ZoneType;
import mm.machine.api.Machine;
import mm.machine.api.Sizes;

/**
 * kernel/dma/pool.c at postcore_initcall: dma_atomic_pool_init preallocates the three atomic DMA pools from the page
 * allocator — GFP_KERNEL always, GFP_KERNEL|GFP_DMA when ZONE_DMA has managed pages (has_managed_dma), and
 * GFP_KERNEL|GFP_DMA32 (x86-64 builds ZONE_DMA32). Without {@code coherent_pool=} a pool is 128 KiB per GiB of
 * RAM, at least 128 KiB, at most MAX_ORDER_NR_PAGES; atomic_pool_expand allocates it as one block of
 * get_order(size), capped at MAX_PAGE_ORDER, retrying one order lower until an allocation succeeds.
 */
final class DmaPool {
    /** The real call stack of the pools' pages in a 6.12 page_owner dump (x86-64, Debian build). */
    private static final CallStack STACK = CallStack.of("get_page_from_freelist+0x330/0x1660",
            "__alloc_pages_noprof+0x169/0x310", "alloc_pages_mpol_noprof+0x8f/0x1e0", "atomic_pool_expand+0x57/0x160",
            "__dma_atomic_pool_init+0x49/0xb0", "dma_atomic_pool_init+0x13d/0x160", "do_one_initcall+0x5b/0x320",
            "kernel_init_freeable+0x31b/0x460", "kernel_init+0x1a/0x1c0", "ret_from_fork+0x34/0x50",
            "ret_from_fork_asm+0x1a/0x30");

    private DmaPool() {}

    /** The default pool size in bytes for totalram_pages() = {@code totalram}. */
    static long defaultSize(long totalram) {
        long pages = Math.min(totalram / ((1L << 30) / (128L << 10)), Mm.MAX_ORDER_NR_PAGES);
        return Math.max(pages << Mm.PAGE_SHIFT, 128L << 10);
    }

    /** get_order: the smallest order whose block holds {@code bytes}. */
    static int getOrder(long bytes) {
        long pages = Math.max(1, (bytes + Mm.PAGE_SIZE - 1) >>> Mm.PAGE_SHIFT);
        return 64 - Long.numberOfLeadingZeros(pages - 1);
    }

    static void atomicPoolInit(Kernel k, Machine m, KernelLog log) {
        String cp = m.options().extra().get("coherent_pool");
        long parsed = cp == null ? -1 : Sizes.parse(cp);
        long size = parsed > 0 ? parsed : defaultSize(k.managedPages());
        expand(k, log, size, Gfp.GFP_KERNEL, "GFP_KERNEL");
        boolean managedDma = false;
        for (Node n : k.nodes) for (Zone z : n.zones) if (z.type == ZoneType.DMA && z.managed > 0) managedDma = true;
        if (managedDma) expand(k, log, size, Gfp.GFP_KERNEL | Gfp.GFP_DMA, "GFP_KERNEL|GFP_DMA");
        expand(k, log, size, Gfp.GFP_KERNEL | Gfp.GFP_DMA32, "GFP_KERNEL|GFP_DMA32");
    }

    /** __dma_atomic_pool_init + atomic_pool_expand for one pool. */
    private static void expand(Kernel k, KernelLog log, long size, int gfp, String gfpName) {
        int order = Math.min(getOrder(size), Mm.MAX_PAGE_ORDER);
        long pfn;
        do {
            pfn = k.pageAlloc.alloc(order, gfp | Gfp.__GFP_NOWARN, -1, STACK);
        } while (pfn < 0 && order-- > 0);
        if (pfn < 0) {
            log.log(String.format(Locale.ROOT, "DMA: failed to allocate %d KiB %s pool for atomic allocation",
                    size >> 10, gfpName));
            return;
        }
        k.atomicPools.add(new long[] {pfn, order});
        log.log(String.format(Locale.ROOT, "DMA: preallocated %d KiB %s pool for atomic allocations",
                (Mm.PAGE_SIZE << order) >> 10, gfpName));
    }
}
