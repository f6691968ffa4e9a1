package mm.core.internal.mm;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import mm.core.api.CallStack;
import mm.core.api.Gfp;
import mm.core.api.Mm;
import mm.machine.api.BootOptions;
import mm.machine.api.Sizes;

/**
 * mm/hugetlb.c at boot: the huge page sizes of x86-64 (1 GiB, registered by gigantic_pages_init at arch_initcall on a
 * CPU with GB pages, then the 2 MiB default at hugetlb_init), and hugetlb_init's pool of 2 MiB pages allocated
 * from the buddy (subsys_initcall), spread round robin over the nodes with memory as hugetlb_hstate_alloc_pages
 * does. The command line's hugepagesz= / hugepages= / default_hugepagesz= choose the counts (1 GiB pages allocated
 * at boot come from memblock and are not modelled: machine files refuse them).
 */
final class Hugetlb {
    static final long SZ_2M = 2L << 20, SZ_1G = 1L << 30;
    static final int ORDER_2M = 9;

    private static final CallStack STACK;
    static {
        List<String> f = new ArrayList<>();
        for (String x : new String[] {"get_page_from_freelist", "__alloc_pages_noprof", "__folio_alloc_noprof",
                "only_alloc_fresh_hugetlb_folio", "alloc_pool_huge_folio", "hugetlb_pages_alloc_boot_node",
                "padata_do_multithreaded", "hugetlb_hstate_alloc_pages", "hugetlb_init", "do_one_initcall",
                "kernel_init_freeable", "kernel_init", "ret_from_fork", "ret_from_fork_asm"}) f.add(CallStack.symbol(x));
        STACK = CallStack.of(f.toArray(new String[0]));
    }

    /** The pool's blocks ({pfn, order}) and the default huge page size. */
    final List<long[]> pool = new java.util.concurrent.CopyOnWriteArrayList<>();
    long defaultSize = SZ_2M;

    private Hugetlb() {}

    static Hugetlb none() { return new Hugetlb(); }

    /** Pages of 2 MiB requested by the command line, read in its order (as hugepages_setup sees the words). */
    static long requested2M(BootOptions o, long[] defaultSizeOut) {
        long current = 0, dflt = SZ_2M, count = 0;
        for (String w : o.words().isEmpty() ? List.of(o.cmdline().split(" +")) : o.words()) {
            String key = BootOptions.keyOf(w);
            String v = w.indexOf('=') < 0 ? null : w.substring(w.indexOf('=') + 1);
            if (v == null) continue;
            switch (key) {
                case "hugepagesz" -> current = Sizes.parse(v);
                case "default_hugepagesz" -> dflt = Sizes.parse(v);
                case "hugepages" -> {
                    long sz = current > 0 ? current : dflt;
                    if (sz == SZ_2M && v.matches("[0-9]{1,9}")) count = Long.parseLong(v);
                }
                default -> { }
            }
        }
        defaultSizeOut[0] = dflt == SZ_1G ? SZ_1G : SZ_2M;
        return count;
    }

    /** hugetlb_init: allocates the 2 MiB pool and prints what each size has. */
    static Hugetlb init(Kernel k, BootOptions o, KernelLog log) {
        Hugetlb h = new Hugetlb();
        long[] dflt = new long[1];
        long want = requested2M(o, dflt);
        h.defaultSize = dflt[0];
        List<Node> withMemory = new ArrayList<>();
        for (Node n : k.nodes) if (n.presentPages > 0) withMemory.add(n);
        int gfp = Gfp.GFP_HIGHUSER_MOVABLE | Gfp.__GFP_COMP | Gfp.__GFP_RETRY_MAYFAIL | Gfp.__GFP_NOWARN
                | Gfp.__GFP_THISNODE;
        boolean[] exhausted = new boolean[withMemory.size()];
        int left = withMemory.size(), next = 0;
        while (h.pool.size() < want && left > 0) {
            int i = next++ % withMemory.size();
            if (exhausted[i]) continue;
            long pfn = k.pageAlloc.alloc(ORDER_2M, gfp, withMemory.get(i).nid, STACK);
            if (pfn < 0) { exhausted[i] = true; left--; continue; }
            h.pool.add(new long[] {pfn, ORDER_2M});
        }
        if (h.pool.size() < want) log.log(String.format(Locale.ROOT,
                "HugeTLB: allocating %d of page size %s failed.  Only allocated %d hugepages.", want, name(SZ_2M),
                h.pool.size()));
        // report_hugepages, in the order the sizes were registered
        log.log("HugeTLB: registered " + name(SZ_1G) + " page size, pre-allocated 0 pages");
        log.log(String.format(Locale.ROOT, "HugeTLB: %d KiB vmemmap can be freed for a %s page", vmemmapFreeKib(SZ_1G),
                name(SZ_1G)));
        log.log(String.format(Locale.ROOT, "HugeTLB: registered %s page size, pre-allocated %d pages", name(SZ_2M),
                h.pool.size()));
        log.log(String.format(Locale.ROOT, "HugeTLB: %d KiB vmemmap can be freed for a %s page", vmemmapFreeKib(SZ_2M),
                name(SZ_2M)));
        return h;
    }

    /** hugetlb_vmemmap_optimizable_size: a huge page's struct pages but the one page HVO keeps. */
    static long vmemmapFreeKib(long size) {
        return ((size / Mm.PAGE_SIZE) * Mm.STRUCT_PAGE_SIZE - Mm.PAGE_SIZE) / 1024;
    }

    /** string_get_size's spelling: "2.00 MiB", "1.00 GiB". */
    static String name(long size) {
        return size >= SZ_1G ? String.format(Locale.ROOT, "%.2f GiB", size / (double) SZ_1G)
                : String.format(Locale.ROOT, "%.2f MiB", size / (double) SZ_2M * 2);
    }

    /** HugePages_Total of the default size, and the pages of all huge pages (meminfo's Hugetlb). */
    long totalDefault() { return defaultSize == SZ_2M ? pool.size() : 0; }

    long hugetlbPages() { return (long) pool.size() << ORDER_2M; }
}
