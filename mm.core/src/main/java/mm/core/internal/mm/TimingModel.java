package mm.core.internal.mm;

import mm.core.api.Mm;
import mm.machine.api.Machine;

/**
 * The modelled kernel time of deferred struct page init on the emulated hardware (docs/timing-model.md). One set
 * of equations; each machine description carries its hardware parameters ({@code timing KEY VALUE}):
 * <pre>
 *   work/page (ns)   = init_ns_per_page + free_ns_per_page            (per-node, multithreaded)
 *                    + pfn_check_ns_per_page + cold_walk_ns_per_page   (two-pass adds its checks and its cold 2nd walk)
 *   effective CPUs   = min(N, cores) + ht_gain * max(0, min(N, cpus) - cores),   cores = cpus / threads_per_core
 *   compute          = pages * work / effective CPUs
 *   memory           = pages * STRUCT_PAGE_SIZE / mem_bw_gbps          (streaming the struct pages through the node's
 *                                                                      memory controllers, shared by all threads)
 *   T(node)          = compute + memory + N * thread_start_us
 * </pre>
 * N is 1 for two-pass and per-node, the helper-thread count for multithreaded.
 */
public final class TimingModel {
    private TimingModel() {}

    public static double param(Machine m, String key, double dflt) { return m.timing(key, dflt); }

    /**
     * The default of {@code smp_boot_ms}, the kernel time from time_init to page_alloc_init_late (SMP bring-up and
     * the early initcalls): 939 ms on the reference boot (refdata qemu-2g-1node, a 2-CPU QEMU TCG guest: its node's
     * deferred pages were done at 0.979 s after 40 ms).
     */
    public static final double SMP_BOOT_MS = 939;

    /** Modelled ms for deferred init of {@code pages} pages of node n under {@code variant}. */
    public static double deferredInitMs(Machine m, String variant, Node n, long pages) {
        int threads = variant.equals("multithreaded") ? helperThreads(m, n) : 1;
        return deferredInitMs(m, variant, n.cpus, threads, pages);
    }

    public static int helperThreads(Machine m, Node n) {
        double t = m.timing("deferred_threads", -1);
        return t > 0 ? (int) t : Math.max(1, n.cpus);
    }

    public static double deferredInitMs(Machine m, String variant, int cpus, int threads, long pages) {
        double work = param(m, "init_ns_per_page", 7.0) + param(m, "free_ns_per_page", 2.5);
        if (variant.equals("two-pass"))
            work += param(m, "pfn_check_ns_per_page", 12.0) + param(m, "cold_walk_ns_per_page", 14.7);
        double tpc = Math.max(1, param(m, "threads_per_core", 2));
        double cores = Math.max(1, cpus / tpc);
        double n = Math.max(1, threads);
        double eff = Math.min(n, cores) + param(m, "ht_gain", 0.3) * Math.max(0, Math.min(n, Math.max(cpus, 1)) - cores);
        double computeNs = pages * work / Math.max(1, eff);
        double memNs = pages * (double) Mm.STRUCT_PAGE_SIZE / param(m, "mem_bw_gbps", 40.0);
        double startNs = n * param(m, "thread_start_us", 5.0) * 1000;
        return (computeNs + memNs + startNs) / 1e6;
    }
}
