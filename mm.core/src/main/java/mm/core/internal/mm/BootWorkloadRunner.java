package mm.core.internal.mm;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import mm.core.api.CallStack;
import mm.core.api.Gfp;
import mm.core.api.Task;
import mm.core.hook.BootPhase;
import mm.machine.api.BootWorkload;

/**
 * The deterministic boot workload (BootWorkload): in each window, page allocations from the kernel's boot-time call
 * sites (docs/boot-workload.md), each with its GFP mask, its task and the node the kernel would use:
 * <ul>
 * <li>{@link Where#BOOT_CPU}: start_kernel's own allocations on the boot CPU under the default (local) policy, and
 * any allocation that names no node before numa_policy_init: the boot CPU's node;</li>
 * <li>{@link Where#EACH_NODE}: per-node structures (kmem_cache_node slabs, per-node workqueue pools): one share on
 * every node with memory, allocated on that node;</li>
 * <li>{@link Where#EACH_CPU}: what is made for every CPU (the idle threads' stacks, fork_idle; the per-cpu kthreads
 * cpuhp/N, ksoftirqd/N, migration/N and their slabs; the per-cpu chunk's pages of each unit): on that CPU's node,
 * by that CPU's task;</li>
 * <li>{@link Where#POLICY}: init's own allocations (kernel_init_freeable, the initcalls), which name no node: under
 * the boot tasks' MPOL_INTERLEAVE (numa_policy_init .. numa_default_policy) they go round robin over the nodes with
 * memory, after it to the running CPU's node.</li>
 * </ul>
 * The window's volume is what the kernel had taken out of the buddy by then: pages allocated or sitting on per-cpu
 * lists, as nr_free_pages() (the Memory: line's "available") counts them. About one allocation in eight is a
 * temporary buffer, freed again soon as real boot code does: when the next temporary is made (the last one when the
 * window ends), by its task on the CPU that allocated it.
 */
public final class BootWorkloadRunner {
    /** Where a site's pages come from (see the class comment). */
    enum Where { BOOT_CPU, EACH_NODE, EACH_CPU, POLICY }

    /**
     * A call site: its own frames (innermost first), the allocator path above it, its GFP mask, what its pages are
     * to the kernel's counters, where it allocates, its share of the window, its order (-1: the machine's order
     * weights) and its task ("%d" is the CPU for per-CPU tasks).
     */
    private record Site(String[] frames, String[] allocator, int gfp, VmStat.Use use, Where where, int weight, int order,
                        String task) {}

    /** The page allocator's own frames of 6.12 (the reference boot's page_owner dump: x86-64, Debian build). */
    private static final String[] MPOL = {"get_page_from_freelist+0x330/0x1660", "__alloc_pages_noprof+0x169/0x310",
        "alloc_pages_mpol_noprof+0x8f/0x1e0"};
    /** alloc_pages_node with a node: __alloc_pages_node goes straight to __alloc_pages (no mempolicy). */
    private static final String[] NODE = {"get_page_from_freelist+0x330/0x1660", "__alloc_pages_noprof+0x169/0x310"};
    private static final String[] SLAB = {"allocate_slab", "___slab_alloc", "__slab_alloc.constprop.0"};
    private static final String[] PAGES = {"__get_free_pages_noprof"};
    private static final String[] NONE = {};
    private static final String[] EARLY_CTX = {"start_kernel", "x86_64_start_reservations", "x86_64_start_kernel",
        "common_startup_64"};
    /** kernel_init's frames as the reference dump prints them (atomic_pool_expand's stack). */
    private static final String[] INIT_CTX = {"kernel_init_freeable+0x31b/0x460", "kernel_init+0x1a/0x1c0",
        "ret_from_fork+0x34/0x50", "ret_from_fork_asm+0x1a/0x30"};
    private static final String[] INITCALL_CTX = {"do_one_initcall+0x5b/0x320", "kernel_init_freeable+0x31b/0x460",
        "kernel_init+0x1a/0x1c0", "ret_from_fork+0x34/0x50", "ret_from_fork_asm+0x1a/0x30"};
    private static final String[] KTHREAD_CTX = {"smpboot_thread_fn", "kthread", "ret_from_fork+0x34/0x50",
        "ret_from_fork_asm+0x1a/0x30"};
    /** A user page fault's frames, as the reference dump prints them. */
    private static final String[] FAULT_CTX = {"handle_mm_fault+0x180/0x2d0", "do_user_addr_fault+0x20c/0x6a0",
        "exc_page_fault+0x76/0x190", "asm_exc_page_fault+0x26/0x30"};

    private static final int K = Gfp.GFP_KERNEL, KZ = Gfp.GFP_KERNEL | Gfp.__GFP_ZERO,
            KR = Gfp.GFP_KERNEL | Gfp.__GFP_RECLAIMABLE, KA = Gfp.GFP_KERNEL_ACCOUNT | Gfp.__GFP_ZERO,
            NW = Gfp.GFP_NOWAIT | Gfp.__GFP_NOWARN, U = Gfp.GFP_HIGHUSER_MOVABLE | Gfp.__GFP_COMP,
            UZ = Gfp.GFP_HIGHUSER_MOVABLE | Gfp.__GFP_COMP | Gfp.__GFP_ZERO;
    private static final String SWAPPER = "swapper/0", INIT = "init";

    private static Site site(String[] frames, String[] alloc, int gfp, VmStat.Use use, Where where, int weight,
                             int order, String task) {
        return new Site(frames, alloc, gfp, use, where, weight, order, task);
    }

    /** mm_core_init up to the early page_ext point: the boot CPU, before any other CPU or node has a task. */
    private static final Site[] EARLY = {
        site(new String[] {"kmem_cache_alloc_noprof", "create_boot_cache", "kmem_cache_init", "mm_core_init"}, SLAB, K, VmStat.Use.SLAB, Where.BOOT_CPU, 4, -1, SWAPPER),
        site(new String[] {"early_kmem_cache_node_alloc", "init_kmem_cache_nodes", "create_boot_cache", "kmem_cache_init", "mm_core_init"}, NONE, K, VmStat.Use.SLAB, Where.EACH_NODE, 2, 0, SWAPPER),
        site(new String[] {"__kmalloc_cache_noprof", "kmem_cache_init", "mm_core_init"}, SLAB, K, VmStat.Use.SLAB, Where.BOOT_CPU, 2, -1, SWAPPER),
        site(new String[] {"__vmalloc_area_node", "__vmalloc_node_range_noprof", "vmalloc_init", "mm_core_init"}, PAGES, KZ, VmStat.Use.VMALLOC, Where.BOOT_CPU, 1, -1, SWAPPER),
        site(new String[] {"pcpu_populate_chunk", "pcpu_balance_populated", "pcpu_balance_workfn"}, PAGES, KZ, VmStat.Use.PERCPU, Where.EACH_CPU, 1, 0, SWAPPER),
    };
    /** From the early page_ext point to page_alloc_init_late: the rest of start_kernel, smp_init, the early initcalls. */
    private static final Site[] MID = {
        site(new String[] {"kmem_cache_alloc_noprof", "sched_init", "start_kernel"}, SLAB, KZ, VmStat.Use.SLAB, Where.BOOT_CPU, 2, -1, SWAPPER),
        site(new String[] {"ftrace_allocate_records", "ftrace_process_locs", "ftrace_init", "start_kernel"}, PAGES, KZ, VmStat.Use.NONE, Where.BOOT_CPU, 6, -1, SWAPPER),
        site(new String[] {"__kmalloc_large_node_noprof", "alloc_desc", "early_irq_init", "start_kernel"}, PAGES, KZ, VmStat.Use.SLAB, Where.BOOT_CPU, 1, -1, SWAPPER),
        site(new String[] {"__kmalloc_noprof", "rcu_init", "start_kernel"}, SLAB, K, VmStat.Use.SLAB, Where.BOOT_CPU, 1, -1, SWAPPER),
        site(new String[] {"alloc_thread_stack_node", "dup_task_struct", "copy_process", "fork_idle", "idle_threads_init", "smp_init"}, NODE, KA, VmStat.Use.KERNEL_STACK, Where.EACH_CPU, 3, 0, INIT),
        site(new String[] {"alloc_thread_stack_node", "dup_task_struct", "copy_process", "kernel_clone", "kthread_create_on_cpu", "__smpboot_create_thread"}, NODE, KA, VmStat.Use.KERNEL_STACK, Where.EACH_CPU, 4, 0, "cpuhp/%d"),
        site(new String[] {"kmem_cache_alloc_node_noprof", "dup_task_struct", "copy_process", "kernel_clone", "kernel_thread"}, SLAB, K, VmStat.Use.SLAB, Where.POLICY, 2, -1, INIT),
        site(new String[] {"__kmalloc_cache_noprof", "alloc_workqueue", "workqueue_init"}, SLAB, KZ, VmStat.Use.SLAB, Where.POLICY, 2, -1, INIT),
        site(new String[] {"kmem_cache_alloc_node_noprof", "init_worker_pool", "workqueue_init"}, SLAB, KZ, VmStat.Use.SLAB, Where.EACH_NODE, 1, 0, INIT),
        site(new String[] {"pcpu_populate_chunk", "pcpu_alloc_noprof", "alloc_workqueue"}, PAGES, KZ, VmStat.Use.PERCPU, Where.EACH_CPU, 1, 0, INIT),
        site(new String[] {"__kmalloc_noprof", "cpuhp_invoke_callback", "cpuhp_thread_fun", "smpboot_thread_fn"}, SLAB, K, VmStat.Use.SLAB, Where.EACH_CPU, 1, -1, "cpuhp/%d"),
        site(new String[] {"kmem_cache_alloc_noprof", "__d_alloc", "d_alloc_pseudo", "alloc_file_pseudo"}, SLAB, KR, VmStat.Use.SLAB, Where.POLICY, 1, -1, INIT),
        site(new String[] {"kmem_cache_alloc_lru_noprof", "alloc_inode", "new_inode", "ramfs_get_inode"}, SLAB, KR, VmStat.Use.SLAB, Where.POLICY, 1, -1, INIT),
        site(new String[] {"__kmalloc_large_noprof", "init_mm_internals"}, PAGES, KZ, VmStat.Use.SLAB, Where.POLICY, 1, -1, INIT),
        site(new String[] {"kmem_cache_alloc_noprof", "acpi_ut_allocate_object_desc_dbg", "acpi_ns_load_table"}, SLAB, K, VmStat.Use.SLAB, Where.POLICY, 2, -1, INIT),
        site(new String[] {"__alloc_percpu_gfp", "pcpu_alloc_noprof", "alloc_vfsmnt", "vfs_create_mount"}, PAGES, KZ, VmStat.Use.PERCPU, Where.POLICY, 1, -1, INIT),
    };
    /**
     * After page_alloc_init_late: the late initcalls and user space (the reference dump's two fault stacks, with
     * their masks). The weights are the shares of what a small system's late boot keeps, as the reference 6.12 boot
     * kept it (an initramfs system: the rootfs is shmem, 486 pages; user space's anonymous memory is small, 39
     * pages; 25 page-table pages; the rest slab (its inodes and dentries reclaimable) and vmalloc, which the late initcalls and module loading use). The
     * first site also tops the window up to its volume (populate_rootfs writes the initramfs before init runs).
     */
    private static final Site[] LATE = {
        site(new String[] {"filemap_alloc_folio_noprof", "__filemap_get_folio", "shmem_alloc_and_add_folio", "shmem_get_folio_gfp"}, NONE, U, VmStat.Use.SHMEM, Where.POLICY, 118, 0, INIT),
        site(new String[] {"vma_alloc_folio_noprof+0x71/0xe0", "do_anonymous_page+0x2bd/0x7d0", "__handle_mm_fault+0xb81/0xff0"}, NONE, UZ, VmStat.Use.ANON, Where.POLICY, 10, 0, INIT),
        site(new String[] {"vma_alloc_folio_noprof+0x71/0xe0", "do_wp_page+0x287/0xc90", "__handle_mm_fault+0xb19/0xff0"}, NONE, U, VmStat.Use.ANON, Where.POLICY, 10, 0, INIT),
        site(new String[] {"kmem_cache_alloc_noprof", "vm_area_dup", "dup_mmap", "copy_process"}, SLAB, K, VmStat.Use.SLAB, Where.POLICY, 170, -1, INIT),
        site(new String[] {"kmem_cache_alloc_lru_noprof", "alloc_inode", "new_inode", "shmem_get_inode"}, SLAB, KR, VmStat.Use.SLAB, Where.POLICY, 50, -1, INIT),
        site(new String[] {"pte_alloc_one", "__pte_alloc", "do_anonymous_page", "__handle_mm_fault"}, PAGES, KA, VmStat.Use.PAGE_TABLE, Where.POLICY, 14, 0, INIT),
        site(new String[] {"__kmalloc_noprof", "populate_rootfs", "do_populate_rootfs", "async_run_entry_fn"}, SLAB, K, VmStat.Use.SLAB, Where.POLICY, 220, -1, INIT),
        site(new String[] {"__alloc_pages_bulk", "__vmalloc_area_node", "__vmalloc_node_range_noprof", "module_alloc"}, NONE, NW, VmStat.Use.VMALLOC, Where.POLICY, 408, 0, INIT),
    };

    private final BootWorkload w;
    private final SplittableRandom rnd;

    public BootWorkloadRunner(BootWorkload w) {
        this.w = w;
        this.rnd = new SplittableRandom(w.seed());
    }

    /** Pages out of the buddy: allocated or on a per-cpu list (managed - NR_FREE_PAGES over every zone). */
    static long outOfBuddy(Kernel k) {
        long n = 0;
        for (Node node : k.nodes) for (Zone z : node.zones) n += z.managed - z.freePages;
        return n;
    }

    /** One allocation kept (or to free before the window ends). */
    private record Held(long pfn, int order, Site site, int cpu) {}

    /** Runs the workload of one window on the given kernel. */
    public void run(Kernel k, BootPhase window) {
        long pages;
        Site[] sites;
        switch (window) {
            case EARLY_ALLOCATIONS -> { pages = w.earlyPages(); sites = EARLY; }
            case MID_ALLOCATIONS -> { pages = w.midPages(); sites = MID; }
            case LATE_BOOT -> { pages = w.latePages(); sites = LATE; }
            default -> throw new IllegalArgumentException("no workload in " + window);
        }
        if (pages <= 0) return;
        int all = EARLY.length + MID.length + LATE.length;
        int nSites = Math.max(1, Math.min(sites.length, w.callers() * sites.length / all + 1));
        Task prev = k.cpus.taskOrNull();
        // before the Memory: line the windows' volumes add up from where the early window began: what others
        // allocated in between (page_ext's tables under early_page_ext) is theirs, but pages a late free put on a
        // per-cpu list in between (free_reserved_area) are out of the buddy for the Memory: line too, as in the kernel
        if (window == BootPhase.EARLY_ALLOCATIONS || bootBase < 0) {
            bootBase = outOfBuddy(k) - (window == BootPhase.MID_ALLOCATIONS ? w.earlyPages() : 0);
        } else if (window == BootPhase.MID_ALLOCATIONS && earlyEndAllocated >= 0) {
            bootBase += outOfBuddy(k) - pcpTotal(k) - earlyEndAllocated;
        }
        long base = bootBase, volume = window == BootPhase.MID_ALLOCATIONS ? w.earlyPages() + pages : pages;
        try {
            int total = 0;
            for (int i = 0; i < nSites; i++) total += sites[i].weight();
            List<Held> temporaries = new ArrayList<>();
            long assigned = 0;
            for (int i = 0; i < nSites; i++) {
                long share = i == nSites - 1 ? pages - assigned : pages * sites[i].weight() / total;
                assigned += share;
                allocateSite(k, window, sites[i], share, temporaries);
            }
            long kept = pages;
            for (Held t : temporaries) {
                freeTemporary(k, t);
                kept -= 1L << t.order();
            }
            // the top-up comes from the window's main allocator: start_kernel's in the early window, init's (under
            // its interleave) in the mid one, user space's late
            Site filler = sites[0];
            for (int i = 0; i < nSites && window == BootPhase.MID_ALLOCATIONS; i++) {
                if (sites[i].where() == Where.POLICY) { filler = sites[i]; break; }
            }
            if (window == BootPhase.LATE_BOOT) {
                // user space's pages: the volume is what it allocated and kept
                for (; kept < pages; kept++) one(k, window, filler, 0, target(k, window, filler, 0), true);
            } else {
                // before the Memory: line the volume is what the kernel had out of the buddy (the line's figure):
                // top up with the first site's order-0 pages, and should a per-cpu refill overshoot it, the list is
                // trimmed (decay_pcp_high gives a list's excess back to the buddy in the same way)
                while (outOfBuddy(k) - base < volume) one(k, window, filler, 0, target(k, window, filler, 0), true);
                trimPcp(k, outOfBuddy(k) - base - volume);
            }
            if (window == BootPhase.EARLY_ALLOCATIONS) earlyEndAllocated = outOfBuddy(k) - pcpTotal(k);
        } finally {
            k.cpus.setTask(prev);
        }
    }

    /** Frees a temporary (a freed one has pfn -1): by its task, on the CPU it allocated on (its pagesets). */
    private static void freeTemporary(Kernel k, Held t) {
        if (t.pfn() < 0) return;
        k.vmstat.account(k, t.pfn(), t.order(), t.site().gfp(), t.site().use(), -1);
        int prevCpu = k.cpus.migrate(t.cpu());
        try { k.pageAlloc.free(t.pfn(), t.order()); } finally { k.cpus.migrate(prevCpu); }
    }

    /** A site's share: split over its nodes or CPUs, each part allocated there by its task. */
    private void allocateSite(Kernel k, BootPhase window, Site s, long share, List<Held> temporaries) {
        int parts = switch (s.where()) {
            case EACH_NODE -> nodesWithMemory(k).size();
            case EACH_CPU -> k.cpus.count();
            default -> 1;
        };
        for (int p = 0; p < parts; p++) {
            long part = share / parts + (p < share % parts ? 1 : 0);
            long done = 0;
            while (done < part) {
                int order = s.order() >= 0 ? s.order() : drawOrder();
                if ((s.gfp() & Gfp.__GFP_MOVABLE) != 0) order = 0;
                order = (int) Math.min(order, 63 - Long.numberOfLeadingZeros(Math.max(1, part - done)));
                Held h = one(k, window, s, order, target(k, window, s, p), false);
                done += 1L << order;
                if (rnd.nextInt(8) == 0) {
                    // a temporary buffer lives until the next one is made: real boot code frees its buffers soon,
                    // between other allocations (which keeps a CPU's pcp refills from scaling up as in a pure
                    // burst of allocations, nr_pcp_alloc's alloc_factor)
                    if (!temporaries.isEmpty() && temporaries.get(temporaries.size() - 1).pfn() >= 0) {
                        Held t = temporaries.get(temporaries.size() - 1);
                        freeTemporary(k, t);
                        temporaries.set(temporaries.size() - 1, new Held(-1, t.order(), t.site(), t.cpu()));
                    }
                    temporaries.add(h);
                }
            }
        }
    }

    private int drawOrder() {
        int[] weights = w.orderWeights();
        int total = 0;
        for (int x : weights) total += x;
        if (total <= 0) return 0;
        int order = 0, r = rnd.nextInt(total);
        while (order < weights.length - 1 && r >= weights[order]) { r -= weights[order]; order++; }
        return order;
    }

    private static List<Node> nodesWithMemory(Kernel k) {
        List<Node> out = new ArrayList<>();
        for (Node n : k.nodes) if (n.presentPages > 0) out.add(n);
        return out.isEmpty() ? k.nodes : out;
    }

    /**
     * The node and CPU of part {@code p} of a site: {nid, cpu}; nid -1 for an allocation that names no node (the
     * task's policy decides).
     */
    private static int[] target(Kernel k, BootPhase window, Site s, int p) {
        int bootCpu = 0;
        return switch (s.where()) {
            case BOOT_CPU -> new int[] {k.cpus.cpuNode[bootCpu], bootCpu};
            case EACH_NODE -> new int[] {nodesWithMemory(k).get(p).nid, bootCpu};
            case EACH_CPU -> new int[] {k.cpus.cpuNode[p], p};
            case POLICY -> new int[] {-1, bootCpu};
        };
    }

    private Held one(Kernel k, BootPhase window, Site s, int order, int[] where, boolean filler) {
        int cpu = where[1];
        k.cpus.setTask(task(window, s, cpu));
        CallStack stack = stacks.computeIfAbsent(s, x -> new java.util.EnumMap<>(BootPhase.class))
                .computeIfAbsent(window, x -> stack(s, window));
        long pfn;
        // the allocation runs on its task's CPU, with that CPU's pagesets; before smp_init (the early and mid
        // windows) only the boot CPU runs, and it also creates the other CPUs' threads and per-cpu data
        boolean local = where[0] < 0 && !k.bootInterleave;
        if (window != BootPhase.LATE_BOOT) cpu = 0;
        else if (local) cpu = localCpu(k, window);
        int prevCpu = k.cpus.migrate(cpu);
        try {
            if (where[0] >= 0) pfn = k.pageAlloc.alloc(order, s.gfp(), where[0], stack);
            else if (!local) pfn = k.pageAlloc.allocInterleave(order, s.gfp(), k.interleaveNid(), stack);
            else pfn = k.pageAlloc.alloc(order, s.gfp(), k.cpus.cpuNode[cpu], stack);
        } finally {
            k.cpus.migrate(prevCpu);
        }
        if (pfn < 0) outOfMemory(k);
        if (!filler) k.advanceClock(2_000 + rnd.nextInt(3_000));
        k.vmstat.account(k, pfn, order, s.gfp(), s.use(), 1);
        return new Held(pfn, order, s, cpu);
    }

    private int localRr;
    /** Pages out of the buddy when the early window began (-1: not yet). */
    private long bootBase = -1;
    /** Pages allocated (out of the buddy, not on a per-cpu list) when the early window ended (-1: not yet). */
    private long earlyEndAllocated = -1;

    private static long pcpTotal(Kernel k) {
        long n = 0;
        for (Node node : k.nodes) for (Zone z : node.zones) n += k.pageAlloc.pcpPages(z);
        return n;
    }
    private final java.util.Map<Site, java.util.Map<BootPhase, CallStack>> stacks = new java.util.IdentityHashMap<>();

    /**
     * The CPU of a task without a node preference, whose node is its local node: the boot CPU before other CPUs
     * run; after numa_default_policy, user space runs on every CPU, so its faults go to each CPU (its pagesets and
     * its node) in turn.
     */
    private int localCpu(Kernel k, BootPhase window) {
        if (window != BootPhase.LATE_BOOT) return 0;
        return Math.floorMod(localRr++, k.cpus.cpuNode.length);
    }

    private static Task task(BootPhase window, Site s, int cpu) {
        if (window == BootPhase.LATE_BOOT) return new Task(1, 1, "init");
        if (s.task().equals(SWAPPER)) return Task.SWAPPER;
        if (s.task().equals(INIT)) return Task.INIT;
        // the per-cpu kthreads: smpboot creates cpuhp/N, ksoftirqd/N, migration/N... one after another per CPU
        int pid = 19 + 6 * cpu;
        return new Task(pid, pid, String.format(s.task(), cpu));
    }

    /** free_pcppages_bulk of {@code n} pages from the per-cpu lists (as decay_pcp_high trims a list above its high). */
    private static void trimPcp(Kernel k, long n) {
        for (Node node : k.nodes) {
            for (Zone z : node.zones) {
                if (n <= 0) return;
                long[] left = {n};
                z.forEachPcp((cpu, p) -> {
                    if (left[0] <= 0) return;
                    p.lock();
                    try {
                        int take = (int) Math.min(left[0], p.count);
                        k.pageAlloc.drainPcpLocked(z, p, take, 0);
                        left[0] -= take;
                    } finally {
                        p.unlock();
                    }
                });
                n = left[0];
            }
        }
    }

    /**
     * The boot's own allocations cannot be had: the machine cannot boot. The kernel's allocation fails (the failure
     * report is logged), the OOM killer finds nothing it may kill while only init and the kernel's threads run, and
     * the kernel panics; mmkit refuses the boot with that sentence and the previous boot stays.
     */
    private static void outOfMemory(Kernel k) {
        k.log.log("Out of memory and no killable processes...");
        SetupArch.panic("System is deadlocked on memory (the boot's own allocations need more memory than the machine"
                + " has free)");
    }

    /** The site's stack: the allocator's frames, the site's, then its context (start_kernel, an initcall, a fault). */
    private static CallStack stack(Site s, BootPhase window) {
        List<String> f = new ArrayList<>();
        boolean node = s.where() == Where.EACH_NODE || s.where() == Where.EACH_CPU || s.allocator() == NODE;
        for (String x : node ? NODE : MPOL) f.add(x);
        for (String x : s.allocator() == NODE ? NONE : s.allocator()) f.add(CallStack.symbol(x));
        for (String x : s.frames()) f.add(CallStack.symbol(x));
        String[] ctx = switch (window) {
            case EARLY_ALLOCATIONS -> EARLY_CTX;
            case LATE_BOOT -> FAULT_CTX;
            default -> s.task().equals(SWAPPER) ? EARLY_CTX : s.task().equals(INIT)
                    ? (s.frames()[s.frames().length - 1].endsWith("_init") ? INIT_CTX : INITCALL_CTX) : KTHREAD_CTX;
        };
        for (String x : ctx) f.add(CallStack.symbol(x));
        return CallStack.of(f.toArray(new String[0]));
    }
}
