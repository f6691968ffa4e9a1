package mm.core.internal.mm;

import static mm.core.internal.mm.MemmapImpl.INIT;
import static mm.core.internal.mm.MemmapImpl.MASK;
import static mm.core.internal.mm.MemmapImpl.NONE;
import static mm.core.internal.mm.MemmapImpl.SHIFT;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import mm.core.api.CallStack;
import mm.core.api.Gfp;
import mm.core.api.MigrateType;
import mm.core.api.Mm;
import mm.core.api.PageFlags;
import mm.core.api.ZoneType;
import mm.core.hook.MemoryNotifier;
import mm.core.hook.PageInitHook;
import mm.core.hook.PageMigrateHook;
import mm.core.spi.MemoryHotplugSupport;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The hotplug primitives on the booted {@link Kernel} (see {@link MemoryHotplugSupport} for what each one is in
 * the kernel). What the memmap does not hold itself (the node a hot-added section belongs to, the zone a block was
 * onlined to) is kept per booted kernel, so a new boot starts clean. Whiteboard: {@link PageInitHook}s (hotplug
 * memmap init), {@link PageMigrateHook}s (migration) and {@link MemoryNotifier}s (memory_notify).
 */
// immediate: the per-boot state (hot-added sections' nodes, onlined zones) must outlive its users' sessions
@Component(service = MemoryHotplugSupport.class, immediate = true)
public final class HotplugSupportImpl implements MemoryHotplugSupport {
    static final long RESERVED = PageFlags.bit(PageFlags.PG_reserved);
    static final long LRU = PageFlags.bit(PageFlags.PG_lru);
    static final long HEAD = PageFlags.bit(PageFlags.PG_head);
    static final int EAGAIN = 11, ENOMEM = 12;

    private final BootedKernel model;
    private final List<PageInitHook> initHooks = new CopyOnWriteArrayList<>();
    private final List<PageMigrateHook> migrateHooks = new CopyOnWriteArrayList<>();
    private final List<MemoryNotifier> notifiers = new CopyOnWriteArrayList<>();
    private final Map<Kernel, State> states = Collections.synchronizedMap(new WeakHashMap<>());
    private static final AtomicLong BOOT_IDS = new AtomicLong();

    /** What the kernel keeps in mem_section / memory_block and the memmap here does not. */
    static final class State {
        final long id = BOOT_IDS.incrementAndGet();
        /** hot-added sections and their node */
        final Map<Long, Integer> addedNid = new HashMap<>();
        /** boot sections' node, found lazily */
        final Map<Long, Integer> earlyNid = new HashMap<>();
        /** the zone a section was onlined to by hotplug */
        final Map<Long, ZoneType> onlineZone = new HashMap<>();
    }

    @Activate
    public HotplugSupportImpl(@Reference(name = "model") BootedKernel model) {
        this.model = model;
    }

    // ---- whiteboard
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void addInitHook(PageInitHook h) { initHooks.add(h); }
    public void removeInitHook(PageInitHook h) { initHooks.remove(h); }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void addMigrateHook(PageMigrateHook h) { migrateHooks.add(h); }
    public void removeMigrateHook(PageMigrateHook h) { migrateHooks.remove(h); }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void addNotifier(MemoryNotifier n) { notifiers.add(n); }
    public void removeNotifier(MemoryNotifier n) { notifiers.remove(n); }

    private Kernel k() { return model.kernel(); }

    private State state(Kernel k) {
        synchronized (states) {
            return states.computeIfAbsent(k, x -> new State());
        }
    }

    // ------------------------------------------------------------------------------------------------ state

    @Override public long bootId() { return state(k()).id; }

    @Override public long bootEndPfn() { return k().maxPfn; }

    @Override public long sectionLimit() {
        return k().mm.sectionLimit();
    }

    @Override public long nextPresentSection(long nr) {
        return k().mm.nextPresent(nr);
    }

    @Override public SectionInfo section(long nr) {
        Kernel k = k();
        State st = state(k);
        MemmapImpl.Section s = k.mm.sectionNr(nr);
        if (s == null) return new SectionInfo(nr, false, false, false, false, -1, null);
        synchronized (st) {
            Integer added = st.addedNid.get(nr);
            int nid;
            if (added != null) nid = added;
            else {
                Integer e = st.earlyNid.get(nr);
                if (e == null) {
                    e = firstNid(s);
                    st.earlyNid.put(nr, e);
                }
                nid = e;
            }
            return new SectionInfo(nr, true, s.online, s.device, added == null, nid,
                    s.online ? st.onlineZone.get(nr) : null);
        }
    }

    private static int firstNid(MemmapImpl.Section s) {
        for (long f : s.flags) if ((f & INIT) != 0) return PageFlags.nid(f);
        return -1;
    }

    @Override public String memoryNotify(MemoryNotifier.Action action, int nid, long startPfn, long nrPages) {
        String veto = null;
        for (MemoryNotifier n : notifiers) {
            String r = n.onMemory(action, nid, startPfn, nrPages);
            if (r != null && veto == null) veto = r;
        }
        boolean canVeto = action == MemoryNotifier.Action.GOING_ONLINE || action == MemoryNotifier.Action.GOING_OFFLINE;
        return canVeto ? veto : null;
    }

    // ------------------------------------------------------------------------------------------ transactions

    @Override public Checkpoint checkpoint(long startPfn, long nrPages) {
        Kernel k = k();
        return new HotplugCheckpoint(k, state(k), startPfn, nrPages);
    }

    @Override public void rollback(Checkpoint checkpoint) {
        Kernel k = k();
        if (!(checkpoint instanceof HotplugCheckpoint c) || c.kernel != k)
            throw new IllegalStateException("the checkpoint belongs to another boot");
        c.rollback(state(k));
    }

    // ------------------------------------------------------------------------------------------ add / remove

    @Override public void addPages(int nid, long startPfn, long nrPages, boolean device) {
        Kernel k = k();
        if (!k.hasNode(nid)) throw new IllegalArgumentException("no node " + nid);
        requireSectionAligned(startPfn, nrPages);
        long first = startPfn >>> SHIFT, end = (startPfn + nrPages) >>> SHIFT;
        for (long nr = first; nr < end; nr++) {
            if (k.mm.valid(nr << SHIFT))
                throw new IllegalStateException(String.format(Locale.ROOT, "section %d (pfn %#x) is already present",
                        nr, nr << SHIFT));
        }
        State st = state(k);
        for (long nr = first; nr < end; nr++) {
            k.mm.addSection(nr);
            MemmapImpl.Section s = k.mm.sectionNr(nr);
            s.online = false;
            s.device = device;
            synchronized (st) { st.addedNid.put(nr, nid); st.earlyNid.remove(nr); }
        }
        // arch_add_memory maps hot-added System RAM into the direct map (init_memory_mapping)
        if (!device) k.directMap.add(startPfn, startPfn + nrPages);
    }

    @Override public void removePages(long startPfn, long nrPages) {
        Kernel k = k();
        requireSectionAligned(startPfn, nrPages);
        long first = startPfn >>> SHIFT, end = (startPfn + nrPages) >>> SHIFT;
        for (long nr = first; nr < end; nr++) {
            MemmapImpl.Section s = k.mm.section(nr << SHIFT);
            if (s != null && s.online)
                throw new IllegalStateException("section " + nr + " is online: offline it before removing it");
        }
        State st = state(k);
        for (long nr = first; nr < end; nr++) {
            k.mm.removeSection(nr);
            synchronized (st) { st.addedNid.remove(nr); st.earlyNid.remove(nr); st.onlineZone.remove(nr); }
        }
        k.directMap.remove(startPfn, startPfn + nrPages);
    }

    private static void requireSectionAligned(long startPfn, long nrPages) {
        if ((startPfn & MASK) != 0 || (nrPages & MASK) != 0 || nrPages <= 0)
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "range pfn %#x + %d pages is not section-aligned (%d pages per section)", startPfn, nrPages,
                    Mm.PAGES_PER_SECTION));
    }

    // ----------------------------------------------------------------------------------------------- online

    @Override public void movePfnRangeToZone(int nid, ZoneType zone, long startPfn, long nrPages, Altmap altmap,
                                             MigrateType mt, boolean reserved) {
        Kernel k = k();
        Node n = k.node(nid);
        Zone z = n.zones[zone.ordinal()];
        long end = startPfn + nrPages;
        synchronized (z) {
            if (z.spanned == 0) {
                // init_currently_empty_zone
                z.zoneStartPfn = startPfn;
                z.spanned = nrPages;
            } else {
                long s = Math.min(z.zoneStartPfn, startPfn), e = Math.max(z.endPfn(), end);
                z.zoneStartPfn = s;
                z.spanned = e - s;
            }
        }
        synchronized (n) {
            if (n.endPfn <= n.startPfn) {
                n.startPfn = startPfn;
                n.endPfn = end;
            } else {
                n.startPfn = Math.min(n.startPfn, startPfn);
                n.endPfn = Math.max(n.endPfn, end);
            }
        }
        long initStart = startPfn, initEnd = end;
        if (zone == ZoneType.DEVICE) {
            // memmap_init_range for ZONE_DEVICE: only the struct pages holding the altmap's memmap
            if (altmap == null) initEnd = initStart;
            else {
                initStart = altmap.basePfn() + altmap.reserve();
                initEnd = Math.min(end, altmap.basePfn() + altmap.offset());
            }
        } else {
            State st = state(k);
            synchronized (st) {
                for (long nr = startPfn >>> SHIFT; nr < (end + MASK) >>> SHIFT; nr++) st.onlineZone.put(nr, zone);
            }
        }
        if (initEnd > initStart) {
            k.mm.initRange(initStart, initEnd, nid, zone.ordinal(), reserved, mt.ordinal());
            for (PageInitHook h : initHooks) h.onPagesInitialised(nid, zone, initStart, initEnd);
        }
    }

    @Override public long onlinePagesRange(long startPfn, long nrPages, OnlinePageCallback callback,
                                           boolean requireReservedFirstPfn) {
        Kernel k = k();
        long done = 0;
        long f = k.mm.f(startPfn);
        boolean invoke = !requireReservedFirstPfn || ((f & INIT) != 0 && (f & RESERVED) != 0);
        if (invoke) {
            long pfn = startPfn, end = startPfn + nrPages;
            while (pfn < end) {
                int order = Math.min(Mm.MAX_PAGE_ORDER, Long.numberOfTrailingZeros(pfn));
                while (pfn + (1L << order) > end) order--;
                callback.onlinePage(pfn, order);
                done += 1L << order;
                pfn += 1L << order;
            }
        }
        // online_mem_sections
        for (long nr = startPfn >>> SHIFT; nr < (startPfn + nrPages + MASK) >>> SHIFT; nr++) k.mm.setOnline(nr, true);
        return done;
    }

    @Override public void genericOnlinePage(long pfn, int order) {
        Kernel k = k();
        long f = k.mm.f(pfn);
        if ((f & INIT) == 0) throw new IllegalStateException(String.format(Locale.ROOT,
                "generic_online_page: struct page of pfn %#x is not initialised", pfn));
        k.pageZone(f).freePagesCore(pfn, order);
    }

    @Override public void finishOnline(int nid, ZoneType zone, long startPfn, long nrPages) {
        Kernel k = k();
        Node n = k.node(nid);
        Zone z = n.zones[zone.ordinal()];
        boolean wasPopulated = z.populated();
        synchronized (z) { z.present += nrPages; }
        synchronized (n) { n.presentPages += nrPages; }
        if (!wasPopulated) Zonelists.buildAllZonelists(k); // a zone became (un)populated
        // undo_isolate_page_range(..., MIGRATE_MOVABLE)
        for (long pb = startPfn; pb < startPfn + nrPages; pb += Mm.PAGEBLOCK_NR_PAGES)
            z.setPageblockMigratetype(pb, MigrateType.MOVABLE.ordinal());
        recomputeWatermarks(k);
    }

    @Override public void removePfnRangeFromZone(int nid, ZoneType zone, long startPfn, long nrPages) {
        Kernel k = k();
        Node n = k.node(nid);
        Zone z = n.zones[zone.ordinal()];
        k.mm.poisonRange(startPfn, startPfn + nrPages);
        if (zone == ZoneType.DEVICE) return; // the kernel does not shrink ZONE_DEVICE spans
        long end = startPfn + nrPages;
        synchronized (z) {
            if (z.spanned > 0 && z.zoneStartPfn == startPfn) {
                long p = findSmallest(k, z, end, z.endPfn());
                if (p >= 0) { z.spanned = z.endPfn() - p; z.zoneStartPfn = p; }
                else { z.zoneStartPfn = 0; z.spanned = 0; }
            } else if (z.spanned > 0 && z.endPfn() == end) {
                long p = findBiggest(k, z, z.zoneStartPfn, startPfn);
                if (p >= 0) z.spanned = p - z.zoneStartPfn + 1;
                else { z.zoneStartPfn = 0; z.spanned = 0; }
            }
        }
        updatePgdatSpan(n);
    }

    /** find_smallest_section_pfn: the first online pfn of zone z in [from, to), by subsection. */
    private static long findSmallest(Kernel k, Zone z, long from, long to) {
        for (long p = from; p < to; p += Mm.PAGEBLOCK_NR_PAGES) if (inZone(k, z, p)) return p;
        return -1;
    }

    /** find_biggest_section_pfn: the last pfn of the last online subsection of zone z in [from, to). */
    private static long findBiggest(Kernel k, Zone z, long from, long to) {
        for (long p = to - 1; p >= from; p -= Mm.PAGEBLOCK_NR_PAGES) if (inZone(k, z, p)) return p;
        return -1;
    }

    private static boolean inZone(Kernel k, Zone z, long pfn) {
        MemmapImpl.Section s = k.mm.section(pfn);
        if (s == null || !s.online) return false;
        long f = s.flags[(int) (pfn & MASK)];
        return (f & INIT) != 0 && k.pageZone(f) == z;
    }

    /** update_pgdat_span: the node spans its zones (ZONE_DEVICE included). */
    private static void updatePgdatSpan(Node n) {
        synchronized (n) {
            long s = Long.MAX_VALUE, e = 0;
            for (Zone z : n.zones) {
                if (z.spanned == 0) continue;
                s = Math.min(s, z.zoneStartPfn);
                e = Math.max(e, z.endPfn());
            }
            if (s == Long.MAX_VALUE) { n.startPfn = 0; n.endPfn = 0; }
            else { n.startPfn = s; n.endPfn = e; }
        }
    }

    /** init_per_zone_wmark_min (and THP's recommendation, as at boot), then zone_pcp_update for every zone. */
    private static void recomputeWatermarks(Kernel k) {
        Watermarks.initPerZoneWmarkMin(k, false);
        Watermarks.initPerZoneWmarkMin(k, true);
        for (Node n : k.nodes) for (Zone z : n.zones) PageAlloc.zonePcpUpdate(z, n, k.cpus.count());
    }

    // ---------------------------------------------------------------------------------------------- offline

    @Override public void drainAllPages() { k().pageAlloc.drainAllPages(); }

    @Override public void zonePcpDisable(int nid, ZoneType zone) {
        Kernel k = k();
        k.node(nid).zones[zone.ordinal()].setPcpHighBatch(0, 0, 1); // zone_pcp_disable: the boot pageset's values
        k.pageAlloc.drainAllPages();
    }

    @Override public void zonePcpEnable(int nid, ZoneType zone) {
        Kernel k = k();
        Node n = k.node(nid);
        PageAlloc.zonePcpUpdate(n.zones[zone.ordinal()], n, k.cpus.count());
    }

    private static Zone zoneOfPage(Kernel k, long pfn) {
        long f = k.mm.f(pfn);
        if ((f & INIT) == 0) throw new IllegalStateException(String.format(Locale.ROOT,
                "pfn %#x is not initialised", pfn));
        return k.pageZone(f);
    }

    @Override public Isolation isolate(long startPfn, long nrPages, boolean checkUnmovable) {
        Kernel k = k();
        int blocks = (int) (nrPages / Mm.PAGEBLOCK_NR_PAGES);
        byte[] prev = new byte[blocks];
        for (int i = 0; i < blocks; i++) {
            long pb = startPfn + (long) i * Mm.PAGEBLOCK_NR_PAGES;
            Zone z = zoneOfPage(k, pb);
            synchronized (z) {
                prev[i] = (byte) k.mm.pageblockMt(pb);
                long bad = checkUnmovable && prev[i] != MigrateType.ISOLATE.ordinal() ? hasUnmovablePages(k, pb) : -1;
                if (bad >= 0) {
                    Isolation failed = new Isolation(startPfn, (long) i * Mm.PAGEBLOCK_NR_PAGES, bad, prev);
                    restore(k, failed);
                    return new Isolation(startPfn, nrPages, bad, prev);
                }
                z.setPageblockMigratetype(pb, MigrateType.ISOLATE.ordinal());
            }
        }
        return new Isolation(startPfn, nrPages, -1, prev);
    }

    /** An order read without the lock that guards it: itself when it is one, else 0 (step one page). */
    private static int sane(long order) { return order >= 0 && order <= Mm.MAX_PAGE_ORDER ? (int) order : 0; }

    /** has_unmovable_pages for one pageblock (zone lock held): the first unmovable pfn, or -1. */
    private static long hasUnmovablePages(Kernel k, long pb) {
        // a CMA pageblock belongs to its area: memory offline (MIGRATE_MOVABLE isolation) may not take it
        if (k.mm.pageblockMt(pb) == Zone.MT_CMA) return pb;
        long end = pb + Mm.PAGEBLOCK_NR_PAGES;
        for (long p = pb; p < end; ) {
            MemmapImpl.Section s = k.mm.section(p);
            int i = (int) (p & MASK);
            long f = s.flags[i];
            if ((f & INIT) == 0) { p++; continue; }
            if ((f & RESERVED) != 0) return p;
            // only the zone lock is held: order-0 allocations and frees go on through the per-cpu lists meanwhile,
            // so an order or a head read here may be changing under us (has_unmovable_pages reads them "unsafe"
            // too); one that makes no sense is stepped over page by page
            if ((f & Zone.BUDDY) != 0) { p += 1L << sane(s.priv(i)); continue; }
            // refcount 0: a tail of a free block that started in an earlier pageblock, or a pcp page
            if (s.refcount[i] == 0 && s.prev(i) != PageAlloc.ALLOC_TAIL) { p++; continue; }
            long pv = s.prev(i);
            if (pv == PageAlloc.ALLOC_HEAD) {
                if ((f & LRU) == 0) return p;
                p += 1L << sane(s.next(i));
                continue;
            }
            if (pv == PageAlloc.ALLOC_TAIL) {
                long head = s.next(i);
                if (head > p || head <= p - Mm.MAX_ORDER_NR_PAGES || !k.mm.valid(head)) { p++; continue; }
                if ((k.mm.f(head) & LRU) == 0) return p;
                p = Math.max(p + 1, head + (1L << sane(k.mm.next(head))));
                continue;
            }
            return p;
        }
        return -1;
    }

    @Override public void undoIsolation(Isolation iso) { restore(k(), iso); }

    /** Gives every pageblock of the isolation its previous type back (free pages move with it). */
    private static void restore(Kernel k, Isolation iso) {
        int blocks = (int) (iso.nrPages() / Mm.PAGEBLOCK_NR_PAGES);
        for (int i = 0; i < blocks; i++) {
            long pb = iso.startPfn() + (long) i * Mm.PAGEBLOCK_NR_PAGES;
            Zone z = zoneOfPage(k, pb);
            synchronized (z) {
                if (k.mm.pageblockMt(pb) != MigrateType.ISOLATE.ordinal()) continue;
                // a free block that merged across isolated pageblocks is split first, and merges again as its
                // pageblocks leave isolation (Zone.setPageblockMigratetype)
                z.setPageblockMigratetype(pb, iso.previousTypes()[i]);
            }
        }
    }

    @Override public long scanMovablePages(long from, long end) {
        Kernel k = k();
        for (long p = from; p < end; ) {
            MemmapImpl.Section s = k.mm.section(p);
            if (s == null) {
                long next = k.mm.nextValidPfn(p); // over a hole by present sections
                p = next < 0 ? end : next;
                continue;
            }
            int i = (int) (p & MASK);
            long f = s.flags[i];
            if ((f & INIT) == 0) { p++; continue; }
            if ((f & Zone.BUDDY) != 0) { p += 1L << s.priv(i); continue; }
            if (s.prev(i) == PageAlloc.ALLOC_HEAD) {
                if ((f & LRU) != 0) return p;
                p += 1L << s.next(i);
                continue;
            }
            p++;
        }
        return -1;
    }

    @Override public long migratePage(long pfn, CallStack caller) {
        Kernel k = k();
        int order = k.pageAlloc.allocatedOrder(pfn);
        if (order < 0) throw new IllegalArgumentException(String.format(Locale.ROOT,
                "pfn %#x does not head an allocated block (%s)", pfn, k.pageAlloc.describe(pfn)));
        long f = k.mm.f(pfn);
        if (k.mm.ref(pfn) != 1) return -EAGAIN;
        int gfp = Gfp.GFP_USER | Gfp.__GFP_MOVABLE | Gfp.__GFP_RETRY_MAYFAIL | Gfp.__GFP_NOWARN;
        if (PageFlags.zoneIdx(f) == ZoneType.MOVABLE.ordinal()) gfp |= Gfp.__GFP_HIGHMEM;
        if ((f & HEAD) != 0) gfp |= Gfp.__GFP_COMP;
        long np = k.pageAlloc.alloc(order, gfp, PageFlags.nid(f), caller);
        if (np < 0) return -ENOMEM;
        for (PageMigrateHook h : migrateHooks) h.onMigrate(pfn, np, order);
        k.pageAlloc.free(pfn, order, caller);
        return np;
    }

    @Override public int allocatedOrder(long pfn) { return k().pageAlloc.allocatedOrder(pfn); }

    @Override public long testPagesIsolated(long startPfn, long nrPages) {
        Kernel k = k();
        long end = startPfn + nrPages;
        for (long p = startPfn; p < end; ) {
            MemmapImpl.Section s = k.mm.section(p);
            if (s == null) return p;
            int i = (int) (p & MASK);
            long f = s.flags[i];
            if ((f & INIT) == 0 || (f & Zone.BUDDY) == 0 || k.mm.pageblockMt(p) != MigrateType.ISOLATE.ordinal())
                return p;
            p += 1L << s.priv(i);
        }
        return -1;
    }

    @Override public long offlineIsolatedPages(long startPfn, long nrPages) {
        Kernel k = k();
        Zone z = zoneOfPage(k, startPfn);
        Node n = k.node(z.nid);
        long end = startPfn + nrPages, taken = 0;
        synchronized (z) {
            for (long p = startPfn; p < end; ) {
                long f = k.mm.f(p);
                if ((f & Zone.BUDDY) != 0) {
                    int o = k.mm.priv(p);
                    z.delFromList(p, o, k.mm.pageblockMt(p));
                    z.freePages -= 1L << o;
                    taken += 1L << o;
                    p += 1L << o;
                } else p++;
            }
            z.managed -= taken;
            z.present -= nrPages;
        }
        synchronized (n) { n.presentPages -= nrPages; }
        State st = state(k);
        for (long nr = startPfn >>> SHIFT; nr < (end + MASK) >>> SHIFT; nr++) {
            k.mm.setOnline(nr, false);
            synchronized (st) { st.onlineZone.remove(nr); }
        }
        if (!z.populated()) Zonelists.buildAllZonelists(k); // a zone became (un)populated
        recomputeWatermarks(k);
        return taken;
    }

    // ------------------------------------------------------------------------------------- raw struct pages

    /** The section of pfn, for writing: its arrays are materialised first (sections start as shared zeros). */
    private static MemmapImpl.Section sec(Kernel k, long pfn) {
        MemmapImpl.Section s = k.mm.section(pfn);
        if (s == null) throw new IllegalArgumentException(String.format(Locale.ROOT,
                "pfn %#x has no memmap (its section is not present)", pfn));
        if (!s.rawWrites()) s.materialiseForRawWrites();
        else s.own();
        return s;
    }

    @Override public RawPage readPage(long pfn) {
        MemmapImpl.Section s = k().mm.section(pfn);
        if (s == null) return new RawPage(false, PageFlags.POISON, 0, 0, 0, 0);
        int i = (int) (pfn & MASK);
        long f = s.flags[i];
        boolean init = (f & INIT) != 0;
        return new RawPage(init, init ? f & ~MemmapImpl.HIDDEN : PageFlags.POISON, s.refcount[i], s.priv(i), (int) s.next(i), (int) s.prev(i));
    }

    @Override public MigrateType pageblockMigratetype(long pfn) {
        return MigrateType.VALUES[k().mm.pageblockMt(pfn)];
    }

    @Override public boolean pfnToOnlinePage(long pfn) {
        MemmapImpl.Section s = k().mm.section(pfn);
        return s != null && s.online && !s.device;
    }

    @Override public void initSinglePage(long pfn, int nid, ZoneType zone) {
        MemmapImpl.Section s = sec(k(), pfn);
        int i = (int) (pfn & MASK);
        s.flags[i] = INIT | PageFlags.links(nid, zone.ordinal());
        s.refcount[i] = 1;
        s.setPriv(i, 0);
        s.setLinks(i, NONE, NONE);
    }

    @Override public void initSinglePages(long startPfn, long nrPages, int nid, ZoneType zone) {
        Kernel k = k();
        long word = INIT | PageFlags.links(nid, zone.ordinal());
        long pfn = startPfn, end = startPfn + nrPages;
        while (pfn < end) {
            long secEnd = Math.min(end, (pfn | MASK) + 1);
            MemmapImpl.Section s0 = k.mm.section(pfn);
            if (s0 != null && k.mm.tryIdentical(s0, (int) (pfn & MASK), (int) (secEnd - (pfn & ~(long) MASK)), word, 1, 0L)) {
                pfn = secEnd; // compact: a whole section of one struct page
                continue;
            }
            for (; pfn < secEnd; pfn++) initSinglePage(pfn, nid, zone);
        }
    }

    @Override public void constructDevicePages(long startPfn, long nrPages, int pgmapId, int zoneDeviceData, int refcount) {
        Kernel k = k();
        long pfn = startPfn, end = startPfn + nrPages;
        while (pfn < end) {
            long secEnd = Math.min(end, (pfn | MASK) + 1);
            MemmapImpl.Section s0 = k.mm.section(pfn);
            if (s0 != null && s0.identical && (pfn & MASK) == 0 && secEnd - pfn == Mm.PAGES_PER_SECTION
                    && (s0.flags[0] & INIT) != 0
                    && k.mm.tryIdentical(s0, 0, Mm.PAGES_PER_SECTION, s0.flags[0] | RESERVED, refcount,
                            MemmapImpl.links(zoneDeviceData, pgmapId))) {
                pfn = secEnd; // one struct page throughout: the constructor's result is one struct page too
                continue;
            }
            for (; pfn < secEnd; pfn++) {
                setPageReserved(pfn);
                setPagePgmap(pfn, pgmapId);
                setPageZoneDeviceData(pfn, zoneDeviceData);
                setPageRefcount(pfn, refcount);
            }
        }
    }

    @Override public void writePages(long startPfn, long nrPages, RawPage v) {
        Kernel k = k();
        long word = INIT | v.flags();
        long pfn = startPfn, end = startPfn + nrPages;
        while (pfn < end) {
            long secEnd = Math.min(end, (pfn | MASK) + 1);
            int from = (int) (pfn & MASK), to = (int) (secEnd - (pfn & ~(long) MASK));
            MemmapImpl.Section s0 = k.mm.section(pfn);
            if (s0 != null && v.priv() == 0
                    && k.mm.tryIdentical(s0, from, to, word, v.refcount(), MemmapImpl.links(v.word1(), v.word0()))) {
                pfn = secEnd; // compact: a whole section of one struct page
                continue;
            }
            MemmapImpl.Section s = sec(k, pfn);
            Arrays.fill(s.flags, from, to, word);
            Arrays.fill(s.refcount, from, to, v.refcount());
            s.fillPriv(from, to, v.priv());
            Arrays.fill(s.lru, from, to, MemmapImpl.links(v.word1(), v.word0()));
            pfn = secEnd;
        }
    }

    @Override public void setPageReserved(long pfn) {
        MemmapImpl.Section s = sec(k(), pfn);
        s.flags[(int) (pfn & MASK)] |= RESERVED;
    }

    @Override public void setPageRefcount(long pfn, int refcount) {
        sec(k(), pfn).refcount[(int) (pfn & MASK)] = refcount;
    }

    @Override public void setPagePgmap(long pfn, int pgmapId) {
        sec(k(), pfn).setNext((int) (pfn & MASK), pgmapId);
    }

    @Override public void setPageZoneDeviceData(long pfn, int data) {
        sec(k(), pfn).setPrev((int) (pfn & MASK), data);
    }

    @Override public void setPageblockMigratetype(long pfn, MigrateType mt) {
        k().mm.setPageblockMt(pfn, mt.ordinal());
    }

    @Override public List<String> dumpPage(long pfn, String reason) {
        RawPage p = readPage(pfn);
        List<String> out = new ArrayList<>();
        if (!p.initialised()) {
            out.add(String.format(Locale.ROOT, "page:%016x is uninitialized and poisoned", pfn));
        } else {
            int mapcount = (p.flags() & Zone.BUDDY) != 0 ? -128 : 0;
            out.add(String.format(Locale.ROOT, "page: refcount:%d mapcount:%d mapping:0000000000000000 index:0x0 pfn:%#x",
                    p.refcount(), mapcount, pfn));
            out.add(String.format(Locale.ROOT, "flags: %#x(%s)", p.flags() & ~PageFlags.TYPE_MASK,
                    PageFlags.names(p.flags())));
        }
        out.add("page dumped because: " + reason);
        return out;
    }
}
