package mm.reporting.internal;

import mm.core.spi.FreePageReportingSupport.ZoneHandle;

/** The scatterlist of one report: up to capacity isolated blocks, reported together and put back together. */
final class Batch {
    final long[] pfns;
    final int[] orders;
    final ZoneHandle[] zones;
    int n;

    Batch(int capacity) {
        pfns = new long[capacity];
        orders = new int[capacity];
        zones = new ZoneHandle[capacity];
    }

    boolean full() { return n == pfns.length; }

    int room() { return pfns.length - n; }

    void add(ZoneHandle z, long pfn, int order) {
        zones[n] = z;
        pfns[n] = pfn;
        orders[n] = order;
        n++;
    }

    /**
     * Reports the batch to the device from a worker: waits the device's latency on the emulated clock (the pages
     * stay isolated meanwhile; an abort ends the wait at once), then puts every block back, marked reported when the
     * report succeeded. Returns the device's result (negative: an errno).
     */
    long flushFromWorker(StrategyContext ctx, EmuClock.Worker w) {
        if (n == 0) return 0;
        long rc;
        try {
            long t0 = ctx.clock.now();
            rc = ctx.device.report(pfns, orders, n);
            if (rc > 0) {
                w.sleepUntil(t0 + rc);
                ctx.metrics.workerWaited(Math.max(0, ctx.clock.now() - t0));
            }
        } finally {
            putBack(ctx, true);
        }
        return rc;
    }

    /**
     * Reports the batch synchronously on the freeing path (the caller holds the zone lock): the freeing thread
     * stalls for the device's latency, which advances the emulated clock. Returns the emulated stall.
     */
    long flushOnFreePath(StrategyContext ctx) {
        if (n == 0) return 0;
        long rc = 0;
        try {
            rc = ctx.device.report(pfns, orders, n);
            if (rc > 0) ctx.clock.advanceNoWait(rc);
        } finally {
            putBack(ctx, rc >= 0);
        }
        return Math.max(0, rc);
    }

    private void putBack(StrategyContext ctx, boolean reported) {
        if (n == 0) return;
        ZoneHandle first = zones[0];
        for (int i = 0; i < n; i++) {
            ctx.support.putback(zones[i], pfns[i], orders[i], reported);
            if (reported) ctx.metrics.reported(zones[i].nid(), zones[i].type(), orders[i]);
            zones[i] = null;
        }
        ctx.metrics.batch(first.nid(), first.type());
        n = 0;
    }
}
