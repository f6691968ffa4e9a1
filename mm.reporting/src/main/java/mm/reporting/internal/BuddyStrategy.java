package mm.reporting.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import mm.core.api.MigrateType;
import mm.core.api.Mm;
import mm.core.api.ZoneType;
import mm.core.hook.FreeListHook;
import mm.core.spi.FreePageReportingSupport.ZoneHandle;
import mm.reporting.api.ReportingService;
import mm.variant.api.Variant;
import org.osgi.service.component.annotations.Component;

/**
 * {@code buddy}: upstream mm/page_reporting.c (v5.7+). The free lists are the state and PageReported the memory:
 * page_reporting_notify_free requests a pass when a free ends at order >= page_reporting_order; the pass runs 2 s
 * later (emulated), walks every zone whose watermark allows it, and per (order, migratetype) list isolates up to 32
 * unreported blocks at a time, reports them and puts them back at the tail marked reported, with a budget of about
 * 1/16 of the list per pass (another pass follows 2 s later).
 */
@Component(service = Strategy.class)
@Variant(subsystem = ReportingService.SUBSYSTEM, variant = ReportingService.BUDDY, variant_default = true)
public final class BuddyStrategy extends WorkerStrategy {
    static final int IDLE = 0, REQUESTED = 1, ACTIVE = 2;
    /** Lists are processed in about 16 passes ("all pages on an idle system in about 30 seconds"). */
    static final int PAGE_REPORTING_BUDGET_PASSES = 16;
    private static final MigrateType[] TYPES = {MigrateType.UNMOVABLE, MigrateType.MOVABLE, MigrateType.RECLAIMABLE,
        MigrateType.HIGHATOMIC};

    private final AtomicInteger state = new AtomicInteger(IDLE);
    private volatile long scheduledAt;
    private volatile int minOrder = Mm.PAGEBLOCK_ORDER;

    @Override public String name() { return ReportingService.BUDDY; }

    @Override
    protected void onStart(StrategyContext c) {
        minOrder = c.order;
        state.set(IDLE);
    }

    /** page_reporting_register requests a first pass. */
    @Override
    protected void afterStart() { request(); }

    /** __page_reporting_request. */
    void request() {
        if (state.get() == REQUESTED) return;
        int old = state.getAndSet(REQUESTED);
        if (old == IDLE) {
            scheduledAt = ctx.clock.now() + ctx.params.delayNanos();
            worker.request();
        }
    }

    private final FreeListHook notifyFree = this::notifyFree;

    /** page_reporting_notify_free: the end of __free_one_page. */
    private void notifyFree(int nid, ZoneType zone, long pfn, int order, MigrateType mt) {
        if (order < minOrder || !active) return;
        long t0 = System.nanoTime();
        StrategyContext c = ctx;
        ZoneHandle z = c.zone(nid, zone);
        if (z != null) c.counters[z.slot()].captured(order);
        request();
        c.metrics.freePath(System.nanoTime() - t0, 0);
    }

    @Override protected FreeListHook hook() { return notifyFree; }

    /** page_reporting_process. */
    @Override
    protected void pass() {
        StrategyContext c = ctx;
        while (!stopping()) {
            if (!worker.sleepUntil(scheduledAt)) return;
            state.set(ACTIVE);
            c.metrics.pass();
            Batch batch = new Batch(c.capacity());
            for (ZoneHandle z : c.zones) {
                if (stopping()) break;
                processZone(c, z, batch);
            }
            // another request (or an exhausted budget) arrived during the pass: run again 2 s later
            if (state.compareAndSet(ACTIVE, IDLE)) return;
            scheduledAt = c.clock.now() + c.params.delayNanos();
        }
    }

    /** page_reporting_process_zone. */
    private void processZone(StrategyContext c, ZoneHandle z, Batch batch) {
        if (!c.support.reportingWatermarkOk(z, c.order, c.capacity())) return;
        try {
            for (int o = c.order; o <= Mm.MAX_PAGE_ORDER && !stopping(); o++) {
                for (MigrateType mt : TYPES) {
                    if (stopping() || !cycle(c, z, o, mt, batch)) break;
                }
            }
        } finally {
            // report the leftover partial scatterlist (or return it at once when stopping)
            batch.flushFromWorker(c, worker);
        }
    }

    /** page_reporting_cycle for one free list; false on a report error. */
    private boolean cycle(StrategyContext c, ZoneHandle z, int order, MigrateType mt, Batch batch) {
        long nr = c.support.nrFree(z, order, mt);
        if (nr == 0) return true;
        long budget = (nr + (long) c.capacity() * PAGE_REPORTING_BUDGET_PASSES - 1)
                / ((long) c.capacity() * PAGE_REPORTING_BUDGET_PASSES);
        while (!stopping()) {
            int off = batch.n;
            int got = c.support.isolateUnreported(z, order, mt, batch.pfns, off, batch.room());
            for (int i = off; i < off + got; i++) {
                batch.zones[i] = z;
                batch.orders[i] = order;
            }
            batch.n += got;
            if (!batch.full()) return true; // the list has no more unreported blocks (or the watermark stopped us)
            long rc = batch.flushFromWorker(c, worker);
            if (rc < 0) return false;
            if (--budget <= 0) {
                state.set(REQUESTED); // more remains: another pass in 2 s
                return true;
            }
        }
        return true;
    }

    @Override
    public Map<String, Object> details() {
        Map<String, Object> m = new LinkedHashMap<>();
        int s = state.get();
        m.put("state", s == IDLE ? "idle" : s == REQUESTED ? "requested" : "active");
        if (s == REQUESTED) m.put("next pass at ns", scheduledAt);
        return m;
    }
}
