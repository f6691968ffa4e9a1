package mm.core.internal.mm;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import mm.core.api.CallStack;
import mm.core.api.Memmap;
import mm.core.api.MemoryModel;
import mm.core.api.MigrateType;
import mm.core.api.NodeInfo;
import mm.core.api.PageFlags;
import mm.core.api.PageInfo;
import mm.core.api.ProcFile;
import mm.core.api.Task;
import mm.core.api.ZoneInfo;
import mm.core.api.ZoneType;
import mm.core.hook.BootHeapFootprint;
import mm.core.hook.BootPhaseListener;
import mm.core.hook.FreeListHook;
import mm.core.hook.FreeListTakeHook;
import mm.core.hook.MixedBlockCounter;
import mm.core.hook.PageAllocHook;
import mm.core.hook.PageInitHook;
import mm.core.hook.RebootNotifier;
import mm.core.hook.TracepointHook;
import mm.core.internal.memblock.MemblockImpl;
import mm.machine.api.Machine;
import mm.variant.api.VariantService;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The long-lived model service: holds the booted {@link Kernel} and the whiteboard hooks (snapshotted into arrays
 * on bind/unbind, so the allocation path only reads an array). Variants never hold machine state.
 */
// also the internal BootedKernel service: HotplugSupportImpl and ReportingSupportImpl reach the kernel through it
@Component(service = {MemoryModel.class, BootedKernel.class}, immediate = true)
public final class MemoryModelImpl implements MemoryModel, BootedKernel {
    private volatile Kernel kernel;
    /** Bound BootPhaseListeners with their ranking and id, sorted into calling order on every change. */
    private final List<RankedListener> phaseListeners = new ArrayList<>();
    private volatile BootPhaseListener[] phaseOrder = new BootPhaseListener[0];
    /** Ids for listeners added without service properties (plain Java): after every real service id. */
    private long nextPlainId = 1L << 62;
    private final List<PageInitHook> initHooks = new CopyOnWriteArrayList<>();
    private final List<PageAllocHook> allocHooks = new CopyOnWriteArrayList<>();
    private final List<FreeListHook> freeHooks = new CopyOnWriteArrayList<>();
    private final List<FreeListTakeHook> takeHooks = new CopyOnWriteArrayList<>();
    private final List<mm.core.hook.PageSplitHook> splitHooks = new CopyOnWriteArrayList<>();
    private final List<TracepointHook> traceHooks = new CopyOnWriteArrayList<>();
    /** Which deferred-init variant a boot uses: the registry in a framework, a StandaloneVariants outside one. */
    private final VariantService variants;
    private volatile Map<String, double[]> lastTimings = Map.of();

    /** The run's seed (Long.MIN_VALUE: none; see {@link MemoryModel#seed()}). */
    private volatile long seed = Long.MIN_VALUE;
    private volatile boolean seeded;

    public MemoryModelImpl(VariantService variants) {
        this.variants = variants;
    }

    /** In a framework: the launcher's {@code --seed N} arrives as the framework property mm.seed. */
    @Activate
    public MemoryModelImpl(@Reference(name = "variants") VariantService variants, BundleContext ctx) {
        this(variants);
        String s = ctx.getProperty(SEED_PROPERTY);
        if (s != null && !s.isBlank()) {
            try {
                setSeed(Long.parseLong(s.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("framework property " + SEED_PROPERTY + ": expected a whole number, got '"
                        + s + "'", e);
            }
        }
    }

    @Override
    public java.util.OptionalLong seed() {
        return seeded ? java.util.OptionalLong.of(seed) : java.util.OptionalLong.empty();
    }

    @Override
    public void setSeed(long seed) {
        this.seed = seed;
        this.seeded = true;
    }

    // ---- whiteboard
    private record RankedListener(BootPhaseListener listener, int ranking, long id) {}

    /** The hook's promise: highest service.ranking first, then lowest service.id (the registry's order). */
    private static final Comparator<RankedListener> CALL_ORDER =
            Comparator.comparingInt(RankedListener::ranking).reversed().thenComparingLong(RankedListener::id);

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            updated = "updatedPhaseListener")
    public void bindPhaseListener(BootPhaseListener l, Map<String, Object> props) {
        synchronized (phaseListeners) {
            phaseListeners.add(new RankedListener(l, ranking(props), serviceId(props)));
            reorderPhaseListeners();
        }
    }

    public void updatedPhaseListener(BootPhaseListener l, Map<String, Object> props) {
        synchronized (phaseListeners) {
            phaseListeners.replaceAll(r -> r.listener() == l ? new RankedListener(l, ranking(props), r.id()) : r);
            reorderPhaseListeners();
        }
    }

    public void unbindPhaseListener(BootPhaseListener l) {
        synchronized (phaseListeners) {
            phaseListeners.removeIf(r -> r.listener() == l);
            reorderPhaseListeners();
        }
    }

    /** Plain-Java wiring (tests, benchmarks): ranking 0, called after equally ranked services, in the order added. */
    public void addPhaseListener(BootPhaseListener l) {
        synchronized (phaseListeners) {
            bindPhaseListener(l, Map.of(Constants.SERVICE_ID, nextPlainId++));
        }
    }

    public void removePhaseListener(BootPhaseListener l) { unbindPhaseListener(l); }

    private void reorderPhaseListeners() {
        List<RankedListener> sorted = new ArrayList<>(phaseListeners);
        sorted.sort(CALL_ORDER);
        BootPhaseListener[] a = new BootPhaseListener[sorted.size()];
        for (int i = 0; i < a.length; i++) a[i] = sorted.get(i).listener();
        phaseOrder = a;
    }

    private static int ranking(Map<String, Object> props) {
        return props.get(Constants.SERVICE_RANKING) instanceof Integer r ? r : 0;
    }

    private static long serviceId(Map<String, Object> props) {
        return props.get(Constants.SERVICE_ID) instanceof Long id ? id : Long.MAX_VALUE;
    }

    private final List<MixedBlockCounter> mixedBlockCounters = new CopyOnWriteArrayList<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void addMixedBlockCounter(MixedBlockCounter c) { mixedBlockCounters.add(c); }
    public void removeMixedBlockCounter(MixedBlockCounter c) { mixedBlockCounters.remove(c); }

    /** page_owner's mixed-block count when a bound counter is enabled on this boot, else null. */
    private MixedBlockCounter mixedBlockCounter() {
        for (MixedBlockCounter c : mixedBlockCounters) if (c.enabled()) return c;
        return null;
    }

    private final List<RebootNotifier> rebootNotifiers = new CopyOnWriteArrayList<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void addRebootNotifier(RebootNotifier n) { rebootNotifiers.add(n); }
    public void removeRebootNotifier(RebootNotifier n) { rebootNotifiers.remove(n); }

    /** What other bundles will hold on the heap for a boot (page_ext, page_owner): the boot's heap preflight. */
    private final List<BootHeapFootprint> heapFootprints = new CopyOnWriteArrayList<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void addHeapFootprint(BootHeapFootprint f) { heapFootprints.add(f); }
    public void removeHeapFootprint(BootHeapFootprint f) { heapFootprints.remove(f); }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void addInitHook(PageInitHook h) { initHooks.add(h); }
    public void removeInitHook(PageInitHook h) { initHooks.remove(h); }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void addAllocHook(PageAllocHook h) { allocHooks.add(h); republish(); }
    public void removeAllocHook(PageAllocHook h) { allocHooks.remove(h); republish(); }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void addSplitHook(mm.core.hook.PageSplitHook h) { splitHooks.add(h); republish(); }
    public void removeSplitHook(mm.core.hook.PageSplitHook h) { splitHooks.remove(h); republish(); }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void addFreeListHook(FreeListHook h) { freeHooks.add(h); republish(); }
    public void removeFreeListHook(FreeListHook h) { freeHooks.remove(h); republish(); }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void addTakeHook(FreeListTakeHook h) { takeHooks.add(h); republish(); }
    public void removeTakeHook(FreeListTakeHook h) { takeHooks.remove(h); republish(); }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void addTracepointHook(TracepointHook h) { traceHooks.add(h); republish(); }
    public void removeTracepointHook(TracepointHook h) { traceHooks.remove(h); republish(); }

    /** The bound tracepoint hooks; the shared empty array when none (the call sites test its length). */
    private TracepointHook[] traceHookArray() {
        return traceHooks.isEmpty() ? Zone.NO_TRACE : traceHooks.toArray(new TracepointHook[0]);
    }

    /** memblock=debug's lines to the tracepoint hooks, or null when none is bound. */
    private static java.util.function.Consumer<String> memblockTrace(TracepointHook[] t) {
        if (t.length == 0) return null;
        return line -> { for (TracepointHook h : t) h.memblock(line); };
    }


    /** Pushes the current hook arrays into the running kernel (hot-swap of page_owner, reporting...). */
    private void republish() {
        Kernel k = kernel;
        if (k == null) return;
        k.pageAlloc.allocHooks = allocHooks.toArray(new PageAllocHook[0]);
        k.pageAlloc.splitHooks = splitHooks.toArray(new mm.core.hook.PageSplitHook[0]);
        k.pageAlloc.takeHooks = takeHooks.toArray(new FreeListTakeHook[0]);
        FreeListHook[] f = freeHooks.toArray(new FreeListHook[0]);
        for (Zone z : k.zones()) z.freeHooks = f;
        TracepointHook[] t = traceHookArray();
        k.traceHooks = t;
        for (Zone z : k.zones()) z.traceHooks = t;
        if (k.memblock() instanceof MemblockImpl mb) mb.setTraceSink(memblockTrace(t));
    }

    @Override
    public String deferredInitVariant() {
        String a = variants.active(DeferredInit.SUBSYSTEM);
        return a == null ? "none" : a;
    }

    private DeferredInit activeDeferredInit() {
        DeferredInit d = variants.activeService(DeferredInit.SUBSYSTEM, DeferredInit.class);
        if (d == null) throw new IllegalStateException("no deferred-init variant is active (selected: "
                + variants.selection().getOrDefault(DeferredInit.SUBSYSTEM, "none") + "); see mm:variant deferred-init");
        return d;
    }

    /** The memmap storage variant of this boot. */
    public String memmapVariant() {
        String a = variants.active(MemmapStorage.SUBSYSTEM);
        return a == null ? "none" : a;
    }

    private MemmapStorage activeMemmapStorage() {
        MemmapStorage s = variants.activeService(MemmapStorage.SUBSYSTEM, MemmapStorage.class);
        if (s == null) throw new IllegalStateException("no memmap storage variant is active (selected: "
                + variants.selection().getOrDefault(MemmapStorage.SUBSYSTEM, "none") + "); see mm:variant memmap");
        return s;
    }

    /** Under a run seed the boot workload draws from it instead of the machine file's {@code workload seed}. */
    private mm.machine.api.BootWorkload seeded(mm.machine.api.BootWorkload w) {
        if (!seeded || w == null) return w;
        return new mm.machine.api.BootWorkload(seed, w.callers(), w.earlyPages(), w.midPages(), w.latePages(),
                w.orderWeights());
    }

    // ---- boot
    @Override public BootResult boot(Machine machine) {
        DeferredInit d = activeDeferredInit();
        List<BootPhaseListener> listeners = List.of(phaseOrder);
        BootHooks hooks = new BootHooks(listeners, initHooks.toArray(new PageInitHook[0]),
                allocHooks.toArray(new PageAllocHook[0]), freeHooks.toArray(new FreeListHook[0]));
        MemmapStorage storage = activeMemmapStorage();
        MemblockImpl bootMemblock = new MemblockImpl();
        TracepointHook[] trace = traceHookArray();
        bootMemblock.setTraceSink(memblockTrace(trace));
        Boot b = new Boot(machine, bootMemblock, hooks, d, this);
        b.kernel().traceHooks = trace;
        b.kernel().mm.setCompact(storage.compact());
        // before anything big is allocated: refuse a boot this JVM cannot hold (the previous boot stays)
        BootHeapFootprint[] footprints = heapFootprints.toArray(new BootHeapFootprint[0]);
        HeapPreflight.check(machine, b.kernel().mm, footprints);
        // made now: once the heap is exhausted even the exception for it may not fit
        IllegalStateException outOfMemory = new IllegalStateException(
                HeapPreflight.outOfMemoryMessage(machine, b.kernel().mm, footprints));
        HeapPreflight.outOfMemory(outOfMemory); // linked now, not on an exhausted heap
        b.kernel().pageAlloc.splitHooks = splitHooks.toArray(new mm.core.hook.PageSplitHook[0]);
        b.kernel().pageAlloc.takeHooks = takeHooks.toArray(new FreeListTakeHook[0]);
        // kernel_restart's reboot notifiers: whoever works on the running kernel stops before it is replaced
        List<RebootNotifier> told = kernel == null ? List.of() : List.copyOf(rebootNotifiers);
        for (RebootNotifier n : told) n.onReboot();
        Kernel previous = kernel;
        boolean booted = false;
        // the model answers for the booting kernel while listeners run, so they can allocate through it
        kernel = b.kernel();
        synchronized (this) { bareMemblock = null; }
        try {
            Kernel k = b.run(new BootWorkloadRunner(seeded(machine.workload())));
            lastTimings = Map.copyOf(b.timings());
            booted = true;
            return new BootResult(machine, k.log.lines(), b.timings());
        } catch (RuntimeException | Error e) {
            kernel = previous;
            if (!(e instanceof OutOfMemoryError) && !HeapPreflight.outOfMemory(e)) throw e;
            b = null; // the half-booted kernel is garbage from here on
            throw outOfMemory;
        } finally {
            for (RebootNotifier n : told) n.onRebootDone(booted);
        }
    }

    public Map<String, double[]> lastTimings() { return lastTimings; }

    /** The memblock mm:memblock works on: a bare one after reset (or before any boot), else the last boot's. */
    private MemblockImpl bareMemblock;

    @Override
    public synchronized mm.core.api.Memblock memblockForExperiments(boolean reset) {
        if (reset || (bareMemblock == null && kernel == null)) {
            bareMemblock = new MemblockImpl();
            bareMemblock.reset();
            bareMemblock.allowResize();
        }
        return bareMemblock != null ? bareMemblock : kernel().memblock();
    }

    @Override public Kernel kernel() {
        Kernel k = kernel;
        if (k == null) throw new IllegalStateException("not booted: run mm:boot first");
        return k;
    }

    @Override public boolean booted() { return kernel != null; }
    @Override public Machine machine() { return kernel().machine; }
    @Override public List<String> dmesg() { return kernel().log.lines(); }
    @Override public void log(String line) { kernel().log.log(line); }
    @Override public long clockNanos() { return kernel().now(); }
    @Override public void advanceClock(long nanos) { kernel().advanceClock(nanos); }
    @Override public Task currentTask() { return kernel().cpus.currentTask(); }
    @Override public void setCurrentTask(Task t) { kernel().cpus.setTask(t); }
    @Override public int currentCpu() { return kernel().cpus.cpuIfAssigned(); }

    @Override public long alloc(int order, int gfp, int nid, CallStack caller) {
        return kernel().pageAlloc.alloc(order, gfp, nid, caller);
    }
    @Override public void free(long pfn, int order) { kernel().pageAlloc.free(pfn, order); }
    @Override public void free(long pfn, int order, CallStack caller) { kernel().pageAlloc.free(pfn, order, caller); }
    @Override public void freePagesOkToTail(long pfn, int order, CallStack caller) {
        kernel().pageAlloc.freePagesOkToTail(pfn, order, caller);
    }
    @Override public void split(long pfn, int order) { kernel().pageAlloc.split(pfn, order); }

    @Override public void makeAllocExact(long pfn, int order, long nrPages, CallStack freeCaller) {
        kernel().pageAlloc.makeAllocExact(pfn, order, nrPages, freeCaller);
    }
    @Override public Memmap memmap() { return kernel().mm; }
    @Override public void memmapPagesAdd(long pages, boolean boot) {
        VmStat v = kernel().vmstat;
        (boot ? v.metadataBootPages : v.metadataPages).addAndGet(pages);
    }

    @Override public mm.core.api.MemorySummary summarize(long startPfn, long endPfn) {
        return MemorySummaries.summarize(kernel().mm, startPfn, endPfn);
    }

    @Override public PageInfo page(long pfn) {
        Kernel k = kernel();
        boolean valid = k.mm.valid(pfn);
        boolean init = k.mm.initialised(pfn);
        long f = k.mm.rawFlags(pfn);
        Zone z = init ? k.pageZone(f) : k.zoneOf(pfn);
        // page->flags and page_type share mmkit's memmap word; the kernel (and PageInfo) keeps them apart
        long flags = init ? f & ~PageFlags.TYPE_MASK : f, pageType = init ? f & PageFlags.TYPE_MASK : 0;
        PageAlloc pa = k.pageAlloc;
        return new PageInfo(pfn, valid, init, flags, pageType, init ? k.mm.ref(pfn) : 0,
                init && (f & Zone.BUDDY) != 0 ? -129 : -1, init ? k.mm.priv(pfn) : 0, z == null ? -1 : z.nid,
                z == null ? null : z.type, valid ? MigrateType.VALUES[k.mm.pageblockMt(pfn)] : null,
                pa.pageState(pfn), pa.describe(pfn));
    }

    @Override public List<NodeInfo> nodes() {
        List<NodeInfo> out = new ArrayList<>();
        for (Node n : kernel().nodes)
            out.add(new NodeInfo(n.nid, n.startPfn, n.spannedPages(), n.presentPages, n.firstDeferredPfn, n.cpus,
                    n.bootFirstDeferredPfn, n.deferredPagesLeft, n.growEvents));
        return out;
    }

    @Override public ZoneInfo zone(int nid, ZoneType zone) { return info(kernel().node(nid).zones[zone.ordinal()]); }

    @Override public ZoneInfo zoneOf(long pfn) {
        Zone z = kernel().zoneOf(pfn);
        return z == null ? null : info(z);
    }

    static ZoneInfo info(Zone z) {
        synchronized (z) {
            return new ZoneInfo(z.nid, z.type, z.zoneStartPfn, z.spanned, z.present, z.managed, z.freePages,
                    z.wmarkMin, z.wmarkLow, z.wmarkHigh, z.lowmemReserve.clone(), z.nrFree.clone());
        }
    }

    @Override public long totalFreePages() { return kernel().freePages(); }
    @Override public long totalManagedPages() { return kernel().managedPages(); }
    @Override public ProcFile zoneinfo() { return Views.zoneinfo(kernel()); }
    @Override public ProcFile buddyinfo() { return Views.buddyinfo(kernel()); }

    @Override public ProcFile extfragIndex() { return Extfrag.extfragIndex(kernel()); }

    @Override public ProcFile unusableIndex() { return Extfrag.unusableIndex(kernel()); }
    @Override public ProcFile pagetypeinfo() { return Views.pagetypeinfo(kernel(), mixedBlockCounter()); }
    @Override public ProcFile meminfo() { return Views.meminfo(kernel()); }
    @Override public ProcFile vmstat() { return Views.vmstat(kernel()); }
    @Override public List<String> check() { return Checker.check(kernel(), null); }

    @Override public List<String> check(CheckProgress progress) { return Checker.check(kernel(), progress); }

}
