package mm.reporting.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import mm.core.api.MigrateType;
import mm.core.api.ZoneType;
import mm.core.hook.FreeListHook;
import mm.core.spi.FreePageReportingSupport.ZoneHandle;
import mm.reporting.api.ReportingService;
import mm.variant.api.Variant;
import org.osgi.service.component.annotations.Component;

/**
 * {@code array}: Nitesh Narayan Lal's "guest free page hinting" v8/v9 (early 2019). The enqueue hook captures
 * freed blocks of order >= page_reporting_order into a fixed-size array; once it holds a threshold of entries a
 * worker thread takes them a batch at a time, isolates those still free, reports and returns them. When the array
 * is full the hook has nowhere to put a capture and drops it (counted): the failure mode of seed 004, a process
 * freeing a lot of memory outpacing the reporter.
 */
@Component(service = Strategy.class)
@Variant(subsystem = ReportingService.SUBSYSTEM, variant = ReportingService.ARRAY)
public final class ArrayStrategy extends WorkerStrategy {
    private final Object lock = new Object();
    /** A ring of captured (zone slot, pfn) entries. */
    private int[] slots = new int[0];
    private long[] pfns = new long[0];
    private int head, count;
    private int threshold;

    @Override public String name() { return ReportingService.ARRAY; }

    @Override
    protected void onStart(StrategyContext c) {
        int cap = Math.max(1, c.params.arrayCapacity());
        // hand-over: pending work still on the free lists (unreported blocks) fills the array first
        java.util.List<long[]> seed = new java.util.ArrayList<>();
        for (ZoneHandle z : c.zones) {
            c.support.forEachFreeBlock(z, c.order, (pfn, o, mt, reported) -> {
                if (!reported && mt != MigrateType.ISOLATE && seed.size() < cap) seed.add(new long[] {z.slot(), pfn});
            });
        }
        synchronized (lock) {
            slots = new int[cap];
            pfns = new long[cap];
            head = count = 0;
            threshold = Math.max(1, Math.min(cap, c.params.arrayThreshold()));
            for (long[] e : seed) push((int) e[0], e[1]);
        }
    }

    @Override
    protected void afterStart() {
        synchronized (lock) {
            if (count > 0) worker.request();
        }
    }

    private void push(int slot, long pfn) {
        int i = (head + count) % slots.length;
        slots[i] = slot;
        pfns[i] = pfn;
        count++;
    }

    private final FreeListHook capture = this::capture;

    /** The enqueue hook: capture or drop. */
    private void capture(int nid, ZoneType zone, long pfn, int order, MigrateType mt) {
        StrategyContext c = ctx;
        if (!active || order < c.order || mt == MigrateType.ISOLATE) return;
        long t0 = System.nanoTime();
        ZoneHandle z = c.zone(nid, zone);
        if (z == null) return;
        Metrics.ZoneCounters zc = c.counters[z.slot()];
        zc.captured(order);
        boolean wake;
        synchronized (lock) {
            if (count == slots.length) {
                zc.dropped(order);
                wake = false;
            } else {
                push(z.slot(), pfn);
                wake = count >= threshold;
            }
        }
        if (wake) worker.request();
        c.metrics.freePath(System.nanoTime() - t0, 0);
    }

    @Override protected FreeListHook hook() { return capture; }

    @Override
    protected void pass() {
        StrategyContext c = ctx;
        Batch batch = new Batch(c.capacity());
        try {
            while (!stopping()) {
                int slot;
                long pfn;
                synchronized (lock) {
                    if (count == 0) break;
                    slot = slots[head];
                    pfn = pfns[head];
                    head = (head + 1) % slots.length;
                    count--;
                }
                ZoneHandle z = c.zones.get(slot);
                int order = c.support.isolateBlock(z, pfn, c.order, true);
                if (order < 0) continue; // allocated or merged since, or already reported
                batch.add(z, pfn, order);
                if (batch.full() && batch.flushFromWorker(c, worker) < 0) break;
            }
        } finally {
            batch.flushFromWorker(c, worker);
        }
    }

    @Override
    protected void onStop() {
        synchronized (lock) {
            head = count = 0;
        }
    }

    @Override
    public Map<String, Object> details() {
        Map<String, Object> m = new LinkedHashMap<>();
        synchronized (lock) {
            m.put("array entries", count);
            m.put("array capacity", slots.length);
            m.put("threshold", threshold);
        }
        return m;
    }

    /** Entries waiting in the array (tests). */
    int queued() {
        synchronized (lock) { return count; }
    }
}
