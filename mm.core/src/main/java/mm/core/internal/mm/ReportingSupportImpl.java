package mm.core.internal.mm;

import static mm.core.internal.mm.MemmapImpl.NONE;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import mm.core.api.MigrateType;
import mm.core.api.Mm;
import mm.core.api.ZoneType;
import mm.core.spi.FreePageReportingSupport;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@link FreePageReportingSupport} on mm.core's buddy allocator: the free lists threaded through the memmap, the zone
 * lock ({@code synchronized (zone)}), NR_FREE_PAGES and the isolated-for-reporting state the checker accounts.
 */
@Component(service = FreePageReportingSupport.class)
public final class ReportingSupportImpl implements FreePageReportingSupport {
    private final BootedKernel model;
    private final Object refreshLock = new Object();
    private volatile Snapshot snap;

    /** The zone handles of one boot. */
    private static final class Snapshot {
        final Kernel kernel;
        final long layout;
        final long bootId;
        final List<ZoneRef> zones;
        final int[] slotByKey;

        Snapshot(Kernel kernel, long layout, long bootId, List<ZoneRef> zones, int[] slotByKey) {
            this.kernel = kernel;
            this.layout = layout;
            this.bootId = bootId;
            this.zones = zones;
            this.slotByKey = slotByKey;
        }
    }

    final class ZoneRef implements ZoneHandle {
        final Kernel k;
        final Zone z;
        final int slot;

        ZoneRef(Kernel k, Zone z, int slot) {
            this.k = k;
            this.z = z;
            this.slot = slot;
        }

        @Override public int nid() { return z.nid; }
        @Override public ZoneType type() { return z.type; }
        @Override public long startPfn() { return z.zoneStartPfn; }
        @Override public long endPfn() { return z.endPfn(); }
        @Override public long managedPages() { return z.managed; }
        @Override public long freePages() { return z.freePages; }
        @Override public long isolatedPages() { synchronized (z) { return z.isolated; } }
        @Override public boolean current() { return model.booted() && model.kernel() == k; }
        @Override public int slot() { return slot; }
        @Override public String toString() { return "node " + z.nid + " zone " + z.type.kernelName(); }
    }

    @Activate
    public ReportingSupportImpl(@Reference(name = "model") BootedKernel model) {
        this.model = model;
    }

    /** Which zones are populated: a kernel still booting (or onlining memory) gets new handles. */
    private static long layout(Kernel k) {
        long h = k.nodes.size();
        for (Node n : k.nodes) {
            for (Zone z : n.zones) h = h * 31 + (z.populated() || z.managed != 0 ? z.idx + 1 + z.nid * 8L : 0);
        }
        return h;
    }

    private Snapshot snapshot() {
        Kernel k = model.kernel();
        long layout = layout(k);
        Snapshot s = snap;
        if (s != null && s.kernel == k && s.layout == layout) return s;
        synchronized (refreshLock) {
            s = snap;
            if (s != null && s.kernel == k && s.layout == layout) return s;
            List<ZoneRef> zones = new ArrayList<>();
            int maxNid = 0;
            for (Node n : k.nodes) maxNid = Math.max(maxNid, n.nid);
            int[] slots = new int[(maxNid + 1) * ZoneType.VALUES.length];
            java.util.Arrays.fill(slots, -1);
            for (Node n : k.nodes) {
                for (Zone z : n.zones) {
                    if (!z.populated() && z.managed == 0) continue;
                    slots[z.nid * ZoneType.VALUES.length + z.idx] = zones.size();
                    zones.add(new ZoneRef(k, z, zones.size()));
                }
            }
            s = new Snapshot(k, layout, s == null ? 1 : s.bootId + 1, Collections.unmodifiableList(zones), slots);
            snap = s;
            return s;
        }
    }

    private static Zone zone(ZoneHandle h) { return ((ZoneRef) h).z; }

    private static MemmapImpl mm(ZoneHandle h) { return ((ZoneRef) h).k.mm; }

    @Override public boolean booted() { return model.booted(); }

    @Override public long bootId() { return model.booted() ? snapshot().bootId : 0; }

    @Override public List<ZoneHandle> zones() { return Collections.unmodifiableList(snapshot().zones); }

    @Override public int zoneSlots() { return snapshot().zones.size(); }

    @Override public int slotOf(int nid, ZoneType zone) {
        Snapshot s = snapshot();
        int key = nid * ZoneType.VALUES.length + zone.ordinal();
        return nid < 0 || key >= s.slotByKey.length ? -1 : s.slotByKey[key];
    }

    @Override public ZoneHandle zoneOfPfn(long pfn) {
        Snapshot s = snapshot();
        for (ZoneRef r : s.zones) if (r.z.spans(pfn)) return r;
        return null;
    }

    @Override public long nrFree(ZoneHandle h, int order) {
        Zone z = zone(h);
        synchronized (z) { return z.nrFree[order]; }
    }

    @Override public long nrFree(ZoneHandle h, int order, MigrateType mt) {
        Zone z = zone(h);
        synchronized (z) { return z.nrFreeMt(order, mt.ordinal()); }
    }

    @Override public boolean reportingWatermarkOk(ZoneHandle h, int order, int capacity) {
        Zone z = zone(h);
        synchronized (z) { return z.watermarkOk(0, z.wmarkLow + ((long) capacity << order), z.idx); }
    }

    /** __isolate_free_page under zone->lock: watermark, unlink (clears PageReported), NR_FREE_PAGES, mark isolated. */
    private static boolean isolateLocked(Zone z, MemmapImpl mm, long pfn, int order, int mt) {
        if (!z.watermarkOk(0, z.wmarkMin + (1L << order), 0)) return false;
        z.delFromList(pfn, order, mt);
        z.freePages -= 1L << order;
        mm.setPrev(pfn, PageAlloc.ISOLATED);
        mm.setNext(pfn, order);
        z.isolated += 1L << order;
        return true;
    }

    @Override public int isolateUnreported(ZoneHandle h, int order, MigrateType mt, long[] out, int off, int max) {
        Zone z = zone(h);
        MemmapImpl mm = mm(h);
        int m = mt.ordinal();
        synchronized (z) {
            int li = order * Zone.NMT + m;
            long p = z.head[li];
            int n = 0;
            while (p != NONE && n < max) {
                long next = mm.next(p);
                if ((mm.f(p) & Zone.REPORTED) == 0) {
                    if (!isolateLocked(z, mm, p, order, m)) break;
                    out[off + n++] = p;
                }
                p = next;
            }
            if (p != NONE && p != z.head[li]) rotateToFront(z, mm, li, p);
            return n;
        }
    }

    /** list_rotate_to_front: {@code p} becomes the head, the blocks before it move behind the old tail. */
    private static void rotateToFront(Zone z, MemmapImpl mm, int li, long p) {
        long oldHead = z.head[li], oldTail = z.tail[li];
        long before = mm.prev(p);
        mm.setNext(oldTail, oldHead);
        mm.setPrev(oldHead, oldTail);
        mm.setNext(before, NONE);
        mm.setPrev(p, NONE);
        z.head[li] = p;
        z.tail[li] = before;
    }

    @Override public int isolateBlock(ZoneHandle h, long pfn, int minOrder, boolean skipReported) {
        Zone z = zone(h);
        MemmapImpl mm = mm(h);
        synchronized (z) {
            if (!z.spans(pfn) || mm.section(pfn) == null) return NOT_FREE;
            long f = mm.f(pfn);
            if ((f & Zone.BUDDY) == 0) return NOT_FREE;
            int order = mm.priv(pfn);
            if (!z.isBuddy(pfn, order)) return NOT_FREE;
            if (order < minOrder) return TOO_SMALL;
            if (skipReported && (f & Zone.REPORTED) != 0) return ALREADY_REPORTED;
            int mt = mm.pageblockMt(pfn);
            if (mt == Zone.MT_ISOLATE) return NOT_FREE;
            return isolateLocked(z, mm, pfn, order, mt) ? order : WATERMARK;
        }
    }

    @Override public boolean putback(ZoneHandle h, long pfn, int order, boolean reported) {
        Zone z = zone(h);
        MemmapImpl mm = mm(h);
        synchronized (z) {
            if (mm.section(pfn) == null || mm.prev(pfn) != PageAlloc.ISOLATED || mm.next(pfn) != order)
                throw new IllegalStateException(String.format(java.util.Locale.ROOT,
                        "pfn %#x is not an order-%d block isolated for reporting (%s)", pfn, order, ((ZoneRef) h).k.pageAlloc.describe(pfn)));
            mm.setPrev(pfn, NONE);
            mm.setNext(pfn, NONE);
            z.isolated -= 1L << order;
            int mt = mm.pageblockMt(pfn);
            if (order > Mm.PAGEBLOCK_ORDER) {
                boolean mixed = false;
                for (long b = pfn + Mm.PAGEBLOCK_NR_PAGES; b < pfn + (1L << order); b += Mm.PAGEBLOCK_NR_PAGES)
                    mixed |= mm.pageblockMt(b) != mt;
                if (mixed) {
                    // a pageblock changed type while the block was away (isolation for offlining): one block each
                    for (long b = pfn; b < pfn + (1L << order); b += Mm.PAGEBLOCK_NR_PAGES)
                        z.freeOneLocked(b, Mm.PAGEBLOCK_ORDER, mm.pageblockMt(b), true, false);
                    return false;
                }
            }
            z.freeOneLocked(pfn, order, mt, true, false);
            if (reported && z.isBuddy(pfn, order)) {
                mm.setF(pfn, mm.f(pfn) | Zone.REPORTED);
                return true;
            }
            return false;
        }
    }

    @Override public void forEachFreeBlock(ZoneHandle h, int minOrder, FreeBlockVisitor v) {
        Zone z = zone(h);
        MemmapImpl mm = mm(h);
        synchronized (z) {
            for (int o = Math.max(0, minOrder); o <= Mm.MAX_PAGE_ORDER; o++) {
                for (int mt = 0; mt < Zone.NMT; mt++) {
                    MigrateType m = MigrateType.VALUES[mt];
                    for (long p = z.head[o * Zone.NMT + mt]; p != NONE; p = mm.next(p))
                        v.visit(p, o, m, (mm.f(p) & Zone.REPORTED) != 0);
                }
            }
        }
    }

    @Override public long[] captureFreeBitmap(ZoneHandle h, int order, boolean unreportedOnly) {
        long base = h.startPfn() & -(1L << order);
        long chunks = ((h.endPfn() - base) + (1L << order) - 1) >>> order;
        long[] bits = new long[(int) ((chunks + 63) >>> 6)];
        forEachFreeBlock(h, order, (pfn, o, mt, reported) -> {
            if (mt == MigrateType.ISOLATE || (unreportedOnly && reported)) return;
            // the zone may have grown by hotplug since the handle was taken: what lies outside its span waits
            if (pfn < base || ((pfn - base) >>> order) >= chunks) return;
            long i = (pfn - base) >>> order;
            bits[(int) (i >>> 6)] |= 1L << (i & 63);
        });
        return bits;
    }

    @Override public long clearReported(ZoneHandle h) {
        Zone z = zone(h);
        MemmapImpl mm = mm(h);
        long cleared = 0;
        synchronized (z) {
            for (int o = 0; o <= Mm.MAX_PAGE_ORDER; o++) {
                for (int mt = 0; mt < Zone.NMT; mt++) {
                    for (long p = z.head[o * Zone.NMT + mt]; p != NONE; p = mm.next(p)) {
                        long f = mm.f(p);
                        if ((f & Zone.REPORTED) != 0) {
                            mm.setF(p, f & ~Zone.REPORTED);
                            cleared += 1L << o;
                        }
                    }
                }
            }
        }
        return cleared;
    }

    @Override public long[] reportedFreePages(ZoneHandle h) {
        long[] out = new long[Mm.NR_PAGE_ORDERS];
        forEachFreeBlock(h, 0, (pfn, o, mt, reported) -> { if (reported) out[o] += 1L << o; });
        return out;
    }

    @Override public boolean isIsolated(long pfn) {
        MemmapImpl.Section s = model.kernel().mm.section(pfn);
        return s != null && s.prev((int) (pfn & MemmapImpl.MASK)) == PageAlloc.ISOLATED;
    }

    @Override public boolean isReported(long pfn) {
        Kernel k = model.kernel();
        MemmapImpl.Section s = k.mm.section(pfn);
        if (s == null) return false;
        long f = s.flags[(int) (pfn & MemmapImpl.MASK)];
        return (f & Zone.BUDDY) != 0 && (f & Zone.REPORTED) != 0;
    }
}
