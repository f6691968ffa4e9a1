package mm.reporting.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import mm.core.api.MigrateType;
import mm.core.api.ZoneType;
import mm.core.hook.FreeListHook;
import mm.core.spi.FreePageReportingSupport.ZoneHandle;
import mm.reporting.api.ReportingService;
import mm.variant.api.Variant;
import org.osgi.service.component.annotations.Component;

/**
 * {@code bitmap}: Nitesh Narayan Lal's "page hinting" / "page reporting" v10-v12 (mid 2019). Each zone has a
 * bitmap with one bit per 2^page_reporting_order pages, set by the enqueue hook for a freed block of at least that
 * order, and a counter of set bits; when a zone's counter reaches the threshold (16) a worker scans the bitmap,
 * clears each bit it looks at, isolates the blocks still free, reports them and returns them. Nothing is ever
 * dropped; stale bits (the block was allocated or merged since) are just skipped.
 */
@Component(service = Strategy.class)
@Variant(subsystem = ReportingService.SUBSYSTEM, variant = ReportingService.BITMAP)
public final class BitmapStrategy extends WorkerStrategy {
    /** One zone's bitmap. */
    static final class ZoneBits {
        final ZoneHandle zone;
        final long base;
        final int shift;
        final long chunks;
        final AtomicLongArray words;
        final AtomicInteger set = new AtomicInteger();

        ZoneBits(ZoneHandle zone, int order, long[] initial) {
            this.zone = zone;
            this.shift = order;
            this.base = zone.startPfn() & -(1L << order);
            // the bitmap covers the span the free lists were captured at: a zone that grew since (an online racing
            // with the start) has its new blocks found by the next restart, not by indexing past the words
            long span = ((zone.endPfn() - base) + (1L << order) - 1) >>> order;
            this.chunks = Math.min(span, (long) initial.length << 6);
            this.words = new AtomicLongArray(initial);
            int n = 0;
            for (long w : initial) n += Long.bitCount(w);
            set.set(n);
        }

        /** Sets the bit of pfn; true when it was clear. */
        boolean mark(long pfn) {
            long i = (pfn - base) >>> shift;
            if (i < 0 || i >= chunks) return false;
            int wi = (int) (i >>> 6);
            long bit = 1L << (i & 63);
            long w;
            do {
                w = words.get(wi);
                if ((w & bit) != 0) return false;
            } while (!words.compareAndSet(wi, w, w | bit));
            set.incrementAndGet();
            return true;
        }
    }

    private volatile ZoneBits[] bits = new ZoneBits[0];
    private volatile int threshold = 16;

    @Override public String name() { return ReportingService.BITMAP; }

    @Override
    protected void onStart(StrategyContext c) {
        threshold = Math.max(1, c.params.bitmapThreshold());
        ZoneBits[] b = new ZoneBits[c.zones.size()];
        // hand-over: unreported free blocks already on the free lists start with their bit set
        for (ZoneHandle z : c.zones) b[z.slot()] = new ZoneBits(z, c.order, c.support.captureFreeBitmap(z, c.order, true));
        bits = b;
    }

    @Override
    protected void afterStart() {
        for (ZoneBits z : bits) if (z.set.get() >= threshold) { worker.request(); break; }
    }

    private final FreeListHook mark = this::mark;

    /** The enqueue hook (page_hinting_enqueue): set the block's bit; wake the worker at the threshold. */
    private void mark(int nid, ZoneType zone, long pfn, int order, MigrateType mt) {
        StrategyContext c = ctx;
        if (!active || order < c.order || mt == MigrateType.ISOLATE) return;
        long t0 = System.nanoTime();
        ZoneHandle z = c.zone(nid, zone);
        if (z == null) return;
        c.counters[z.slot()].captured(order);
        ZoneBits[] all = bits;
        if (z.slot() >= all.length) return; // stopping
        ZoneBits zb = all[z.slot()];
        if (zb.mark(pfn) && zb.set.get() >= threshold) worker.request();
        c.metrics.freePath(System.nanoTime() - t0, 0);
    }

    @Override protected FreeListHook hook() { return mark; }

    @Override
    protected void pass() {
        StrategyContext c = ctx;
        Batch batch = new Batch(c.capacity());
        for (ZoneBits zb : bits) {
            if (stopping()) return;
            if (zb.set.get() < threshold) continue;
            try {
                scan(c, zb, batch);
            } finally {
                batch.flushFromWorker(c, worker);
            }
        }
    }

    /** Scans one zone's bitmap: clear each set bit, isolate the block if it is still free, report by batches. */
    private void scan(StrategyContext c, ZoneBits zb, Batch batch) {
        int nw = zb.words.length();
        for (int wi = 0; wi < nw && !stopping(); wi++) {
            long w = zb.words.getAndSet(wi, 0);
            while (w != 0 && !stopping()) {
                int b = Long.numberOfTrailingZeros(w);
                w &= w - 1;
                zb.set.decrementAndGet();
                long pfn = zb.base + ((((long) wi << 6) + b) << zb.shift);
                int order = c.support.isolateBlock(zb.zone, pfn, c.order, true);
                if (order < 0) continue; // stale bit
                batch.add(zb.zone, pfn, order);
                if (batch.full() && batch.flushFromWorker(c, worker) < 0) return;
            }
            if (w != 0) {
                // stopping: leave the bits we did not look at (the state is dropped anyway)
                zb.set.addAndGet(-Long.bitCount(w));
            }
        }
    }

    @Override
    protected void onStop() {
        bits = new ZoneBits[0];
    }

    @Override
    public Map<String, Object> details() {
        Map<String, Object> m = new LinkedHashMap<>();
        long set = 0, total = 0;
        for (ZoneBits z : bits) {
            set += z.set.get();
            total += z.chunks;
        }
        m.put("bits set", set);
        m.put("bits", total);
        m.put("threshold", threshold);
        return m;
    }
}
