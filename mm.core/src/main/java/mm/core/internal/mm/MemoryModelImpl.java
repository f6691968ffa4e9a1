package mm.core.internal.mm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import mm.core.hook.BootPhaseListener;
import mm.core.api.ProcFile;
import mm.core.api.CallStack;
import mm.core.hook.FreeListHook;
import mm.machine.api.Machine;
import mm.core.api.Memmap;
import mm.core.api.MemoryModel;
import mm.core.api.MigrateType;
import mm.core.api.NodeInfo;
import mm.core.hook.PageAllocHook;
import mm.core.api.PageInfo;
import mm.core.hook.PageInitHook;
import mm.core.api.Task;
import mm.core.api.ZoneInfo;
import mm.core.api.ZoneType;
import mm.core.internal.memblock.MemblockImpl;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The long-lived model service: holds the booted {@link Kernel} and the whiteboard hooks (snapshotted into arrays
 * on bind/unbind, so the allocation path only reads an array). Variants never hold machine state.
 */
@Component(service = MemoryModel.class, immediate = true)
public final class MemoryModelImpl implements MemoryModel {
    private volatile Kernel kernel;
    private final List<BootPhaseListener> phaseListeners = new CopyOnWriteArrayList<>();
    private final List<PageInitHook> initHooks = new CopyOnWriteArrayList<>();
    private final List<PageAllocHook> allocHooks = new CopyOnWriteArrayList<>();
    private final List<FreeListHook> freeHooks = new CopyOnWriteArrayList<>();
    private final List<mm.core.hook.PageSplitHook> splitHooks = new CopyOnWriteArrayList<>();
    private final Map<String, DeferredInit> deferredInits = new ConcurrentHashMap<>();
    private volatile String deferredVariant = "per-node";
    /** The variant registry, when running in a framework; plain-Java tests choose with selectDeferredInit. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile mm.variant.api.VariantService variants;
    private volatile Map<String, double[]> lastTimings = Map.of();

    // ---- whiteboard
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void addPhaseListener(BootPhaseListener l) { phaseListeners.add(l); }
    public void removePhaseListener(BootPhaseListener l) { phaseListeners.remove(l); }

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
    public void addDeferredInit(DeferredInit d) { deferredInits.put(d.name(), d); }
    public void removeDeferredInit(DeferredInit d) { deferredInits.remove(d.name(), d); }

    /** Pushes the current hook arrays into the running kernel (hot-swap of page_owner, reporting...). */
    private void republish() {
        Kernel k = kernel;
        if (k == null) return;
        k.allocHooks = allocHooks.toArray(new PageAllocHook[0]);
        k.splitHooks = splitHooks.toArray(new mm.core.hook.PageSplitHook[0]);
        FreeListHook[] f = freeHooks.toArray(new FreeListHook[0]);
        for (Zone z : k.zones()) z.freeHooks = f;
    }

    /** Chooses the deferred-init variant the next boot uses. */
    public void selectDeferredInit(String name) {
        if (!deferredInits.containsKey(name))
            throw new IllegalArgumentException("no deferred-init variant '" + name + "' (have " + deferredInits.keySet() + ")");
        deferredVariant = name;
    }

    @Override
    public String deferredInitVariant() {
        mm.variant.api.VariantService v = variants;
        if (v != null) {
            String a = v.active(DeferredInit.SUBSYSTEM);
            return a == null ? "none" : a;
        }
        return deferredVariant;
    }

    private DeferredInit activeDeferredInit() {
        mm.variant.api.VariantService v = variants;
        if (v != null) {
            DeferredInit d = v.activeService(DeferredInit.SUBSYSTEM, DeferredInit.class);
            if (d == null) throw new IllegalStateException("no deferred-init variant is active (selected: "
                    + v.selection().getOrDefault(DeferredInit.SUBSYSTEM, "none") + "); see mm:variant deferred-init");
            return d;
        }
        DeferredInit d = deferredInits.get(deferredVariant);
        if (d == null) throw new IllegalStateException("deferred-init variant '" + deferredVariant + "' is not available");
        return d;
    }

    public java.util.Set<String> deferredInitVariants() { return deferredInits.keySet(); }

    // ---- boot
    @Override public BootResult boot(Machine machine) {
        DeferredInit d = activeDeferredInit();
        List<BootPhaseListener> listeners = new ArrayList<>(phaseListeners);
        Boot.Hooks hooks = new Boot.Hooks(listeners, initHooks.toArray(new PageInitHook[0]),
                allocHooks.toArray(new PageAllocHook[0]), freeHooks.toArray(new FreeListHook[0]));
        Boot b = new Boot(machine, new MemblockImpl(), hooks, d, this);
        b.kernel().splitHooks = splitHooks.toArray(new mm.core.hook.PageSplitHook[0]);
        Kernel previous = kernel;
        // the model answers for the booting kernel while listeners run, so they can allocate through it
        kernel = b.kernel();
        synchronized (this) { bareMemblock = null; }
        try {
            Kernel k = b.run(new BootWorkloadRunner(machine.workload()));
            lastTimings = Map.copyOf(b.timings());
            return new BootResult(machine, k.log.lines(), b.timings());
        } catch (RuntimeException e) {
            kernel = previous;
            throw e;
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

    public Kernel kernel() {
        Kernel k = kernel;
        if (k == null) throw new IllegalStateException("not booted: run mm:boot first");
        return k;
    }

    @Override public boolean booted() { return kernel != null; }
    @Override public Machine machine() { return kernel().machine; }
    @Override public List<String> dmesg() { return kernel().log.lines(); }
    @Override public void log(String line) { kernel().log.log(line); }
    @Override public long clockNanos() { return kernel().now(); }
    @Override public void advanceClock(long nanos) { kernel().clock.addAndGet(nanos); }
    @Override public Task currentTask() { return kernel().currentTask(); }
    @Override public void setCurrentTask(Task t) { kernel().setTask(t); }

    @Override public long alloc(int order, int gfp, int nid, CallStack caller) { return kernel().alloc(order, gfp, nid, caller); }
    @Override public void free(long pfn, int order) { kernel().free(pfn, order); }
    @Override public void free(long pfn, int order, CallStack caller) { kernel().free(pfn, order, caller); }
    @Override public void split(long pfn, int order) { kernel().split(pfn, order); }
    @Override public Memmap memmap() { return kernel().mm; }

    @Override public PageInfo page(long pfn) {
        Kernel k = kernel();
        boolean valid = k.mm.valid(pfn);
        boolean init = k.mm.initialised(pfn);
        long f = k.mm.rawFlags(pfn);
        Zone z = init ? k.pageZone(f) : k.zoneOf(pfn);
        return new PageInfo(pfn, valid, init, f, init ? k.mm.ref(pfn) : 0, init && (f & Zone.BUDDY) != 0 ? -129 : -1,
                init ? k.mm.priv(pfn) : 0, z == null ? -1 : z.nid, z == null ? null : z.type,
                valid ? MigrateType.VALUES[k.mm.pageblockMt(pfn)] : null, k.state(pfn));
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
    @Override public ProcFile pagetypeinfo() { return Views.pagetypeinfo(kernel()); }
    @Override public ProcFile meminfo() { return Views.meminfo(kernel()); }
    @Override public List<String> check() { return Checker.check(kernel()); }

}
