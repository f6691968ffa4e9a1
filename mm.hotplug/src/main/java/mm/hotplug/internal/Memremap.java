package mm.hotplug.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import mm.core.api.MemoryModel;
import mm.core.api.MigrateType;
import mm.core.api.Mm;
import mm.core.api.ZoneInfo;
import mm.core.api.ZoneType;
import mm.core.spi.MemoryHotplugSupport.Altmap;
import mm.core.spi.MemoryHotplugSupport.SectionInfo;
import mm.core.spi.MemoryHotplugSupport;
import mm.hotplug.api.DevPagemap;
import mm.hotplug.api.DeviceInitTime;
import mm.hotplug.api.DeviceMemmapInit;
import mm.hotplug.api.HotplugResult;
import mm.hotplug.api.PgmapType;
import mm.hotplug.api.ReservedBitPolicy;
import mm.machine.api.Machine;
import mm.variant.api.VariantService;

/**
 * mm/memremap.c: memremap_pages / memunmap_pages of ZONE_DEVICE memory, the live dev_pagemaps, and the vmem_altmap
 * an nvdimm pfn device sets up. Callers hold the hotplug lock.
 */
final class Memremap {
    static final long SZ_2M = 2L << 20;
    /** The nvdimm pfn info block in front of an altmap'ed namespace: 8 KiB. */
    static final long ALTMAP_RESERVE_PAGES = 2;

    private final MemoryModel model;
    private final MemoryHotplugSupport hs;
    private final MemoryHotplugOps ops;
    private final VariantService variants;
    /** The dev_pagemaps of the current boot, by id. */
    private final Map<Integer, DevPagemap> pgmaps = new TreeMap<>();
    /** Every memmap_init_zone_device of the current boot, unmapped or not. */
    private final List<DeviceInitTime> initTimes = new ArrayList<>();
    private int nextPgmapId = 1;

    Memremap(MemoryModel model, MemoryHotplugSupport hs, MemoryHotplugOps ops, VariantService variants) {
        this.model = model;
        this.hs = hs;
        this.ops = ops;
        this.variants = variants;
    }

    /** A new boot: no dev_pagemap survives it. */
    void newBoot() {
        pgmaps.clear();
        initTimes.clear();
        nextPgmapId = 1;
    }

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

    /** The active {@code device-init} variant, looked up when an operation starts. */
    private DeviceMemmapInit deviceInit() {
        DeviceMemmapInit d = variants.activeService(DeviceMemmapInit.SUBSYSTEM, DeviceMemmapInit.class);
        if (d == null) throw new IllegalStateException("no active " + DeviceMemmapInit.SUBSYSTEM
                + " variant (mm:variant " + DeviceMemmapInit.SUBSYSTEM + " one-pass|callback)");
        return d;
    }

    /** memremap_pages -> pagemap_range: the checks, then add_pages, move_pfn_range_to_zone, memmap_init_zone_device. */
    HotplugResult memremap(int nid, long start, long size, boolean altmap, PgmapType type) {
        Op op = new Op(model, "memremap", start, size);
        op.put("type", type.word());
        if (size <= 0 || start < 0 || start % SZ_2M != 0 || size % SZ_2M != 0)
            return op.fail(HotplugResult.EINVAL, "range is not aligned to a 2 MiB subsection");
        if (start + size > MemoryHotplugOps.MAX_PHYS) return op.fail(HotplugResult.E2BIG, "exceeds maximum addressable range");
        if (nid < 0) nid = ops.nidFor(start);
        ops.requireNode(nid);
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
            boolean all = ops.systemRamPages(secStart, secEnd - secStart) >= nr;
            op.log(String.format(Locale.ROOT, "WARNING: attempted on %s region %#x-%#x", all ? "ram" : "mixed",
                    start, start + size - 1));
            return op.fail(HotplugResult.ENXIO, "range intersects System RAM");
        }
        Altmap am = altmap ? altmapFor(pfn, nr) : null;
        if (am != null && am.offset() >= nr) return op.fail(HotplugResult.EINVAL, "the altmap does not fit in the range");
        ReservedBitPolicy policy = ops.policy();
        DeviceMemmapInit init = deviceInit();
        int node = nid;
        return Transaction.run(hs, op, secStart, secEnd - secStart,
                () -> pagemapRange(op, node, pfn, nr, am, type, policy, init));
    }

    /** pagemap_range's changes, in a {@link Transaction}: a failure part-way takes the sections away again. */
    private HotplugResult pagemapRange(Op op, int nid, long pfn, long nr, Altmap am, PgmapType type,
                                       ReservedBitPolicy policy, DeviceMemmapInit init) {
        long start = pfn << Mm.PAGE_SHIFT, size = nr << Mm.PAGE_SHIFT;
        long secStart = Mm.alignDown(pfn, Mm.PAGES_PER_SECTION), secEnd = Mm.alignUp(pfn + nr, Mm.PAGES_PER_SECTION);
        int id = nextPgmapId;
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
        KernelTime.DeviceInit kt = modelled(model.machine(), init.name(), done, am != null);
        double modelledMs = kt == null ? Double.NaN : kt.ms();
        boolean seeded = model.seed().isPresent();
        // under a run seed the clock moves by the modelled time (none without a model), never by the host's speed
        op.advanceClock(!seeded ? dt : kt == null ? 0 : (long) (modelledMs * 1e6));
        op.log(String.format(Locale.ROOT, "memmap_init_zone_device initialised %d pages in %dms", done,
                Math.round(kt == null ? (seeded ? 0 : dt / 1e6) : modelledMs)));
        DevPagemap pm = new DevPagemap(id, type, nid, pfn, nr, am, done, init.name(), dt);
        op.put("pgmap", id);
        op.put("nid", nid);
        op.put("device_init", init.name());
        op.put("device_pages", done);
        op.put("first_device_pfn", first);
        op.put("init_ns", dt);
        if (kt != null) {
            op.put("init_modelled_ms", modelledMs);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("compute_ms", kt.computeNs() / 1e6);
            m.put("memory_ms", kt.memoryNs() / 1e6);
            m.put("memmap_bw_gbps", kt.bwGbps());
            m.put("memmap_in", am != null ? "device" : "ram");
            m.put("ctor_pass_miss", kt.missFraction());
            op.put("init_model", m);
        }
        if (am != null) {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("base_pfn", am.basePfn());
            a.put("reserve", am.reserve());
            a.put("free", am.free());
            a.put("alloc", am.alloc());
            a.put("offset", am.offset());
            op.put("altmap", a);
        }
        op.put("zone_before", Op.row(before));
        op.put("zone_after", ops.zoneRow(nid, ZoneType.DEVICE));
        pgmaps.put(id, pm);
        initTimes.add(new DeviceInitTime(id, nid, pfn, done, init.name(), am != null, dt, modelledMs));
        nextPgmapId = id + 1;
        return op.ok();
    }

    /** memunmap_pages: the range leaves ZONE_DEVICE (whose span the kernel does not shrink), its sections go. */
    HotplugResult memunmap(int pgmapId) {
        DevPagemap pm = pgmaps.get(pgmapId);
        if (pm == null) throw new IllegalArgumentException("no dev_pagemap " + pgmapId + " (mm:memremap lists them)");
        Op op = new Op(model, "memunmap", pm.startPfn() << Mm.PAGE_SHIFT, pm.nrPages() << Mm.PAGE_SHIFT);
        op.put("pgmap", pgmapId);
        op.put("zone_before", ops.zoneRow(pm.nid(), ZoneType.DEVICE));
        hs.removePfnRangeFromZone(pm.nid(), ZoneType.DEVICE, pm.startPfn(), pm.nrPages());
        long secStart = Mm.alignDown(pm.startPfn(), Mm.PAGES_PER_SECTION);
        long secEnd = Mm.alignUp(pm.endPfn(), Mm.PAGES_PER_SECTION);
        hs.removePages(secStart, secEnd - secStart);
        pgmaps.remove(pgmapId);
        op.put("zone_after", ops.zoneRow(pm.nid(), ZoneType.DEVICE));
        return op.ok();
    }

    List<DevPagemap> pagemaps() { return new ArrayList<>(pgmaps.values()); }

    List<DeviceInitTime> deviceInitTimes() { return List.copyOf(initTimes); }

    /**
     * The modelled kernel time of memmap_init_zone_device for the variant that ran (docs/timing-model.md); null
     * for a variant the model does not know. The callback's constructor pass comes back after the generic pass
     * over {@link CallbackDeviceInit#GENERIC_PASS_PAGES} struct pages.
     */
    static KernelTime.DeviceInit modelled(Machine m, String variant, long pages, boolean altmap) {
        return KernelTime.deviceInit(m, variant, pages, altmap, CallbackDeviceInit.GENERIC_PASS_PAGES);
    }
}
