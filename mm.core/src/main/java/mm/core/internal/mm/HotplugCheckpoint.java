package mm.core.internal.mm;

import static mm.core.internal.mm.MemmapImpl.INIT;
import static mm.core.internal.mm.MemmapImpl.MASK;
import static mm.core.internal.mm.MemmapImpl.NONE;
import static mm.core.internal.mm.MemmapImpl.SHIFT;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import mm.core.api.ZoneType;
import mm.core.spi.MemoryHotplugSupport;

/**
 * What a hot-add, online or memremap of a range of sections can change, captured before it starts so that a failure
 * part-way (a primitive that throws, an OutOfMemoryError, a notifier that throws) can be undone the way the kernel's
 * error paths undo it (add_memory_resource's {@code error:} label removes the sections again, online_pages'
 * {@code failed_addition} undoes the zone move). Small: the spans, page counts and derived values of every zone
 * and node, the per-section state of the range (present, online, device, pageblock types) and which of its struct pages were
 * uninitialised; the struct pages themselves are not copied, because none of these operations changes an
 * initialised struct page outside what they add to the buddy: the range's free blocks are unlinked, pages that were
 * uninitialised are poisoned again and sections that were absent go away.
 */
final class HotplugCheckpoint implements MemoryHotplugSupport.Checkpoint {
    private record ZoneState(Zone z, long start, long spanned, long present, long presentEarly, long managed,
                             long[] wmarks, long[] lowmemReserve, int pcpHighMin, int pcpHighMax, int pcpBatch,
                             java.util.Map<Zone.Pcp, int[]> pagesets) {}

    private record NodeState(Node n, long start, long end, long present) {}

    private record SectionState(boolean online, boolean device, byte[] pageblockMt,
                                List<int[]> uninitialised) {}

    final Kernel kernel;
    private final long firstSection, endSection;
    /** The range's sections that were present, by number (absent ones are not listed: the range may be huge). */
    private final Map<Long, SectionState> sections = new HashMap<>();
    private final List<ZoneState> zones = new ArrayList<>();
    private final List<NodeState> nodes = new ArrayList<>();
    private final Map<Long, Integer> addedNid, earlyNid;
    private final Map<Long, ZoneType> onlineZone;
    /** The ranges hot-added into the direct map. */
    private final List<long[]> directMap;

    HotplugCheckpoint(Kernel k, HotplugSupportImpl.State st, long startPfn, long nrPages) {
        this.kernel = k;
        directMap = k.directMap.snapshot();
        firstSection = startPfn >>> SHIFT;
        endSection = (startPfn + nrPages + MASK) >>> SHIFT;
        long limit = Math.min(endSection, k.mm.maxPfn() >>> SHIFT);
        for (long nr = firstSection; nr < limit; nr++) {
            MemmapImpl.Section s = k.mm.section(nr << SHIFT);
            if (s == null) continue;
            List<int[]> runs = new ArrayList<>();
            if (!s.materialised()) {
                runs.add(new int[] {0, MASK + 1}); // no arrays yet: every page uninitialised
            } else if (!s.uniform && !s.identical) { // (those are initialised throughout)
                int from = -1;
                for (int p = 0; p <= MASK + 1; p++) {
                    boolean uninit = p <= MASK && (s.flags[p] & INIT) == 0;
                    if (uninit && from < 0) from = p;
                    else if (!uninit && from >= 0) { runs.add(new int[] {from, p}); from = -1; }
                }
            }
            sections.put(nr, new SectionState(s.online, s.device, s.pageblockMt.clone(), runs));
        }
        for (Node n : k.nodes) {
            synchronized (n) { nodes.add(new NodeState(n, n.startPfn, n.endPfn, n.presentPages)); }
            for (Zone z : n.zones) {
                synchronized (z) {
                    // the pagesets created so far (CPUs get theirs on first use) and the values new ones start with
                    java.util.Map<Zone.Pcp, int[]> pagesets = new java.util.IdentityHashMap<>();
                    z.forEachPcp((cpu, p) -> pagesets.put(p, new int[] {p.highMin, p.highMax, p.batch}));
                    zones.add(new ZoneState(z, z.zoneStartPfn, z.spanned, z.present, z.presentEarly, z.managed,
                            new long[] {z.wmarkMin, z.wmarkLow, z.wmarkHigh, z.wmarkPromo},
                            z.lowmemReserve.clone(), z.pcpHighMin, z.pcpHighMax, z.pcpBatch, pagesets));
                }
            }
        }
        synchronized (st) {
            addedNid = new HashMap<>(st.addedNid);
            earlyNid = new HashMap<>(st.earlyNid);
            onlineZone = new HashMap<>(st.onlineZone);
        }
    }

    /**
     * Puts back what the operation changed: the range's free blocks leave the free lists (unlinked one by one, so
     * what other code did to the lists meanwhile, e.g. page_ext tables allocated from another zone, stays), the
     * zones and nodes get their spans and page counts back and their free counters recounted from the lists, the
     * range's sections and struct pages are as before, and the values derived from all that (watermarks,
     * lowmem_reserve, pcp high/batch, zonelists) are restored.
     */
    void rollback(HotplugSupportImpl.State st) {
        Kernel k = kernel;
        java.util.Set<Zone> touched = new java.util.HashSet<>();
        long limit = Math.min(endSection, k.mm.maxPfn() >>> SHIFT);
        for (long nr = firstSection; nr < limit; nr++) {
            MemmapImpl.Section s = k.mm.section(nr << SHIFT);
            if (s == null || !s.materialised() || s.identical) continue; // an identical section has no free page
            SectionState was = sections.get(nr);
            long base = nr << SHIFT;
            for (int i = 0; i <= MASK; i++) {
                long f = s.flags[i];
                if ((f & INIT) == 0 || (f & Zone.BUDDY) == 0) continue;
                if (was != null && !wasUninitialised(was, i)) continue; // a free page that was there before
                Zone z = k.pageZone(f);
                touched.add(z);
                unlink(z, base + i);
                s.flags[i] = f & ~(Zone.BUDDY | Zone.REPORTED | MemmapImpl.BUDDY_ORDER_MASK);
            }
        }
        for (ZoneState zs : zones) {
            Zone z = zs.z;
            synchronized (z) {
                if (touched.contains(z) || z.spanned != zs.spanned || z.zoneStartPfn != zs.start
                        || z.present != zs.present || z.managed != zs.managed) {
                    // only the range's pages moved these: allocations elsewhere do not change them
                    z.zoneStartPfn = zs.start;
                    z.spanned = zs.spanned;
                    z.present = zs.present;
                    z.presentEarly = zs.presentEarly;
                    z.managed = zs.managed;
                    if (touched.contains(z)) recount(z);
                }
                z.wmarkMin = zs.wmarks[0];
                z.wmarkLow = zs.wmarks[1];
                z.wmarkHigh = zs.wmarks[2];
                z.wmarkPromo = zs.wmarks[3];
                System.arraycopy(zs.lowmemReserve, 0, z.lowmemReserve, 0, zs.lowmemReserve.length);
                z.pcpHighMin = zs.pcpHighMin;
                z.pcpHighMax = zs.pcpHighMax;
                z.pcpBatch = zs.pcpBatch;
                // pageset_update's values back (a pageset made since: the zone's restored ones); pcp->high, like the
                // count, is the pageset's traffic and stays: its next refill, free or decay clamps it
                z.forEachPcp((cpu, p) -> {
                    int[] hb = zs.pagesets.get(p);
                    p.highMin = hb != null ? hb[0] : zs.pcpHighMin;
                    p.highMax = hb != null ? hb[1] : zs.pcpHighMax;
                    p.batch = hb != null ? hb[2] : zs.pcpBatch;
                });
            }
        }
        for (NodeState ns : nodes) {
            synchronized (ns.n) {
                ns.n.startPfn = ns.start;
                ns.n.endPfn = ns.end;
                ns.n.presentPages = ns.present;
            }
        }
        for (long nr = firstSection; nr < limit; nr++) {
            MemmapImpl.Section s = k.mm.section(nr << SHIFT);
            if (s == null) continue; // none of these operations removes a section
            SectionState was = sections.get(nr);
            if (was == null) {
                k.mm.removeSection(nr);
                continue;
            }
            long base = nr << SHIFT;
            for (int[] r : was.uninitialised) k.mm.poisonRange(base + r[0], base + r[1]);
            s.online = was.online;
            s.device = was.device;
            System.arraycopy(was.pageblockMt, 0, s.pageblockMt, 0, s.pageblockMt.length);
        }
        synchronized (st) {
            st.addedNid.clear();
            st.addedNid.putAll(addedNid);
            st.earlyNid.clear();
            st.earlyNid.putAll(earlyNid);
            st.onlineZone.clear();
            st.onlineZone.putAll(onlineZone);
        }
        k.directMap.restore(directMap);
        // the zonelists follow the zones' populated state again (silently: nothing changed for the kernel)
        k.zonelists.build(k);
    }

    private static boolean wasUninitialised(SectionState was, int i) {
        for (int[] r : was.uninitialised) if (i >= r[0] && i < r[1]) return true;
        return false;
    }

    /**
     * Takes one free block of the range off whichever list holds it, trusting a link only when the list agrees: a
     * block whose listing failed half-way (its flags set, its links not) leaves the list as it is.
     */
    private void unlink(Zone z, long pfn) {
        MemmapImpl mm = kernel.mm;
        long self = pfn;
        long next = mm.next(pfn), prev = mm.prev(pfn);
        synchronized (z) {
            try {
                if (prev == NONE) {
                    for (int li = 0; li < z.head.length; li++) if (z.head[li] == self) z.head[li] = next;
                } else if (mm.valid(prev) && mm.next(prev) == self) mm.setNext(prev, next);
                if (next == NONE) {
                    for (int li = 0; li < z.tail.length; li++) if (z.tail[li] == self) z.tail[li] = prev;
                } else if (mm.valid(next) && mm.prev(next) == self) mm.setPrev(next, prev);
            } catch (RuntimeException e) {
                // a link that is no pfn at all: the recount below stops at it
            }
            mm.setNext(pfn, NONE);
            mm.setPrev(pfn, NONE);
        }
    }

    /** nr_free per order and type and NR_FREE_PAGES from what the lists hold (zone lock held). */
    private void recount(Zone z) {
        MemmapImpl mm = kernel.mm;
        long total = 0, cma = 0;
        java.util.Arrays.fill(z.nrFree, 0);
        for (int li = 0; li < z.head.length; li++) {
            int order = li / Zone.NMT;
            long n = 0;
            long bound = z.spanned + 1;
            long p = z.head[li], last = NONE;
            while (p != NONE && n <= bound) {
                if (!mm.valid(p)) {
                    // a link to no pfn (a listing that failed half-way): the list ends before it
                    if (last == NONE) z.head[li] = NONE; else mm.setNext(last, NONE);
                    z.tail[li] = last;
                    break;
                }
                n++;
                last = p;
                p = mm.next(p);
            }
            z.nrFreeMt[li] = n;
            z.nrFree[order] += n;
            total += n << order;
            if (li % Zone.NMT == Zone.MT_CMA) cma += n << order;
        }
        z.freePages = total;
        z.freeCma = cma;
    }
}
