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
 * The deterministic boot workload (BootWorkload): in each window, page allocations from a fixed set of call sites
 * shaped like a real boot (slab pages, kernel stacks, page tables, per-cpu chunks, hash tables, user pages late),
 * spread over nodes by managed memory, orders drawn from the machine's weights. About one allocation in eight is a
 * temporary buffer freed again before the window ends, as real boot code does.
 */
public final class BootWorkloadRunner {
    /**
     * A call site: its own frames (innermost first), the allocator path above it, its GFP mask, and what its pages
     * are to the kernel's counters (the caller accounts them, as account_slab or account_kernel_stack do).
     */
    private record Site(String[] frames, String[] allocator, int gfp, VmStat.Use use) {}

    private static final String[] SLAB = {"allocate_slab", "___slab_alloc", "__slab_alloc.constprop.0"};
    private static final String[] PAGES = {"__get_free_pages_noprof"};
    private static final String[] PREFIX = {"get_page_from_freelist", "__alloc_pages_noprof", "alloc_pages_mpol_noprof"};
    private static final String[] EARLY_CTX = {"start_kernel", "x86_64_start_reservations", "x86_64_start_kernel",
        "common_startup_64"};
    private static final String[] MID_CTX = {"kernel_init_freeable", "kernel_init", "ret_from_fork", "ret_from_fork_asm"};
    private static final String[] INITCALL_CTX = {"do_one_initcall", "kernel_init_freeable", "kernel_init",
        "ret_from_fork", "ret_from_fork_asm"};
    private static final String[] USER_CTX = {"handle_mm_fault", "do_user_addr_fault", "exc_page_fault",
        "asm_exc_page_fault"};

    private static final int K = Gfp.GFP_KERNEL, KZ = Gfp.GFP_KERNEL | Gfp.__GFP_ZERO,
            KR = Gfp.GFP_KERNEL | Gfp.__GFP_RECLAIMABLE, KA = Gfp.GFP_KERNEL_ACCOUNT | Gfp.__GFP_ZERO,
            NW = Gfp.GFP_NOWAIT | Gfp.__GFP_NOWARN, U = Gfp.GFP_HIGHUSER_MOVABLE | Gfp.__GFP_COMP,
            UZ = Gfp.GFP_HIGHUSER_MOVABLE | Gfp.__GFP_COMP | Gfp.__GFP_ZERO;

    private static final Site[] EARLY = {
        new Site(new String[] {"kmem_cache_alloc_noprof", "create_boot_cache", "kmem_cache_init", "mm_core_init"}, SLAB, K, VmStat.Use.SLAB),
        new Site(new String[] {"__kmalloc_cache_noprof", "kmem_cache_init", "mm_core_init"}, SLAB, K, VmStat.Use.SLAB),
        new Site(new String[] {"pcpu_populate_chunk", "pcpu_balance_populated", "pcpu_balance_workfn"}, PAGES, KZ, VmStat.Use.PERCPU),
        new Site(new String[] {"ftrace_allocate_records", "ftrace_process_locs", "ftrace_init"}, PAGES, KZ, VmStat.Use.NONE),
        new Site(new String[] {"__vmalloc_area_node", "__vmalloc_node_range_noprof", "vmalloc_init", "mm_core_init"}, PAGES, KZ, VmStat.Use.VMALLOC),
        new Site(new String[] {"kmem_cache_alloc_noprof", "sched_init"}, SLAB, KZ, VmStat.Use.SLAB),
        new Site(new String[] {"__kmalloc_noprof", "rcu_init"}, SLAB, K, VmStat.Use.SLAB),
        new Site(new String[] {"pte_alloc_one", "__pte_alloc_kernel", "vmap_range_noflush", "ioremap_page_range"}, PAGES, KZ, VmStat.Use.NONE),
        new Site(new String[] {"kmem_cache_alloc_noprof", "radix_tree_node_alloc", "idr_get_free", "idr_alloc_u32"}, SLAB, K, VmStat.Use.SLAB),
        new Site(new String[] {"__kmalloc_large_node_noprof", "alloc_desc", "early_irq_init"}, PAGES, KZ, VmStat.Use.SLAB),
    };
    private static final Site[] MID = {
        new Site(new String[] {"alloc_thread_stack_node", "dup_task_struct", "copy_process", "fork_idle", "idle_threads_init", "smp_init"}, PAGES, KA, VmStat.Use.KERNEL_STACK),
        new Site(new String[] {"kmem_cache_alloc_node_noprof", "dup_task_struct", "copy_process", "kernel_clone", "kernel_thread"}, SLAB, K, VmStat.Use.SLAB),
        new Site(new String[] {"alloc_thread_stack_node", "dup_task_struct", "copy_process", "kernel_clone", "kernel_thread", "kthreadd"}, PAGES, KA, VmStat.Use.KERNEL_STACK),
        new Site(new String[] {"__kmalloc_cache_noprof", "alloc_workqueue", "workqueue_init"}, SLAB, KZ, VmStat.Use.SLAB),
        new Site(new String[] {"pcpu_populate_chunk", "pcpu_alloc_noprof", "alloc_workqueue"}, PAGES, KZ, VmStat.Use.PERCPU),
        new Site(new String[] {"kmem_cache_alloc_noprof", "__d_alloc", "d_alloc_pseudo", "alloc_file_pseudo"}, SLAB, KR, VmStat.Use.SLAB),
        new Site(new String[] {"kmem_cache_alloc_lru_noprof", "alloc_inode", "new_inode", "ramfs_get_inode"}, SLAB, KR, VmStat.Use.SLAB),
        new Site(new String[] {"__kmalloc_noprof", "cpuhp_invoke_callback", "cpuhp_thread_fun", "smpboot_thread_fn"}, SLAB, K, VmStat.Use.SLAB),
        new Site(new String[] {"pte_alloc_one", "__pte_alloc", "copy_pte_range", "copy_page_range"}, PAGES, KA, VmStat.Use.PAGE_TABLE),
        new Site(new String[] {"__kmalloc_large_noprof", "init_mm_internals"}, PAGES, KZ, VmStat.Use.SLAB),
        new Site(new String[] {"kmem_cache_alloc_noprof", "acpi_ut_allocate_object_desc_dbg", "acpi_ns_load_table"}, SLAB, K, VmStat.Use.SLAB),
        new Site(new String[] {"__alloc_percpu_gfp", "pcpu_alloc_noprof", "alloc_vfsmnt", "vfs_create_mount"}, PAGES, KZ, VmStat.Use.PERCPU),
    };
    private static final Site[] LATE = {
        new Site(new String[] {"vma_alloc_folio_noprof", "do_anonymous_page", "__handle_mm_fault"}, new String[0], UZ, VmStat.Use.ANON),
        new Site(new String[] {"vma_alloc_folio_noprof", "do_wp_page", "__handle_mm_fault"}, new String[0], U, VmStat.Use.ANON),
        new Site(new String[] {"filemap_alloc_folio_noprof", "__filemap_get_folio", "shmem_alloc_and_add_folio", "shmem_get_folio_gfp"}, new String[0], U, VmStat.Use.SHMEM),
        new Site(new String[] {"kmem_cache_alloc_noprof", "vm_area_dup", "dup_mmap", "copy_process"}, SLAB, K, VmStat.Use.SLAB),
        new Site(new String[] {"pte_alloc_one", "__pte_alloc", "do_anonymous_page", "__handle_mm_fault"}, PAGES, KA, VmStat.Use.PAGE_TABLE),
        new Site(new String[] {"__kmalloc_noprof", "populate_rootfs", "do_populate_rootfs", "async_run_entry_fn"}, SLAB, K, VmStat.Use.SLAB),
        new Site(new String[] {"__alloc_pages_bulk", "__vmalloc_area_node", "__vmalloc_node_range_noprof", "module_alloc"}, new String[0], NW, VmStat.Use.VMALLOC),
    };

    private final BootWorkload w;
    private final SplittableRandom rnd;

    public BootWorkloadRunner(BootWorkload w) {
        this.w = w;
        this.rnd = new SplittableRandom(w.seed());
    }

    /** Runs the workload of one window on the given kernel. */
    public void run(Kernel k, BootPhase window) {
        long pages;
        Site[] sites;
        String[] ctx;
        Task task;
        switch (window) {
            case EARLY_ALLOCATIONS -> { pages = w.earlyPages(); sites = EARLY; ctx = EARLY_CTX; task = Task.SWAPPER; }
            case MID_ALLOCATIONS -> { pages = w.midPages(); sites = MID; ctx = MID_CTX; task = Task.INIT; }
            case LATE_BOOT -> { pages = w.latePages(); sites = LATE; ctx = USER_CTX; task = new Task(1, 1, "init"); }
            default -> throw new IllegalArgumentException("no workload in " + window);
        }
        if (pages <= 0) return;
        int nSites = Math.max(1, Math.min(sites.length, w.callers() * sites.length / (EARLY.length + MID.length + LATE.length) + 1));
        List<CallStack> stacks = new ArrayList<>();
        for (int i = 0; i < nSites; i++) stacks.add(stack(sites[i], window == BootPhase.MID_ALLOCATIONS && i >= 3 ? INITCALL_CTX : ctx));
        Task prev = k.cpus.taskOrNull();
        k.cpus.setTask(task);
        try {
            long managed = Math.max(1, k.managedPages());
            for (Node n : k.nodes) {
                long nodeManaged = 0;
                for (Zone z : n.zones) nodeManaged += z.managed;
                long target = pages * nodeManaged / managed;
                allocate(k, n.nid, target, sites, stacks, nSites);
            }
        } finally {
            k.cpus.setTask(prev);
        }
    }

    private void allocate(Kernel k, int nid, long target, Site[] sites, List<CallStack> stacks, int nSites) {
        long done = 0;
        List<long[]> temporaries = new ArrayList<>();
        int[] weights = w.orderWeights();
        int total = 0;
        for (int x : weights) total += x;
        while (done < target) {
            int si = rnd.nextInt(nSites);
            Site s = sites[si];
            int order = 0;
            if (total > 0) {
                int r = rnd.nextInt(total);
                while (order < weights.length - 1 && r >= weights[order]) { r -= weights[order]; order++; }
            }
            if ((s.gfp() & Gfp.__GFP_MOVABLE) != 0) order = 0;
            order = (int) Math.min(order, 63 - Long.numberOfLeadingZeros(Math.max(1, target - done)));
            long pfn = alloc(k, order, s.gfp(), nid, stacks.get(si));
            k.clock.addAndGet(2_000 + rnd.nextInt(3_000));
            if (pfn < 0) outOfMemory(k);
            k.vmstat.account(k, pfn, order, s.gfp(), s.use(), 1);
            done += 1L << order;
            if (rnd.nextInt(8) == 0) temporaries.add(new long[] {pfn, order, si});
        }
        for (long[] t : temporaries) {
            Site s = sites[(int) t[2]];
            k.vmstat.account(k, t[0], (int) t[1], s.gfp(), s.use(), -1);
            k.pageAlloc.free(t[0], (int) t[1]);
            done -= 1L << t[1];
        }
        // top up what the temporaries gave back so the window's net volume is the calibrated one
        while (done < target) {
            int si = rnd.nextInt(nSites);
            long pfn = alloc(k, 0, sites[si].gfp(), nid, stacks.get(si));
            if (pfn < 0) outOfMemory(k);
            k.vmstat.account(k, pfn, 0, sites[si].gfp(), sites[si].use(), 1);
            done++;
        }
    }

    /**
     * Every call site reaches the page allocator through alloc_pages_mpol (its stack says so): under the boot tasks'
     * interleave policy the node is the interleave's choice, which the workload's own spread over nodes stands for.
     */
    private static long alloc(Kernel k, int order, int gfp, int nid, CallStack stack) {
        return k.bootInterleave ? k.pageAlloc.allocInterleave(order, gfp, nid, stack) : k.pageAlloc.alloc(order, gfp, nid, stack);
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

    private static CallStack stack(Site s, String[] ctx) {
        List<String> f = new ArrayList<>();
        for (String x : PREFIX) f.add(CallStack.symbol(x));
        for (String x : s.allocator()) f.add(CallStack.symbol(x));
        for (String x : s.frames()) f.add(CallStack.symbol(x));
        for (String x : ctx) f.add(CallStack.symbol(x));
        return CallStack.of(f.toArray(new String[0]));
    }
}
