package mm.reporting.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import mm.core.api.Mm;
import mm.core.api.ZoneType;
import mm.reporting.api.ReportingStats;

/** Free page reporting counters: totals, and per zone and order. Thread-safe; cheap enough for the hooks. */
public final class Metrics {
    /** One zone's counters, indexed by order. */
    public static final class ZoneCounters {
        final int nid;
        final ZoneType type;
        final AtomicLongArray reportedPages = new AtomicLongArray(Mm.NR_PAGE_ORDERS);
        final AtomicLongArray reportedBlocks = new AtomicLongArray(Mm.NR_PAGE_ORDERS);
        final AtomicLongArray captures = new AtomicLongArray(Mm.NR_PAGE_ORDERS);
        final AtomicLongArray dropped = new AtomicLongArray(Mm.NR_PAGE_ORDERS);
        final AtomicLongArray refaults = new AtomicLongArray(Mm.NR_PAGE_ORDERS);
        final AtomicLong batches = new AtomicLong();

        ZoneCounters(int nid, ZoneType type) {
            this.nid = nid;
            this.type = type;
        }

        public void captured(int order) { captures.incrementAndGet(order); }

        public void dropped(int order) { dropped.incrementAndGet(order); }
    }

    private final ConcurrentSkipListMap<Integer, ZoneCounters> zones = new ConcurrentSkipListMap<>();
    final LongAdder batches = new LongAdder();
    final LongAdder freePathCalls = new LongAdder();
    final LongAdder freePathCpu = new LongAdder();
    final LongAdder freePathEmu = new LongAdder();
    final LongAdder workerCpu = new LongAdder();
    final LongAdder workerEmu = new LongAdder();
    final LongAdder passes = new LongAdder();

    public ZoneCounters zone(int nid, ZoneType type) {
        int key = nid * ZoneType.VALUES.length + type.ordinal();
        ZoneCounters z = zones.get(key);
        return z != null ? z : zones.computeIfAbsent(key, k -> new ZoneCounters(nid, type));
    }

    public void reported(int nid, ZoneType type, int order) {
        ZoneCounters z = zone(nid, type);
        z.reportedBlocks.incrementAndGet(order);
        z.reportedPages.addAndGet(order, 1L << order);
    }

    public void batch(int nid, ZoneType type) {
        batches.increment();
        zone(nid, type).batches.incrementAndGet();
    }

    public void refault(int nid, ZoneType type, int order, long pages) {
        zone(nid, type).refaults.addAndGet(order, pages);
    }

    public void freePath(long cpuNanos, long emuNanos) {
        freePathCalls.increment();
        freePathCpu.add(cpuNanos);
        if (emuNanos > 0) freePathEmu.add(emuNanos);
    }

    public void worker(long cpuNanos) { workerCpu.add(cpuNanos); }

    public void workerWaited(long emuNanos) { workerEmu.add(emuNanos); }

    public void pass() { passes.increment(); }

    /** Zeroes every counter (the per-zone objects stay: running strategies hold them). */
    public void reset() {
        for (ZoneCounters z : zones.values()) {
            for (int o = 0; o < Mm.NR_PAGE_ORDERS; o++) {
                z.reportedPages.set(o, 0);
                z.reportedBlocks.set(o, 0);
                z.captures.set(o, 0);
                z.dropped.set(o, 0);
                z.refaults.set(o, 0);
            }
            z.batches.set(0);
        }
        batches.reset();
        freePathCalls.reset();
        freePathCpu.reset();
        freePathEmu.reset();
        workerCpu.reset();
        workerEmu.reset();
        passes.reset();
    }

    private static long[] arr(AtomicLongArray a) {
        long[] out = new long[a.length()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i);
        return out;
    }

    private static long sum(long[] a) {
        long s = 0;
        for (long x : a) s += x;
        return s;
    }

    private static boolean idle(ZoneCounters z) {
        if (z.batches.get() != 0) return false;
        for (int o = 0; o < Mm.NR_PAGE_ORDERS; o++) {
            if (z.captures.get(o) != 0 || z.dropped.get(o) != 0 || z.reportedBlocks.get(o) != 0 || z.refaults.get(o) != 0)
                return false;
        }
        return true;
    }

    /** The counters as a {@link ReportingStats} (the host view and state come from the caller). */
    ReportingStats snapshot(String strategy, boolean running, int order, long hostRss, long discarded, long isolated) {
        List<ReportingStats.Zone> zs = new ArrayList<>();
        long rp = 0, rb = 0, cap = 0, drop = 0, ref = 0;
        for (ZoneCounters z : zones.values()) {
            if (idle(z)) continue;
            ReportingStats.Zone s = new ReportingStats.Zone(z.nid, z.type.kernelName(), arr(z.reportedPages),
                    arr(z.reportedBlocks), arr(z.captures), arr(z.dropped), arr(z.refaults), z.batches.get());
            zs.add(s);
            rp += sum(s.reportedPages());
            rb += sum(s.reportedBlocks());
            cap += sum(s.captures());
            drop += sum(s.dropped());
            ref += sum(s.refaults());
        }
        return new ReportingStats(strategy, running, order, rp, rb, batches.sum(), cap, drop, ref,
                freePathCalls.sum(), freePathCpu.sum(), freePathEmu.sum(), workerCpu.sum(), workerEmu.sum(),
                passes.sum(), hostRss, discarded, isolated, List.copyOf(zs));
    }
}
