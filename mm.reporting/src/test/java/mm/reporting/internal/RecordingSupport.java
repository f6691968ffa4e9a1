package mm.reporting.internal;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import mm.core.api.MigrateType;
import mm.core.api.ZoneType;
import mm.core.spi.FreePageReportingSupport;

/** Delegates to the real support and remembers which blocks are isolated right now (pfn -> order). */
final class RecordingSupport implements FreePageReportingSupport {
    final FreePageReportingSupport d;
    final ConcurrentHashMap<Long, Integer> isolated = new ConcurrentHashMap<>();

    RecordingSupport(FreePageReportingSupport d) {
        this.d = d;
    }

    /** The isolated block containing pfn, or -1. */
    long isolatedBlockContaining(long pfn) {
        for (int o = 0; o <= 10; o++) {
            long h = pfn & -(1L << o);
            Integer got = isolated.get(h);
            if (got != null && got >= o) return h;
        }
        return -1;
    }

    @Override public boolean booted() { return d.booted(); }
    @Override public long bootId() { return d.bootId(); }
    @Override public List<ZoneHandle> zones() { return d.zones(); }
    @Override public int zoneSlots() { return d.zoneSlots(); }
    @Override public int slotOf(int nid, ZoneType zone) { return d.slotOf(nid, zone); }
    @Override public ZoneHandle zoneOfPfn(long pfn) { return d.zoneOfPfn(pfn); }
    @Override public long nrFree(ZoneHandle z, int order) { return d.nrFree(z, order); }
    @Override public long nrFree(ZoneHandle z, int order, MigrateType mt) { return d.nrFree(z, order, mt); }
    @Override public boolean reportingWatermarkOk(ZoneHandle z, int order, int capacity) { return d.reportingWatermarkOk(z, order, capacity); }

    @Override
    public int isolateUnreported(ZoneHandle z, int order, MigrateType mt, long[] out, int off, int max) {
        int n = d.isolateUnreported(z, order, mt, out, off, max);
        for (int i = off; i < off + n; i++) {
            if (isolated.putIfAbsent(out[i], order) != null) throw new AssertionError("isolated twice: " + out[i]);
        }
        return n;
    }

    @Override
    public int isolateBlock(ZoneHandle z, long pfn, int minOrder, boolean skipReported) {
        int o = d.isolateBlock(z, pfn, minOrder, skipReported);
        if (o >= 0 && isolated.putIfAbsent(pfn, o) != null) throw new AssertionError("isolated twice: " + pfn);
        return o;
    }

    @Override
    public boolean putback(ZoneHandle z, long pfn, int order, boolean reported) {
        Integer o = isolated.remove(pfn);
        if (o == null || o != order) throw new AssertionError("put back a block that was not isolated: " + pfn);
        return d.putback(z, pfn, order, reported);
    }

    @Override public void forEachFreeBlock(ZoneHandle z, int minOrder, FreeBlockVisitor v) { d.forEachFreeBlock(z, minOrder, v); }
    @Override public long[] captureFreeBitmap(ZoneHandle z, int order, boolean unreportedOnly) { return d.captureFreeBitmap(z, order, unreportedOnly); }
    @Override public long clearReported(ZoneHandle z) { return d.clearReported(z); }
    @Override public long[] reportedFreePages(ZoneHandle z) { return d.reportedFreePages(z); }
    @Override public boolean isReported(long pfn) { return d.isReported(pfn); }
    @Override public boolean isIsolated(long pfn) { return d.isIsolated(pfn); }
}
