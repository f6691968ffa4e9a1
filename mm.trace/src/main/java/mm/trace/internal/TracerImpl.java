package mm.trace.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import mm.core.api.CallStack;
import mm.core.api.Gfp;
import mm.core.api.MemoryModel;
import mm.core.api.Task;
import mm.core.hook.MemoryNotifier;
import mm.core.hook.PageAllocHook;
import mm.core.hook.TracepointHook;
import mm.machine.api.NumaNode;
import mm.trace.api.Tracer;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The tracer: set_event, tracing_on and the ring buffer. While tracing is on it registers the mm.core hooks its
 * enabled events need (PageAllocHook for mm_page_alloc / mm_page_free, TracepointHook for the buddy's, memblock's
 * and deferred init's, MemoryNotifier for hotplug) and unregisters them when it stops, so a model nobody traces
 * has no hook of the tracer bound and pays nothing.
 */
@Component(service = Tracer.class, immediate = true)
public final class TracerImpl implements Tracer {
    /** 65536 entries: a boot of qemu-2g fits; the kernel's default is 1408 KiB per CPU. */
    static final int DEFAULT_ENTRIES = 1 << 16;

    /** Binds the tracer's hooks to the model; the returned action unbinds them. */
    interface Binder {
        Runnable bind(Hooks hooks, boolean pageAlloc, boolean tracepoints, boolean notifier);
    }

    private final MemoryModel model;
    private final Binder binder;
    private final TraceBuffer buffer = new TraceBuffer(DEFAULT_ENTRIES);
    private final Hooks hooks = new Hooks();
    private volatile long enabled = Event.ALL;
    /** tracing_on; the hooks also test it, so a call that races an unbind records nothing. */
    private volatile boolean on;
    private Runnable unbind;

    @Activate
    public TracerImpl(@Reference MemoryModel model, BundleContext ctx) {
        this(model, osgi(ctx));
    }

    TracerImpl(MemoryModel model, Binder binder) {
        this.model = model;
        this.binder = binder;
    }

    /** Registers the hooks as whiteboard services of this bundle, under the interfaces the events need. */
    private static Binder osgi(BundleContext ctx) {
        return (h, pageAlloc, tracepoints, notifier) -> {
            List<String> names = new ArrayList<>();
            if (pageAlloc) names.add(PageAllocHook.class.getName());
            if (tracepoints) names.add(TracepointHook.class.getName());
            if (notifier) names.add(MemoryNotifier.class.getName());
            if (names.isEmpty()) return () -> {};
            ServiceRegistration<?> reg = ctx.registerService(names.toArray(new String[0]), h, null);
            return () -> {
                try {
                    reg.unregister();
                } catch (IllegalStateException alreadyGone) {
                    // the bundle is stopping: the framework unregistered it
                }
            };
        };
    }

    @Deactivate
    synchronized void deactivate() {
        unbindHooks();
        on = false;
    }

    // ------------------------------------------------------------------------------------------- control

    @Override public List<String> availableEvents() {
        List<String> out = new ArrayList<>();
        for (Event e : Event.VALUES) out.add(e.qualified());
        return out;
    }

    @Override public List<String> enabledEvents() {
        long m = enabled;
        List<String> out = new ArrayList<>();
        for (Event e : Event.VALUES) if ((m & e.bit()) != 0) out.add(e.qualified());
        return out;
    }

    @Override public synchronized void setEvents(List<String> items) {
        long m = 0;
        boolean onlyRemovals = true;
        for (String item : items) if (!item.startsWith("!")) onlyRemovals = false;
        if (onlyRemovals) m = enabled; // "!event" alone takes it out of the current set, as set_event's >> does
        for (String item : items) {
            boolean not = item.startsWith("!");
            String name = not ? item.substring(1) : item;
            long sel = Event.select(name);
            if (sel == 0) throw new IllegalArgumentException("no trace event '" + TraceCommands.clip(item)
                    + "' (mm:trace events lists them; systems: kmem, memblock, deferred_init, memory_hotplug)");
            m = not ? m & ~sel : m | sel;
        }
        enabled = m;
        if (on) {
            unbindHooks();
            bindHooks();
        }
    }

    @Override public synchronized void start() {
        if (on) return;
        bindHooks();
        on = true;
    }

    @Override public synchronized void stop() {
        if (!on) return;
        unbindHooks();
        on = false;
    }

    @Override public boolean tracing() { return on; }

    private void bindHooks() {
        long m = enabled;
        unbind = binder.bind(hooks, (m & Event.PAGE_ALLOC_HOOK) != 0, (m & Event.TRACEPOINT_HOOK) != 0,
                (m & Event.MEMORY_NOTIFIER) != 0);
    }

    private void unbindHooks() {
        Runnable u = unbind;
        unbind = null;
        if (u != null) u.run();
    }

    @Override public void clear() { buffer.clear(); }

    @Override public void resize(int entries) {
        if (entries < MIN_ENTRIES || entries > MAX_ENTRIES) {
            throw new IllegalArgumentException("buffer size: expected " + MIN_ENTRIES + ".." + MAX_ENTRIES
                    + " entries, got " + entries);
        }
        buffer.resize(entries);
    }

    @Override public int capacity() { return buffer.capacity(); }
    @Override public long entries() { return buffer.entries(); }
    @Override public long written() { return buffer.written(); }
    @Override public long overrun() { return buffer.overrun(); }

    @Override public long print(Appendable out) throws IOException {
        return buffer.print(out, onlineCpus());
    }

    /** num_online_cpus of the booted machine (1 before any boot). */
    private int onlineCpus() {
        if (!model.booted()) return 1;
        int n = 0;
        for (NumaNode node : model.machine().nodes()) n += node.cpus();
        return Math.max(1, n);
    }

    // ------------------------------------------------------------------------------------------- the hooks

    /** The hook objects the model calls; each drops the events that are not enabled. */
    final class Hooks implements PageAllocHook, TracepointHook, MemoryNotifier {
        private boolean wants(Event e) { return on && (enabled & e.bit()) != 0; }

        private int cpu() { return model.booted() ? model.currentCpu() : 0; }
        private Task task() { return model.booted() ? model.currentTask() : Task.SWAPPER; }
        private long now() { return model.booted() ? model.clockNanos() : 0; }

        /** trace_mm_page_alloc (__alloc_pages, after the page is prepared). */
        @Override public void postAlloc(long pfn, int order, int gfp, CallStack stack, Task task, long tsNanos) {
            if (!wants(Event.MM_PAGE_ALLOC)) return;
            buffer.record(Event.MM_PAGE_ALLOC, cpu(), task, tsNanos, pfn, order, gfp & 0xffffffffL,
                    Gfp.migratetype(gfp).ordinal(), null);
        }

        /** trace_mm_page_free (free_pages_prepare). */
        @Override public void preFree(long pfn, int order, CallStack stack, Task task, long tsNanos) {
            if (!wants(Event.MM_PAGE_FREE)) return;
            buffer.record(Event.MM_PAGE_FREE, cpu(), task, tsNanos, pfn, order, 0, 0, null);
        }

        @Override public void allocZoneLocked(long pfn, int order, int migratetype, boolean percpuRefill) {
            if (!wants(Event.MM_PAGE_ALLOC_ZONE_LOCKED)) return;
            buffer.record(Event.MM_PAGE_ALLOC_ZONE_LOCKED, cpu(), task(), now(), pfn, order, percpuRefill ? 1 : 0,
                    migratetype, null);
        }

        @Override public void pcpuDrain(long pfn, int order, int migratetype) {
            if (!wants(Event.MM_PAGE_PCPU_DRAIN)) return;
            buffer.record(Event.MM_PAGE_PCPU_DRAIN, cpu(), task(), now(), pfn, order, 0, migratetype, null);
        }

        @Override public void allocExtfrag(long pfn, int allocOrder, int fallbackOrder, int allocMigratetype,
                                           int fallbackMigratetype, boolean changeOwnership) {
            if (!wants(Event.MM_PAGE_ALLOC_EXTFRAG)) return;
            long packed = (allocOrder & 0xffL) | (fallbackOrder & 0xffL) << 8 | (allocMigratetype & 0xffL) << 16
                    | (fallbackMigratetype & 0xffL) << 24;
            buffer.record(Event.MM_PAGE_ALLOC_EXTFRAG, cpu(), task(), now(), pfn, packed, changeOwnership ? 1 : 0, 0,
                    null);
        }

        @Override public void memblock(String line) {
            int colon = line.indexOf(": ");
            if (colon < 0) return;
            Event e = Event.byName(line.substring(0, colon));
            if (e == null || !wants(e)) return;
            buffer.record(e, cpu(), task(), now(), 0, 0, 0, 0, line.substring(colon + 2));
        }

        @Override public void deferredInit(int nid, int zone, long startPfn, long endPfn, long nrPages, int growOrder) {
            Event e = growOrder < 0 ? Event.DEFERRED_INIT_MEMMAP : Event.DEFERRED_GROW_ZONE;
            if (!wants(e)) return;
            long where = (long) nid << 16 | (zone & 0xffL) << 8 | (growOrder < 0 ? 0 : growOrder & 0xffL);
            buffer.record(e, cpu(), task(), now(), startPfn, nrPages, endPfn, where, null);
        }

        /** memory_notify's MEM_ONLINE and MEM_OFFLINE (online_pages, offline_pages): never vetoes. */
        @Override public String onMemory(Action action, int nid, long startPfn, long nrPages) {
            Event e = action == Action.ONLINE ? Event.MEMORY_ONLINE : action == Action.OFFLINE ? Event.MEMORY_OFFLINE
                    : null;
            if (e == null || !wants(e)) return null;
            buffer.record(e, cpu(), task(), now(), startPfn, nrPages, 0, nid, null);
            return null;
        }
    }
}
