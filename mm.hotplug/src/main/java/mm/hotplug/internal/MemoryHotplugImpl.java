package mm.hotplug.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import mm.core.hook.BootContext;
import mm.core.hook.BootPhase;
import mm.core.hook.BootPhaseListener;
import mm.core.api.CallStack;
import mm.machine.api.E820Range;
import mm.machine.api.HotplugRange;
import mm.machine.api.Machine;
import mm.core.spi.MemoryHotplugSupport;
import mm.core.spi.MemoryHotplugSupport.Altmap;
import mm.core.spi.MemoryHotplugSupport.Isolation;
import mm.core.spi.MemoryHotplugSupport.SectionInfo;
import mm.core.spi.IsolatedPageHolder;
import mm.core.api.MemoryModel;
import mm.core.hook.MemoryNotifier.Action;
import mm.core.api.MigrateType;
import mm.core.api.Mm;
import mm.machine.api.NumaNode;
import mm.variant.api.VariantService;
import mm.core.api.ZoneInfo;
import mm.core.api.ZoneType;
import mm.hotplug.api.DevPagemap;
import mm.hotplug.api.DeviceMemmapInit;
import mm.hotplug.api.HotplugResult;
import mm.hotplug.api.MemoryBlock;
import mm.hotplug.api.MemoryHotplug;
import mm.hotplug.api.OnlineType;
import mm.hotplug.api.PgmapType;
import mm.hotplug.api.ReservedBitPolicy;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * Memory blocks and the hotplug operations (drivers/base/memory.c, mm/memory_hotplug.c, mm/memremap.c) built from
 * mm.core's {@link MemoryHotplugSupport} primitives, with the kernel's checks, zone choice, failure reasons and log
 * lines. The variants of {@code reserved-bit} and {@code device-init} are looked up when an operation starts.
 * Also a boot phase listener: memory_dev_init prints the block size after page_ext_init.
 */
// immediate: the dev_pagemaps and the auto_online setting of the boot must survive between commands
@Component(service = {MemoryHotplug.class, BootPhaseListener.class, MemoryHotplugImpl.class}, immediate = true)
public final class MemoryHotplugImpl implements MemoryHotplug, BootPhaseListener {
    static final long SZ_2M = 2L << 20, SZ_128M = 128L << 20, SZ_2G = 2L << 30, SZ_64G = 64L << 30;
    /** MAX_PHYSMEM_BITS with 4-level paging. */
    static final long MAX_PHYS = 1L << 46;
    /** Passes of the offline_pages migration loop before mmkit stops where the kernel would retry forever. */
    static final int MAX_OFFLINE_PASSES = 5;
    /** The nvdimm pfn info block in front of an altmap'ed namespace: 8 KiB. */
    static final long ALTMAP_RESERVE_PAGES = 2;
    static final CallStack MIGRATE_STACK = CallStack.of("alloc_migration_target", "migrate_pages_batch",
            "migrate_pages", "do_migrate_range", "offline_pages", "memory_subsys_offline", "device_offline",
            "state_store");

    private final MemoryModel model;
    private final MemoryHotplugSupport hs;
    private final VariantService variants;
    private final Object hotplugLock = new Object();
    /** Free page reporting, when its bundle runs: offline_pages waits for it to put isolated blocks back. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile List<IsolatedPageHolder> holders;
    // state of the current boot
    private long bootId = Long.MIN_VALUE;
    private String autoOnline = "offline";
    private final Map<Integer, DevPagemap> pgmaps = new TreeMap<>();
    private int nextPgmapId = 1;
    /** The reserved-bit scenario's outcomes of this session, by policy (they survive reboots: a comparison). */
    private final Map<String, Map<String, Object>> scenarioOutcomes = new LinkedHashMap<>();

    @Activate
    public MemoryHotplugImpl(@Reference(name = "model") MemoryModel model,
                             @Reference(name = "support") MemoryHotplugSupport hs,
                             @Reference(name = "variants") VariantService variants) {
        this.model = model;
        this.hs = hs;
        this.variants = variants;
    }

    MemoryModel model() { return model; }

    MemoryHotplugSupport support() { return hs; }

    /** The state kept here belongs to one boot: start over when the model was booted again. */
    private void syncBoot() {
        if (!model.booted()) throw new IllegalStateException("not booted: run mm:boot first");
        long id = hs.bootId();
        if (id == bootId) return;
        bootId = id;
        pgmaps.clear();
        nextPgmapId = 1;
        String s = model.machine().options().extra().get("memhp_default_state");
        autoOnline = s == null ? "offline" : checkAutoOnline(s);
    }

    // --------------------------------------------------------------------------------------- boot listener

    @Override public void onPhase(BootPhase phase, BootContext ctx) {
        if (phase != BootPhase.PAGE_EXT_LATE) return;
        // memory_dev_init (driver_init in do_basic_setup, right after page_ext_init and before the initcalls):
        // the block size, and the boot memory becomes online memory blocks
        ctx.log(String.format(Locale.ROOT, "x86/mm: Memory block size: %dMB", blockSizeBytes() >> 20));
    }

    // ------------------------------------------------------------------------------------------------ blocks

    @Override public long blockSizeBytes() { return probeMemoryBlockSize(hs.bootEndPfn() << Mm.PAGE_SHIFT, model.machine()); }

    /**
     * x86 probe_memory_block_size: 128 MiB below 64 GiB of boot memory; above, 2 GiB on bare metal, and in a VM
     * (machine option {@code hypervisor=NAME}) the largest power of two up to 2 GiB that divides the end of boot
     * memory.
     */
    static long probeMemoryBlockSize(long bootMemEnd, Machine m) {
        if (bootMemEnd < SZ_64G) return SZ_128M;
        String hv = m.options().extra().get("hypervisor");
        boolean vm = hv != null && !hv.equalsIgnoreCase("none") && !hv.equalsIgnoreCase("off");
        if (!vm) return SZ_2G;
        for (long bz = SZ_2G; bz > SZ_128M; bz >>= 1) if ((bootMemEnd & (bz - 1)) == 0) return bz;
        return SZ_128M;
    }

    int sectionsPerBlock() { return (int) (blockSizeBytes() / Mm.SECTION_SIZE); }

    @Override public List<MemoryBlock> blocks() {
        synchronized (hotplugLock) {
            syncBoot();
            int spb = sectionsPerBlock();
            long limit = hs.sectionLimit();
            List<MemoryBlock> out = new ArrayList<>();
            for (long b = 0; b * spb < limit; b++) {
                MemoryBlock mb = block(b, spb);
                if (mb != null) out.add(mb);
            }
            return out;
        }
    }

    @Override public MemoryBlock block(long id) {
        synchronized (hotplugLock) {
            syncBoot();
            return id < 0 ? null : block(id, sectionsPerBlock());
        }
    }

    private MemoryBlock block(long id, int spb) {
        SectionInfo first = null;
        boolean online = false, early = true;
        ZoneType recorded = null;
        boolean mixed = false;
        for (long s = id * spb; s < (id + 1) * spb; s++) {
            SectionInfo si = hs.section(s);
            if (!si.present() || si.device()) continue;
            if (first == null) first = si;
            if (!si.early()) early = false;
            if (si.online()) {
                online = true;
                if (si.zone() != null) {
                    if (recorded != null && recorded != si.zone()) mixed = true;
                    recorded = si.zone();
                }
            }
        }
        if (first == null) return null;
        long startPfn = id * spb * (long) Mm.PAGES_PER_SECTION, nr = (long) spb * Mm.PAGES_PER_SECTION;
        int nid = first.nid();
        String zones;
        if (online) {
            ZoneType z = mixed ? null : recorded != null ? recorded : earlyZone(nid, startPfn, nr);
            zones = z == null ? "none" : z.kernelName();
        } else zones = validZonesOffline(nid, startPfn, nr);
        return new MemoryBlock(id, startPfn, nr, online ? "online" : "offline", zones, true, nid, early);
    }

    /** early_node_zone_for_memory_block: the only populated zone of the node the block intersects, else null. */
    private ZoneType earlyZone(int nid, long startPfn, long nr) {
        ZoneType match = null;
        for (ZoneType t : ZoneType.VALUES) {
            ZoneInfo z = model.zone(nid, t);
            if (!z.populated() || !intersects(z, startPfn, nr)) continue;
            if (match != null) return null;
            match = t;
        }
        return match;
    }

    static boolean intersects(ZoneInfo z, long startPfn, long nr) {
        return z.spannedPages() > 0 && startPfn < z.endPfn() && startPfn + nr > z.zoneStartPfn();
    }

    /** default_kernel_zone_for_pfn: the first of DMA, DMA32, Normal the range intersects, else Normal. */
    ZoneType defaultKernelZone(int nid, long startPfn, long nr) {
        for (ZoneType t : new ZoneType[] {ZoneType.DMA, ZoneType.DMA32, ZoneType.NORMAL}) {
            if (intersects(model.zone(nid, t), startPfn, nr)) return t;
        }
        return ZoneType.NORMAL;
    }

    /** zone_for_pfn_range with the default online_policy (contig-zones). */
    ZoneType zoneFor(OnlineType type, int nid, long startPfn, long nr) {
        switch (type) {
            case ONLINE_KERNEL: return defaultKernelZone(nid, startPfn, nr);
            case ONLINE_MOVABLE: return ZoneType.MOVABLE;
            default: {
                ZoneType kz = defaultKernelZone(nid, startPfn, nr);
                boolean inKernel = intersects(model.zone(nid, kz), startPfn, nr);
                boolean inMovable = intersects(model.zone(nid, ZoneType.MOVABLE), startPfn, nr);
                if (inKernel ^ inMovable) return inKernel ? kz : ZoneType.MOVABLE;
                return model.machine().options().movableNode() ? ZoneType.MOVABLE : kz;
            }
        }
    }

    /** valid_zones of an offline block: the default zone, then the other choices. */
    String validZonesOffline(int nid, long startPfn, long nr) {
        ZoneType def = zoneFor(OnlineType.ONLINE, nid, startPfn, nr);
        StringBuilder sb = new StringBuilder(def.kernelName());
        for (OnlineType t : new OnlineType[] {OnlineType.ONLINE_KERNEL, OnlineType.ONLINE_MOVABLE}) {
            ZoneType z = zoneFor(t, nid, startPfn, nr);
            if (z != def) sb.append(' ').append(z.kernelName());
        }
        return sb.toString();
    }

    @Override public String autoOnlineBlocks() {
        synchronized (hotplugLock) {
            syncBoot();
            return autoOnline;
        }
    }

    @Override public void setAutoOnlineBlocks(String value) {
        synchronized (hotplugLock) {
            syncBoot();
            autoOnline = checkAutoOnline(value);
        }
    }

    static String checkAutoOnline(String v) {
        return switch (v) {
            case "offline", "online", "online_kernel", "online_movable" -> v;
            default -> throw new IllegalArgumentException("auto_online_blocks: '" + v
                    + "' is not one of offline, online, online_kernel, online_movable");
        };
    }

    @Override public List<HotplugRange> hotplugRanges() { return model.machine().hotplug(); }

    // -------------------------------------------------------------------------------------------------- add

    @Override public HotplugResult add(int nid, long start, long size) {
        synchronized (hotplugLock) {
            syncBoot();
            Op op = new Op("add", start, size);
            long bs = blockSizeBytes();
            if (size <= 0 || start < 0 || start % bs != 0 || size % bs != 0) {
                // check_hotplug_memory_range
                op.log(String.format(Locale.ROOT, "Block size [%#x] unaligned hotplug range: start %#x, size %#x",
                        bs, start, size));
                return op.fail(HotplugResult.EINVAL, "unaligned hotplug range");
            }
            if (start + size > MAX_PHYS) {
                op.log(String.format(Locale.ROOT,
                        "Hotplug memory [%#x-%#x] exceeds maximum addressable range [%#x-%#x]", start, start + size,
                        0L, MAX_PHYS - 1));
                return op.fail(HotplugResult.E2BIG, "exceeds maximum addressable range");
            }
            if (nid < 0) nid = nidFor(start);
            requireNode(nid);
            long pfn = start >>> Mm.PAGE_SHIFT, nr = size >>> Mm.PAGE_SHIFT;
            for (long s = pfn >>> Mm.PFN_SECTION_SHIFT; s < (pfn + nr) >>> Mm.PFN_SECTION_SHIFT; s++) {
                if (hs.section(s).present()) {
                    // register_memory_resource: the range is already System RAM (or device memory)
                    op.log(String.format(Locale.ROOT, "Unable to reserve System RAM region: %016x->%016x", start,
                            start + size));
                    return op.fail(HotplugResult.EEXIST, "resource conflict");
                }
            }
            hs.addPages(nid, pfn, nr, false);
            op.log(String.format(Locale.ROOT, "init_memory_mapping: [mem %#010x-%#010x]", start, start + size - 1));
            op.put("nid", nid);
            op.put("blocks", blockNames(pfn, nr));
            if (!autoOnline.equals("offline")) {
                OnlineType t = OnlineType.parse(autoOnline);
                for (long b = pfn; b < pfn + nr; b += bs >>> Mm.PAGE_SHIFT) {
                    HotplugResult r = onlineBlock(b, t);
                    op.merge(r);
                    if (!r.ok()) return op.fail(r.errno(), r.reason());
                }
                op.put("auto_online", autoOnline);
            }
            return op.ok();
        }
    }

    /** memory_add_physaddr_to_nid: the machine's hotplug range or NUMA node holding the address, else the first node. */
    int nidFor(long addr) {
        Machine m = model.machine();
        for (HotplugRange h : m.hotplug()) if (addr >= h.start() && addr < h.end()) return h.node();
        for (NumaNode n : m.nodes()) if (n.contains(addr)) return n.id();
        return model.nodes().get(0).nid();
    }

    private void requireNode(int nid) {
        for (var n : model.nodes()) if (n.nid() == nid) return;
        StringBuilder ids = new StringBuilder();
        for (var n : model.nodes()) ids.append(ids.length() == 0 ? "" : ", ").append(n.nid());
        throw new IllegalArgumentException("no node " + nid + " on this machine (nodes: " + ids
                + "); mmkit does not create nodes at hot-add time");
    }

    private List<String> blockNames(long pfn, long nr) {
        long bp = blockSizeBytes() >>> Mm.PAGE_SHIFT;
        List<String> out = new ArrayList<>();
        for (long p = pfn; p < pfn + nr; p += bp) out.add("memory" + p / bp);
        return out;
    }

    // ----------------------------------------------------------------------------------------------- online

    private ReservedBitPolicy policy() {
        ReservedBitPolicy p = variants.activeService(ReservedBitPolicy.SUBSYSTEM, ReservedBitPolicy.class);
        if (p == null) throw new IllegalStateException("no active " + ReservedBitPolicy.SUBSYSTEM
                + " variant (mm:variant " + ReservedBitPolicy.SUBSYSTEM + " keep|drop)");
        return p;
    }

    private DeviceMemmapInit deviceInit() {
        DeviceMemmapInit d = variants.activeService(DeviceMemmapInit.SUBSYSTEM, DeviceMemmapInit.class);
        if (d == null) throw new IllegalStateException("no active " + DeviceMemmapInit.SUBSYSTEM
                + " variant (mm:variant " + DeviceMemmapInit.SUBSYSTEM + " one-pass|callback)");
        return d;
    }

    /** The block-aligned pfn range [start, start+size) as block start pfns; throws for misuse. */
    private List<Long> blockStarts(long start, long size) {
        long bs = blockSizeBytes();
        if (size <= 0 || start < 0 || start % bs != 0 || size % bs != 0)
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "range %#x + %#x is not made of whole memory blocks (block size %#x)", start, size, bs));
        List<Long> out = new ArrayList<>();
        int spb = sectionsPerBlock();
        for (long a = start; a < start + size; a += bs) {
            long id = a / bs;
            if (block(id, spb) == null)
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "there is no memory block memory%d at %#x (add the memory first)", id, a));
            out.add(a >>> Mm.PAGE_SHIFT);
        }
        return out;
    }

    @Override public HotplugResult online(long start, long size, OnlineType type) {
        synchronized (hotplugLock) {
            syncBoot();
            Op op = new Op("online", start, size);
            for (long b : blockStarts(start, size)) {
                HotplugResult r = onlineBlock(b, type);
                op.merge(r);
                if (!r.ok()) return op.fail(r.errno(), r.reason());
            }
            return op.ok();
        }
    }

    /** memory_block_online -> online_pages for one block. */
    HotplugResult onlineBlock(long pfn, OnlineType type) {
        int spb = sectionsPerBlock();
        long nr = (long) spb * Mm.PAGES_PER_SECTION;
        MemoryBlock mb = block(pfn / nr, spb);
        Op op = new Op("online", pfn << Mm.PAGE_SHIFT, nr << Mm.PAGE_SHIFT, false);
        op.put("block", mb.name());
        if (mb.online()) return op.fail(HotplugResult.EINVAL, mb.name() + " is already online");
        int nid = mb.nid();
        ZoneType zone = zoneFor(type, nid, pfn, nr);
        ReservedBitPolicy policy = policy();
        op.put("zone", zone.kernelName());
        op.put("reserved_bit", policy.name());
        op.put("zone_before", zoneRow(nid, zone));
        hs.movePfnRangeToZone(nid, zone, pfn, nr, null, MigrateType.ISOLATE, policy.reserveOnInit());
        String veto = hs.memoryNotify(Action.GOING_ONLINE, nid, pfn, nr);
        if (veto != null) {
            hs.removePfnRangeFromZone(nid, zone, pfn, nr);
            hs.memoryNotify(Action.CANCEL_ONLINE, nid, pfn, nr);
            op.log(String.format(Locale.ROOT, "online_pages [mem %#010x-%#010x] failed", pfn << Mm.PAGE_SHIFT,
                    ((pfn + nr) << Mm.PAGE_SHIFT) - 1));
            return op.fail(HotplugResult.EBUSY, "notifier failure: " + veto);
        }
        long[] chunks = new long[1];
        long onlined = hs.onlinePagesRange(pfn, nr, (p, order) -> {
            chunks[0]++;
            hs.genericOnlinePage(p, order);
        }, policy.onlineRequiresReservedFirstPfn());
        hs.finishOnline(nid, zone, pfn, nr);
        hs.memoryNotify(Action.ONLINE, nid, pfn, nr);
        op.put("callback_chunks", chunks[0]);
        op.put("pages_onlined", onlined);
        op.put("zone_after", zoneRow(nid, zone));
        return op.ok();
    }

    // ---------------------------------------------------------------------------------------------- offline

    @Override public HotplugResult offline(long start, long size) {
        synchronized (hotplugLock) {
            syncBoot();
            Op op = new Op("offline", start, size);
            for (long b : blockStarts(start, size)) {
                HotplugResult r = offlineBlock(b);
                op.merge(r);
                if (!r.ok()) return op.fail(r.errno(), r.reason());
            }
            return op.ok();
        }
    }

    /** memory_block_offline -> offline_pages for one block. */
    HotplugResult offlineBlock(long pfn) {
        int spb = sectionsPerBlock();
        long nr = (long) spb * Mm.PAGES_PER_SECTION, end = pfn + nr;
        MemoryBlock mb = block(pfn / nr, spb);
        Op op = new Op("offline", pfn << Mm.PAGE_SHIFT, nr << Mm.PAGE_SHIFT, false);
        op.put("block", mb.name());
        if (!mb.online()) return op.fail(HotplugResult.EINVAL, mb.name() + " is already offline");
        // the range must be all System RAM
        long ram = systemRamPages(pfn, nr);
        if (ram != nr) return op.failOffline(pfn, end, HotplugResult.EINVAL, "memory holes");
        // ... and in one zone (test_pages_in_a_zone)
        ZoneType zone = null;
        int nid = -1;
        for (long p = pfn; p < end; p += Mm.PAGEBLOCK_NR_PAGES) {
            var page = hs.readPage(p);
            if (!page.initialised()) return op.failOffline(pfn, end, HotplugResult.EINVAL, "memory holes");
            ZoneType z = ZoneType.VALUES[mm.core.api.PageFlags.zoneIdx(page.flags())];
            int n = mm.core.api.PageFlags.nid(page.flags());
            if (zone == null) { zone = z; nid = n; }
            else if (z != zone || n != nid) return op.failOffline(pfn, end, HotplugResult.EINVAL, "multizone range");
        }
        op.put("zone", zone.kernelName());
        op.put("zone_before", zoneRow(nid, zone));
        hs.drainAllPages();
        Isolation iso = hs.isolate(pfn, nr, zone != ZoneType.MOVABLE);
        if (!iso.ok()) {
            for (String l : hs.dumpPage(iso.unmovablePfn(), "unmovable page")) op.log(l);
            op.put("unmovable_pfn", iso.unmovablePfn());
            return op.failOffline(pfn, end, HotplugResult.EBUSY, "failure to isolate range");
        }
        String veto = hs.memoryNotify(Action.GOING_OFFLINE, nid, pfn, nr);
        if (veto != null) {
            hs.undoIsolation(iso);
            hs.memoryNotify(Action.CANCEL_OFFLINE, nid, pfn, nr);
            return op.failOffline(pfn, end, HotplugResult.EBUSY, "notifier failure");
        }
        List<Object> moves = new ArrayList<>();
        long migratedPages = 0;
        int passes = 0;
        while (true) {
            passes++;
            long p = pfn;
            long found;
            while ((found = hs.scanMovablePages(p, end)) >= 0) {
                int order = hs.allocatedOrder(found);
                long np = hs.migratePage(found, MIGRATE_STACK);
                if (np < 0) {
                    op.log(String.format(Locale.ROOT, "migrating pfn %x failed ret:%d", found, np));
                    for (String l : hs.dumpPage(found, "migration failure")) op.log(l);
                } else {
                    migratedPages += 1L << order;
                    if (moves.size() < 64) moves.add(Map.of("from", found, "to", np, "order", order));
                }
                p = found + (1L << order);
            }
            long busy = hs.testPagesIsolated(pfn, nr);
            if (busy < 0) break;
            if (putBackByHolder(busy)) {
                // free page reporting held the block: the kernel's loop spins (cond_resched) until
                // __putback_isolated_page returns it, into the isolated pageblock; that is not a failed pass
                passes--;
                continue;
            }
            if (passes >= MAX_OFFLINE_PASSES) {
                // the kernel retries until the task gets a fatal signal
                hs.undoIsolation(iso);
                hs.memoryNotify(Action.CANCEL_OFFLINE, nid, pfn, nr);
                op.put("busy_pfn", busy);
                op.put("note", String.format(Locale.ROOT, "pfn %#x stays busy (%s): the kernel retries until the"
                        + " writer is interrupted; mmkit interrupts it after %d passes", busy, state(busy), passes));
                op.put("migrated_pages", migratedPages);
                return op.failOffline(pfn, end, HotplugResult.EINTR, "signal backoff");
            }
        }
        long taken = hs.offlineIsolatedPages(pfn, nr);
        hs.memoryNotify(Action.OFFLINE, nid, pfn, nr);
        hs.removePfnRangeFromZone(nid, zone, pfn, nr);
        op.put("migrated_pages", migratedPages);
        op.put("migrations", moves);
        op.put("pages_taken_off_buddy", taken);
        op.put("zone_after", zoneRow(nid, zone));
        return op.ok();
    }

    private String state(long pfn) { return model.page(pfn).state(); }

    /** Whether one of the holders (free page reporting) had the block at pfn isolated and has now put it back. */
    private boolean putBackByHolder(long pfn) {
        List<IsolatedPageHolder> hs = holders;
        if (hs == null) return false;
        for (IsolatedPageHolder h : hs) if (h.awaitPutback(pfn)) return true;
        return false;
    }

    /**
     * Pages of [pfn, +nr) that are System RAM: all of a hot-added section; for a boot section the e820 usable
     * ranges as the kernel keeps them (without page 0 and the legacy 640K-1M area, below mem=).
     */
    long systemRamPages(long pfn, long nr) {
        long n = 0;
        Machine m = model.machine();
        long limit = m.options().memLimit() > 0 ? m.options().memLimit() >>> Mm.PAGE_SHIFT : Long.MAX_VALUE;
        for (long s = pfn >>> Mm.PFN_SECTION_SHIFT; s < (pfn + nr) >>> Mm.PFN_SECTION_SHIFT; s++) {
            SectionInfo si = hs.section(s);
            if (!si.present() || si.device()) continue;
            long a = Math.max(pfn, s << Mm.PFN_SECTION_SHIFT), b = Math.min(pfn + nr, (s + 1) << Mm.PFN_SECTION_SHIFT);
            if (!si.early()) { n += b - a; continue; }
            for (E820Range r : m.e820()) {
                if (!r.type().isRam()) continue;
                long rs = Math.max(Mm.pfnUp(r.start()), a), re = Math.min(Math.min(Mm.pfnDown(r.end()), b), limit);
                for (long[] cut : new long[][] {{rs, Math.min(re, 1)}, {Math.max(rs, 0xa0), Math.min(re, 0x100)}}) {
                    if (cut[1] > cut[0]) n -= cut[1] - cut[0];
                }
                if (re > rs) n += re - rs;
            }
        }
        return n;
    }

    // ----------------------------------------------------------------------------------------------- remove

    @Override public HotplugResult remove(long start, long size) {
        synchronized (hotplugLock) {
            syncBoot();
            Op op = new Op("remove", start, size);
            List<Long> starts = blockStarts(start, size);
            int spb = sectionsPerBlock();
            long bp = (long) spb * Mm.PAGES_PER_SECTION;
            for (long b : starts) {
                MemoryBlock mb = block(b / bp, spb);
                if (mb.online()) {
                    // check_memblock_offlined_cb
                    op.log(String.format(Locale.ROOT, "removing memory fails, because memory [0x%016x-0x%016x] is onlined",
                            mb.startAddress(), mb.endAddress() - 1));
                    op.put("block", mb.name());
                    return op.fail(HotplugResult.EBUSY, mb.name() + " is online");
                }
            }
            op.put("blocks", blockNames(start >>> Mm.PAGE_SHIFT, size >>> Mm.PAGE_SHIFT));
            for (long b : starts) {
                // remove only the sections that are there (a boot block may have holes)
                for (long s = b >>> Mm.PFN_SECTION_SHIFT; s < (b + bp) >>> Mm.PFN_SECTION_SHIFT; s++) {
                    if (hs.section(s).present()) hs.removePages(s << Mm.PFN_SECTION_SHIFT, Mm.PAGES_PER_SECTION);
                }
            }
            return op.ok();
        }
    }

    // ----------------------------------------------------------------------------------------- ZONE_DEVICE

    /**
     * The altmap an nvdimm pfn device in "map=dev" mode sets up: an 8 KiB info block ({@code reserve}), then room
     * for the struct pages of the whole range (64 bytes per page) rounded up to 2 MiB ({@code free}); the device
     * pages start after both.
     */
    static Altmap altmapFor(long startPfn, long nrPages) {
        long memmapBytes = nrPages * Mm.STRUCT_PAGE_SIZE;
        long offsetBytes = Mm.alignUp(ALTMAP_RESERVE_PAGES * Mm.PAGE_SIZE + memmapBytes, SZ_2M);
        long offset = offsetBytes >>> Mm.PAGE_SHIFT;
        long alloc = (memmapBytes + Mm.PAGE_SIZE - 1) >>> Mm.PAGE_SHIFT;
        return new Altmap(startPfn, startPfn + nrPages, ALTMAP_RESERVE_PAGES, offset - ALTMAP_RESERVE_PAGES, alloc);
    }

    @Override public HotplugResult memremap(int nid, long start, long size, boolean altmap, PgmapType type) {
        synchronized (hotplugLock) {
            syncBoot();
            Op op = new Op("memremap", start, size);
            op.put("type", type.word());
            if (size <= 0 || start < 0 || start % SZ_2M != 0 || size % SZ_2M != 0)
                return op.fail(HotplugResult.EINVAL, "range is not aligned to a 2 MiB subsection");
            if (start + size > MAX_PHYS) return op.fail(HotplugResult.E2BIG, "exceeds maximum addressable range");
            if (nid < 0) nid = nidFor(start);
            requireNode(nid);
            long pfn = start >>> Mm.PAGE_SHIFT, nr = size >>> Mm.PAGE_SHIFT;
            long secStart = Mm.alignDown(pfn, Mm.PAGES_PER_SECTION), secEnd = Mm.alignUp(pfn + nr, Mm.PAGES_PER_SECTION);
            // pagemap_range: another pgmap in the same section, or System RAM in the range
            boolean ram = false, device = false;
            for (long s = secStart >>> Mm.PFN_SECTION_SHIFT; s < secEnd >>> Mm.PFN_SECTION_SHIFT; s++) {
                SectionInfo si = hs.section(s);
                if (si.present() && si.device()) device = true;
                else if (si.present()) ram = true;
            }
            if (device) {
                op.log("WARNING: Conflicting mapping in same section");
                return op.fail(HotplugResult.ENOMEM, "conflicting mapping in same section");
            }
            if (ram) {
                boolean all = systemRamPages(secStart, secEnd - secStart) >= nr;
                op.log(String.format(Locale.ROOT, "WARNING: attempted on %s region %#x-%#x", all ? "ram" : "mixed",
                        start, start + size - 1));
                return op.fail(HotplugResult.ENXIO, "range intersects System RAM");
            }
            Altmap am = altmap ? altmapFor(pfn, nr) : null;
            if (am != null && am.offset() >= nr) return op.fail(HotplugResult.EINVAL, "the altmap does not fit in the range");
            ReservedBitPolicy policy = policy();
            DeviceMemmapInit init = deviceInit();
            int id = nextPgmapId++;
            ZoneInfo before = model.zone(nid, ZoneType.DEVICE);
            hs.addPages(nid, secStart, secEnd - secStart, true);
            if (type.mapped())
                op.log(String.format(Locale.ROOT, "init_memory_mapping: [mem %#010x-%#010x]", start, start + size - 1));
            hs.movePfnRangeToZone(nid, ZoneType.DEVICE, pfn, nr, am, MigrateType.MOVABLE, policy.reserveOnInit());
            long first = pfn + (am == null ? 0 : am.offset()), devPages = pfn + nr - first;
            // memmap_init_zone_device runs outside the hotplug lock in the kernel
            long t0 = System.nanoTime();
            long done = init.init(hs, nid, first, devPages, id, type);
            long dt = System.nanoTime() - t0;
            op.advanceClock(dt);
            op.log(String.format(Locale.ROOT, "memmap_init_zone_device initialised %d pages in %dms", done,
                    Math.round(dt / 1e6)));
            DevPagemap pm = new DevPagemap(id, type, nid, pfn, nr, am, done, init.name(), dt);
            pgmaps.put(id, pm);
            op.put("pgmap", id);
            op.put("nid", nid);
            op.put("device_init", init.name());
            op.put("device_pages", done);
            op.put("first_device_pfn", first);
            op.put("init_ns", dt);
            if (am != null) {
                Map<String, Object> a = new LinkedHashMap<>();
                a.put("base_pfn", am.basePfn());
                a.put("reserve", am.reserve());
                a.put("free", am.free());
                a.put("alloc", am.alloc());
                a.put("offset", am.offset());
                op.put("altmap", a);
            }
            op.put("zone_before", row(before));
            op.put("zone_after", zoneRow(nid, ZoneType.DEVICE));
            return op.ok();
        }
    }

    @Override public HotplugResult memunmap(int pgmapId) {
        synchronized (hotplugLock) {
            syncBoot();
            DevPagemap pm = pgmaps.get(pgmapId);
            if (pm == null) throw new IllegalArgumentException("no dev_pagemap " + pgmapId + " (mm:memremap lists them)");
            Op op = new Op("memunmap", pm.startPfn() << Mm.PAGE_SHIFT, pm.nrPages() << Mm.PAGE_SHIFT);
            op.put("pgmap", pgmapId);
            op.put("zone_before", zoneRow(pm.nid(), ZoneType.DEVICE));
            hs.removePfnRangeFromZone(pm.nid(), ZoneType.DEVICE, pm.startPfn(), pm.nrPages());
            long secStart = Mm.alignDown(pm.startPfn(), Mm.PAGES_PER_SECTION);
            long secEnd = Mm.alignUp(pm.endPfn(), Mm.PAGES_PER_SECTION);
            hs.removePages(secStart, secEnd - secStart);
            pgmaps.remove(pgmapId);
            op.put("zone_after", zoneRow(pm.nid(), ZoneType.DEVICE));
            return op.ok();
        }
    }

    /** The pgmap of a range start or id, for the commands. */
    DevPagemap pagemapAt(long startAddr) {
        synchronized (hotplugLock) {
            syncBoot();
            for (DevPagemap pm : pgmaps.values()) if (pm.startPfn() << Mm.PAGE_SHIFT == startAddr) return pm;
            return null;
        }
    }

    @Override public List<DevPagemap> pagemaps() {
        synchronized (hotplugLock) {
            syncBoot();
            return new ArrayList<>(pgmaps.values());
        }
    }

    /** Runs {@code work} holding the hotplug lock, on the current boot. */
    <T> T locked(java.util.function.Supplier<T> work) {
        synchronized (hotplugLock) {
            syncBoot();
            return work.get();
        }
    }

    ReservedBitPolicy activePolicy() { return policy(); }

    /** Runs the reserved-bit scenario under the active policy; returns every policy's outcome so far. */
    Map<String, Map<String, Object>> runReservedBitScenario() {
        Map<String, Object> outcome = ReservedBitScenario.run(this);
        synchronized (scenarioOutcomes) {
            String policy = String.valueOf(outcome.get("policy"));
            scenarioOutcomes.remove(policy);
            scenarioOutcomes.put(policy, outcome);
            return new LinkedHashMap<>(scenarioOutcomes);
        }
    }

    // ------------------------------------------------------------------------------------------------- util

    Map<String, Object> zoneRow(int nid, ZoneType t) { return row(model.zone(nid, t)); }

    static Map<String, Object> row(ZoneInfo z) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("node", z.nid());
        m.put("zone", z.zone().kernelName());
        m.put("start_pfn", z.zoneStartPfn());
        m.put("spanned", z.spannedPages());
        m.put("present", z.presentPages());
        m.put("managed", z.managedPages());
        m.put("free", z.freePages());
        return m;
    }

    /** Collects what an operation logs (into the kernel log too) and its facts. */
    final class Op {
        final String name;
        final long start, size;
        final List<String> log = new ArrayList<>();
        final Map<String, Object> details = new LinkedHashMap<>();
        final int logMark;
        /** The outermost operation advances the emulated clock by the time it took (the kernel's stamps move on). */
        final boolean outermost;
        final long t0 = System.nanoTime();
        long advanced;

        Op(String name, long start, long size) { this(name, start, size, true); }

        Op(String name, long start, long size, boolean outermost) {
            this.name = name;
            this.start = start;
            this.size = size;
            this.outermost = outermost;
            this.logMark = model.dmesg().size();
        }

        void advanceClock(long ns) {
            model.advanceClock(ns);
            advanced += ns;
        }

        private void finish() {
            if (outermost) model.advanceClock(Math.max(0, System.nanoTime() - t0 - advanced));
        }

        void log(String line) { model.log(line); }

        void put(String k, Object v) { details.put(k, v); }

        @SuppressWarnings("unchecked")
        void merge(HotplugResult r) {
            List<Object> parts = (List<Object>) details.computeIfAbsent("blocks_done", x -> new ArrayList<>());
            Map<String, Object> d = new LinkedHashMap<>(r.details());
            d.put("errno", r.errno());
            if (r.reason() != null) d.put("reason", r.reason());
            parts.add(d);
        }

        private List<String> newLog() {
            List<String> all = model.dmesg();
            return new ArrayList<>(all.subList(Math.min(logMark, all.size()), all.size()));
        }

        HotplugResult ok() {
            finish();
            return new HotplugResult(name, start, size, 0, null, newLog(), details);
        }

        HotplugResult fail(int errno, String reason) {
            finish();
            return new HotplugResult(name, start, size, errno, reason, newLog(), details);
        }

        /** offline_pages' failure path: the (debug) message, then the errno. */
        HotplugResult failOffline(long startPfn, long endPfn, int errno, String reason) {
            log(String.format(Locale.ROOT, "memory offlining [mem %#010x-%#010x] failed due to %s",
                    startPfn << Mm.PAGE_SHIFT, (endPfn << Mm.PAGE_SHIFT) - 1, reason));
            return fail(errno, reason);
        }
    }
}
