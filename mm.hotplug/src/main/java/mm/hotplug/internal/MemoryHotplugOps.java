package mm.hotplug.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import mm.core.api.CallStack;
import mm.core.api.MemoryModel;
import mm.core.api.MigrateType;
import mm.core.api.Mm;
import mm.core.api.PageFlags;
import mm.core.api.ZoneType;
import mm.core.hook.MemoryNotifier.Action;
import mm.core.spi.IsolatedPageHolder;
import mm.core.spi.MemoryHotplugSupport.Isolation;
import mm.core.spi.MemoryHotplugSupport.SectionInfo;
import mm.core.spi.MemoryHotplugSupport;
import mm.hotplug.api.HotplugResult;
import mm.hotplug.api.MemoryBlock;
import mm.hotplug.api.OnlineType;
import mm.hotplug.api.ReservedBitPolicy;
import mm.machine.api.E820Range;
import mm.machine.api.HotplugRange;
import mm.machine.api.Machine;
import mm.machine.api.NumaNode;
import mm.variant.api.VariantService;

/**
 * mm/memory_hotplug.c: add_memory, online_pages, offline_pages and remove_memory on whole memory blocks, with the
 * kernel's checks, failure reasons and log lines. Callers hold the hotplug lock.
 */
final class MemoryHotplugOps {
    /**
     * MAX_PHYSMEM_BITS with 5-level paging (mmkit emulates a 5-level machine): the end of what add_memory and
     * memremap_pages accept (mhp_get_pluggable_range).
     */
    static final long MAX_PHYS = Mm.MAX_PHYS_ADDR;
    /** Passes of the offline_pages migration loop before mmkit stops where the kernel would retry forever. */
    static final int MAX_OFFLINE_PASSES = 5;
    static final CallStack MIGRATE_STACK = CallStack.of("alloc_migration_target", "migrate_pages_batch",
            "migrate_pages", "do_migrate_range", "offline_pages", "memory_subsys_offline", "device_offline",
            "state_store");

    private final MemoryModel model;
    private final MemoryHotplugSupport hs;
    private final MemoryBlocks blocks;
    private final ZoneChoice zones;
    private final VariantService variants;
    /** Free page reporting, when its bundle runs: offline_pages waits for it to put isolated blocks back. */
    private final Supplier<List<IsolatedPageHolder>> holders;

    MemoryHotplugOps(MemoryModel model, MemoryHotplugSupport hs, MemoryBlocks blocks, ZoneChoice zones,
                     VariantService variants, Supplier<List<IsolatedPageHolder>> holders) {
        this.model = model;
        this.hs = hs;
        this.blocks = blocks;
        this.zones = zones;
        this.variants = variants;
        this.holders = holders;
    }

    // -------------------------------------------------------------------------------------------------- add

    /** add_memory: check_hotplug_memory_range, register_memory_resource, arch_add_memory, then auto-online. */
    HotplugResult add(int nid, long start, long size) {
        Op op = new Op(model, "add", start, size);
        long bs = blocks.blockSizeBytes();
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
        for (E820Range r : model.machine().e820()) {
            if (!r.type().isRam() && r.start() < start + size && start < r.end()) {
                // register_memory_resource: the range is claimed in iomem (an NVDIMM's region, firmware, ACPI)
                op.log(String.format(Locale.ROOT, "Unable to reserve System RAM region: %016x->%016x", start,
                        start + size));
                return op.fail(HotplugResult.EEXIST, String.format(Locale.ROOT, "resource conflict: the range"
                        + " overlaps e820 %s [mem %#x-%#x], which is not System RAM", r.type().kernelText(), r.start(),
                        r.end() - 1));
            }
        }
        int node = nid;
        return Transaction.run(hs, op, pfn, nr, () -> addPages(op, node, pfn, nr));
    }

    /** arch_add_memory and the auto-online of add_memory, in a {@link Transaction}: a failure removes it all. */
    private HotplugResult addPages(Op op, int nid, long pfn, long nr) {
        long start = pfn << Mm.PAGE_SHIFT, size = nr << Mm.PAGE_SHIFT, bs = blocks.blockSizeBytes();
        hs.addPages(nid, pfn, nr, false);
        op.log(String.format(Locale.ROOT, "init_memory_mapping: [mem %#010x-%#010x]", start, start + size - 1));
        op.put("nid", nid);
        op.put("blocks", blocks.blockNames(pfn, nr));
        String autoOnline = blocks.autoOnlineBlocks();
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

    /** memory_add_physaddr_to_nid: the machine's hotplug range or NUMA node holding the address, else the first node. */
    int nidFor(long addr) {
        Machine m = model.machine();
        for (HotplugRange h : m.hotplug()) if (addr >= h.start() && addr < h.end()) return h.node();
        for (NumaNode n : m.nodes()) if (n.contains(addr)) return n.id();
        return model.nodes().get(0).nid();
    }

    void requireNode(int nid) {
        for (var n : model.nodes()) if (n.nid() == nid) return;
        StringBuilder ids = new StringBuilder();
        for (var n : model.nodes()) ids.append(ids.length() == 0 ? "" : ", ").append(n.nid());
        throw new IllegalArgumentException("no node " + nid + " on this machine (nodes: " + ids
                + "); mmkit does not create nodes at hot-add time");
    }

    // ----------------------------------------------------------------------------------------------- online

    /** The active {@code reserved-bit} variant, looked up when an operation starts. */
    ReservedBitPolicy policy() {
        ReservedBitPolicy p = variants.activeService(ReservedBitPolicy.SUBSYSTEM, ReservedBitPolicy.class);
        if (p == null) throw new IllegalStateException("no active " + ReservedBitPolicy.SUBSYSTEM
                + " variant (mm:variant " + ReservedBitPolicy.SUBSYSTEM + " keep|drop)");
        return p;
    }

    HotplugResult online(long start, long size, OnlineType type) {
        Op op = new Op(model, "online", start, size);
        List<Long> starts = blocks.blockStarts(start, size);
        if (starts.isEmpty()) return op.ok();
        long first = starts.get(0), end = starts.get(starts.size() - 1) + blocks.blockAt(starts.get(starts.size() - 1)).nrPages();
        policy(); // no variant: refused before anything changes
        return Transaction.run(hs, op, first, end - first, () -> {
            for (long b : starts) {
                HotplugResult r = onlineBlock(b, type);
                op.merge(r);
                if (!r.ok()) return op.fail(r.errno(), r.reason());
            }
            return op.ok();
        });
    }

    /** memory_block_online -> online_pages for one block. */
    HotplugResult onlineBlock(long pfn, OnlineType type) {
        MemoryBlock mb = blocks.blockAt(pfn);
        long nr = mb.nrPages();
        Op op = new Op(model, "online", pfn << Mm.PAGE_SHIFT, nr << Mm.PAGE_SHIFT, false);
        op.put("block", mb.name());
        if (mb.online()) return op.fail(HotplugResult.EINVAL, mb.name() + " is already online");
        int nid = mb.nid();
        ZoneType zone = zones.zoneFor(type, nid, pfn, nr);
        ReservedBitPolicy policy = policy();
        op.put("zone", zone.kernelName());
        op.put("reserved_bit", policy.name());
        op.put("zone_before", zoneRow(nid, zone));
        long t0 = System.nanoTime();
        hs.movePfnRangeToZone(nid, zone, pfn, nr, null, MigrateType.ISOLATE, policy.reserveOnInit());
        int mark = Transaction.goingOnline(hs, nid, pfn, nr);
        String veto = hs.memoryNotify(Action.GOING_ONLINE, nid, pfn, nr);
        if (veto != null) {
            hs.removePfnRangeFromZone(nid, zone, pfn, nr);
            Transaction.cancelled(mark);
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
        Transaction.onlined(mark, nid, pfn, nr);
        hs.memoryNotify(Action.ONLINE, nid, pfn, nr);
        op.put("callback_chunks", chunks[0]);
        op.put("pages_onlined", onlined);
        // the kernel time of online_pages: memmap_init_range of the block's struct pages (hot-added struct pages
        // are only poisoned by add_memory) and __free_pages_core of what reached the buddy
        op.put("online_ns", System.nanoTime() - t0);
        op.put("online_modelled_ms", KernelTime.onlinePagesMs(model.machine(), nr, onlined));
        op.put("zone_after", zoneRow(nid, zone));
        return op.ok();
    }

    // ---------------------------------------------------------------------------------------------- offline

    HotplugResult offline(long start, long size) {
        Op op = new Op(model, "offline", start, size);
        for (long b : blocks.blockStarts(start, size)) {
            HotplugResult r = offlineBlock(b);
            op.merge(r);
            if (!r.ok()) return op.fail(r.errno(), r.reason());
        }
        return op.ok();
    }

    /** memory_block_offline -> offline_pages for one block. */
    HotplugResult offlineBlock(long pfn) {
        MemoryBlock mb = blocks.blockAt(pfn);
        long nr = mb.nrPages(), end = pfn + nr;
        Op op = new Op(model, "offline", pfn << Mm.PAGE_SHIFT, nr << Mm.PAGE_SHIFT, false);
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
            ZoneType z = ZoneType.VALUES[PageFlags.zoneIdx(page.flags())];
            int n = PageFlags.nid(page.flags());
            if (zone == null) { zone = z; nid = n; }
            else if (z != zone || n != nid) return op.failOffline(pfn, end, HotplugResult.EINVAL, "multizone range");
        }
        op.put("zone", zone.kernelName());
        op.put("zone_before", zoneRow(nid, zone));
        // zone_pcp_disable ... zone_pcp_enable: no page of the range waits on a per-cpu list to be allocated after
        // the isolation, from a workload running while the block goes offline
        hs.zonePcpDisable(nid, zone);
        try {
            return offlinePages(op, pfn, nr, nid, zone);
        } finally {
            hs.zonePcpEnable(nid, zone);
        }
    }

    /** offline_pages from start_isolate_page_range on, between zone_pcp_disable and zone_pcp_enable. */
    private HotplugResult offlinePages(Op op, long pfn, long nr, int nid, ZoneType zone) {
        long end = pfn + nr;
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
        List<IsolatedPageHolder> hl = holders.get();
        if (hl == null) return false;
        for (IsolatedPageHolder h : hl) if (h.awaitPutback(pfn)) return true;
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

    /** remove_memory: every block of the range must be offline (check_memblock_offlined_cb). */
    HotplugResult remove(long start, long size) {
        Op op = new Op(model, "remove", start, size);
        List<Long> starts = blocks.blockStarts(start, size);
        for (long b : starts) {
            MemoryBlock mb = blocks.blockAt(b);
            if (mb.online()) {
                // check_memblock_offlined_cb
                op.log(String.format(Locale.ROOT, "removing memory fails, because memory [0x%016x-0x%016x] is onlined",
                        mb.startAddress(), mb.endAddress() - 1));
                op.put("block", mb.name());
                return op.fail(HotplugResult.EBUSY, mb.name() + " is online");
            }
        }
        op.put("blocks", blocks.blockNames(start >>> Mm.PAGE_SHIFT, size >>> Mm.PAGE_SHIFT));
        long bp = (long) blocks.sectionsPerBlock() * Mm.PAGES_PER_SECTION;
        for (long b : starts) {
            // remove only the sections that are there (a boot block may have holes)
            for (long s = b >>> Mm.PFN_SECTION_SHIFT; s < (b + bp) >>> Mm.PFN_SECTION_SHIFT; s++) {
                if (hs.section(s).present()) hs.removePages(s << Mm.PFN_SECTION_SHIFT, Mm.PAGES_PER_SECTION);
            }
        }
        return op.ok();
    }

    Map<String, Object> zoneRow(int nid, ZoneType t) { return Op.row(model.zone(nid, t)); }
}
