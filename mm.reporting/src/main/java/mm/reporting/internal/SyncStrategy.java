package mm.reporting.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import mm.core.api.MigrateType;
import mm.core.api.ZoneType;
import mm.core.hook.FreeListHook;
import mm.core.spi.FreePageReportingSupport.ZoneHandle;
import mm.core.spi.FreePageReportingSupport;
import mm.reporting.api.ReportingService;
import mm.variant.api.Variant;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code sync}: the first designs of seed 004 ("free a page, report it to the hypervisor"). Every free that ends
 * in a block of order >= page_reporting_order is reported at once from the freeing thread, inside __free_one_page
 * with the zone lock held: the block is isolated, reported alone, and put back marked reported. The device's
 * latency is paid on the freeing path (the emulated clock advances while the freeing thread, and everybody waiting
 * for its zone lock, stalls).
 */
@Component(service = Strategy.class)
@Variant(subsystem = ReportingService.SUBSYSTEM, variant = ReportingService.SYNC)
public final class SyncStrategy implements Strategy {
    private static final Logger LOG = LoggerFactory.getLogger(SyncStrategy.class);
    private volatile StrategyContext ctx;
    private volatile boolean active;
    private AutoCloseable registration;
    /** Per-thread scatterlist of one entry (the hook may run on many freeing threads at once). */
    private final ThreadLocal<Batch> batches = new ThreadLocal<>();

    @Override public String name() { return ReportingService.SYNC; }

    @Override
    public synchronized void start(StrategyContext c) {
        ctx = c;
        active = true;
        registration = c.addFreeListHook(hook);
    }

    private final FreeListHook hook = this::onEnqueue;

    private void onEnqueue(int nid, ZoneType zone, long pfn, int order, MigrateType mt) {
        StrategyContext c = ctx;
        if (!active || c == null || order < c.order || mt == MigrateType.ISOLATE) return;
        long t0 = System.nanoTime();
        ZoneHandle z = c.zone(nid, zone);
        if (z == null) return;
        c.counters[z.slot()].captured(order);
        long stall = 0;
        // we hold the zone lock: the support's calls re-enter it
        int got = c.support.isolateBlock(z, pfn, c.order, true);
        if (got >= 0) {
            Batch b = batches.get();
            if (b == null) batches.set(b = new Batch(1));
            b.add(z, pfn, got);
            stall = b.flushOnFreePath(c);
        } else if (got == FreePageReportingSupport.WATERMARK) {
            LOG.debug("sync: pfn {} not reported: zone below its watermark", pfn);
        }
        c.metrics.freePath(System.nanoTime() - t0, stall);
    }

    @Override
    public synchronized void stop() {
        if (ctx == null) return;
        active = false;
        try {
            if (registration != null) registration.close();
        } catch (Exception e) {
            LOG.warn("sync: unregistering the enqueue hook failed", e);
        }
        registration = null;
        // a hook still running holds its zone lock: taking every zone lock once waits for it to finish
        for (ZoneHandle z : ctx.zones) ctx.support.nrFree(z, 0);
        ctx = null;
    }

    @Override
    public Map<String, Object> details() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("state", active ? "reporting on every qualifying free" : "stopped");
        return m;
    }
}
