package mm.core.internal.mm;

import java.util.LinkedHashMap;
import java.util.Map;
import mm.core.api.Memblock;
import mm.core.api.MemoryModel;
import mm.core.api.Task;
import mm.core.hook.BootContext;
import mm.core.hook.BootPhase;
import mm.core.hook.BootPhaseListener;
import mm.machine.api.BootOptions;
import mm.machine.api.Machine;

/**
 * The boot: start_kernel's memory-management path as ordered phases (init/main.c), producing a {@link Kernel}.
 * Only the sequence lives here; each step is in the counterpart of its kernel file: {@link SetupArch} (setup_arch),
 * {@link MmInit} (free_area_init, memmap_init, page_alloc_init_late), {@link Zonelists} (build_all_zonelists),
 * {@link MemblockFreeAll} (memblock_free_all), {@link PageAlloc} (setup_per_cpu_pageset, zone_pcp_update),
 * {@link Watermarks} (init_per_zone_wmark_min) and {@link FreeInitmem} (the late frees).
 */
public final class Boot {
    private final Machine machine;
    private final Memblock mb;
    private final BootHooks hooks;
    private final MemoryModel model;
    private final Kernel k;
    private final KernelLog log;
    private final SetupArch setupArch;
    private final MmInit mmInit;
    private final MemblockFreeAll memblockFreeAll;
    private final FreeInitmem freeInitmem;
    private final Map<String, double[]> timings = new LinkedHashMap<>();
    private boolean memblockGone;
    private DeferredOps deferredOps;

    public Boot(Machine machine, Memblock mb, BootHooks hooks, DeferredInit deferredInit, MemoryModel model) {
        this.machine = machine;
        this.mb = mb;
        this.hooks = hooks;
        this.model = model;
        this.k = new Kernel(machine);
        this.log = k.log;
        k.pageAlloc.allocHooks = hooks.alloc();
        this.setupArch = new SetupArch(machine, mb, k);
        this.mmInit = new MmInit(machine, mb, hooks, deferredInit, k);
        this.memblockFreeAll = new MemblockFreeAll(mb, hooks, k, mmInit);
        this.freeInitmem = new FreeInitmem(machine, k, setupArch.kernelImageFree);
    }

    public Kernel kernel() { return k; }
    public Map<String, double[]> timings() { return timings; }

    private final BootContext ctx = new BootContext() {
        @Override public Machine machine() { return machine; }
        @Override public Memblock memblock() {
            if (memblockGone) throw new IllegalStateException("memblock was discarded by page_alloc_init_late");
            return mb;
        }
        @Override public MemoryModel model() { return model; }
        @Override public void log(String line) { log.log(line); }
        @Override public void recordTiming(String step, double measuredMs, double modelledMs) {
            timings.put(step, new double[] {measuredMs, modelledMs});
        }
        @Override public boolean deferredStructPages() { return mmInit.deferredStructPages(); }
        @Override public long clockNanos() { return k.now(); }
        @Override public void advanceClock(long nanos) { k.advanceClock(nanos); }
    };

    public BootContext context() { return ctx; }

    private void phase(BootPhase p) {
        for (BootPhaseListener l : hooks.phases()) l.onPhase(p, ctx);
    }

    private void timed(String step, Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        double ms = (System.nanoTime() - t0) / 1e6;
        double[] prev = timings.get(step);
        timings.put(step, new double[] {ms, prev == null ? Double.NaN : prev[1]});
    }

    /** Runs the whole boot. The model's state must be swapped to {@link #kernel()} by the caller on success. */
    public Kernel run(BootWorkloadRunner workload) {
        BootOptions o = machine.options();
        k.cpus.setTask(Task.SWAPPER);
        try {
            timed("setup_arch", setupArch::run);
            phase(BootPhase.SETUP_ARCH);
            timed("free_area_init", mmInit::freeAreaInit);
            phase(BootPhase.FREE_AREA_INIT);
            buildAllZonelists();
            timed("memblock_free_all", () -> deferredOps = memblockFreeAll.run());
            phase(BootPhase.MEMBLOCK_FREE_ALL);
            // 6.1's mm_init: mem_init_print_info right after mem_init, before any deferred page is free
            if (machine.config().memoryLineBeforeDeferredInit()) mmInit.memInitPrintInfo();
            k.pageAlloc.deferredGrowEnabled = mmInit.deferredStructPages();
            timed("early_allocations", () -> workload.run(k, BootPhase.EARLY_ALLOCATIONS));
            phase(BootPhase.EARLY_ALLOCATIONS);
            phase(BootPhase.PAGE_EXT_EARLY);
            phase(BootPhase.KMEMLEAK_INIT);
            log.startClock(); // time_init, after mm_core_init: printk's timestamps start
            k.pageAlloc.setupPerCpuPagesets();
            k.pageAlloc.discardBootNumaEvents();
            k.bootInterleave = true; // numa_policy_init
            freeInitmem.lateFrees(true);
            k.cpus.setTask(Task.INIT);
            timed("mid_allocations", () -> workload.run(k, BootPhase.MID_ALLOCATIONS));
            phase(BootPhase.MID_ALLOCATIONS);
            // rest_init -> kernel_init_freeable up to page_alloc_init_late: smp_init and the early initcalls, at a
            // per-machine cost (docs/timing-model.md)
            k.startVmstat(); // init_mm_internals, before smp_init: the vmstat shepherd's timer
            k.advanceClock((long) (TimingModel.param(machine, "smp_boot_ms", TimingModel.SMP_BOOT_MS) * 1e6));
            timed("page_alloc_init_late", () -> {
                mmInit.pageAllocInitLate(deferredOps, timings);
                memblockGone = true;
            });
            phase(BootPhase.PAGE_ALLOC_INIT_LATE);
            phase(BootPhase.PAGE_EXT_LATE);
            timed("late_boot", () -> lateBoot(workload));
            phase(BootPhase.LATE_BOOT);
            phase(BootPhase.DONE);
            if (o.memblockDebug()) mb.setDebug(false, null);
            return k;
        } finally {
            k.cpus.setTask(null);
        }
    }

    /** build_all_zonelists at boot: every zone gets the boot pagesets and the free-list hooks first. */
    private void buildAllZonelists() {
        // start_kernel between setup_arch and mm_core_init: the command line, and the words nobody claimed (6.1
        // built the zonelists first, in start_kernel, and printed the command line after them)
        boolean zonelistsFirst = machine.config().zonelistsBeforeCommandLine();
        if (!zonelistsFirst) for (String l : KernelParams.lines(machine.options(), machine.config())) log.log(l);
        k.pageAlloc.bootPagesets(hooks.free());
        Zonelists.buildAllZonelists(k);
        if (zonelistsFirst) for (String l : KernelParams.lines(machine.options(), machine.config())) log.log(l);
    }

    /**
     * The initcalls: the DMA atomic pools (kernel/ links before mm/), those that set watermarks
     * (init_per_zone_wmark_min, THP's), the late frees, the late workload.
     */
    private void lateBoot(BootWorkloadRunner workload) {
        k.cma.activate(k); // cma_init_reserved_areas: core_initcall
        DmaPool.atomicPoolInit(k, machine, log);
        Watermarks.initPerZoneWmarkMin(k, false);
        k.hugetlb = Hugetlb.init(k, machine.options(), log); // subsys_initcall
        k.pageAlloc.setupPerCpuPagesets();
        freeInitmem.lateFrees(false);
        Watermarks.initPerZoneWmarkMin(k, true);
        k.pageAlloc.setupPerCpuPagesets();
        k.bootInterleave = false; // numa_default_policy, after free_initmem
        workload.run(k, BootPhase.LATE_BOOT);
    }
}
