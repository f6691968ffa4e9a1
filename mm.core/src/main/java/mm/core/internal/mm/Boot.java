package mm.core.internal.mm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import mm.core.hook.BootContext;
import mm.machine.api.BootOptions;
import mm.core.hook.BootPhase;
import mm.core.hook.BootPhaseListener;
import mm.machine.api.E820Range;
import mm.machine.api.E820Type;
import mm.core.hook.FreeListHook;
import mm.machine.api.HotplugRange;
import mm.machine.api.LateFree;
import mm.machine.api.Machine;
import mm.core.api.Memblock;
import mm.machine.api.MemblockOp;
import mm.core.api.MemoryModel;
import mm.core.api.MigrateType;
import mm.core.api.Mm;
import mm.machine.api.NumaNode;
import mm.core.hook.PageAllocHook;
import mm.core.hook.PageInitHook;
import mm.machine.api.Reservation;
import mm.core.api.Task;
import mm.core.api.ZoneType;

/**
 * The boot: start_kernel's memory-management path as ordered phases (reference §7.1), producing a {@link Kernel}.
 * setup_arch (e820 -> memblock, reservations, NUMA, sparse_init), free_area_init (zones, memmap up to
 * first_deferred_pfn), memblock_free_all, the boot workload windows and page_ext points, page_alloc_init_late
 * (deferred init via the chosen {@link DeferredInit}), and late boot (watermarks, late frees).
 */
public final class Boot {
    /** The whiteboard hooks bound when the boot starts. */
    public record Hooks(List<BootPhaseListener> phases, PageInitHook[] init, PageAllocHook[] alloc, FreeListHook[] free) {
        void pagesInitialised(Zone z, long s, long e) {
            for (PageInitHook h : init) h.onPagesInitialised(z.nid, z.type, s, e);
        }
    }

    static final long SZ_1M = 1L << 20;
    static final long PMD_SIZE = 2 * SZ_1M;
    static final long NODE_DATA_SIZE = 0x2a980;
    static final long SMP_CACHE_BYTES = 64;
    static final long PCPU_UNIT = SZ_1M, PCPU_USED = 0x42000;
    static final long PHYSICAL_START = 0x1000000;

    private final Machine machine;
    private final Memblock mb;
    private final Hooks hooks;
    private final DeferredInit deferredInit;
    private final MemoryModel model;
    private final Kernel k;
    private final KernelLog log;
    private final Map<String, double[]> timings = new LinkedHashMap<>();
    private boolean deferredStructPages;
    private boolean memblockGone;
    private long[] zoneLow = new long[ZoneType.VALUES.length], zoneHigh = new long[ZoneType.VALUES.length];
    private long[] zoneMovablePfn;
    private int movableZone;
    private DeferredOps deferredOps;
    private final List<long[]> kernelImageFree = new ArrayList<>();

    public Boot(Machine machine, Memblock mb, Hooks hooks, DeferredInit deferredInit, MemoryModel model) {
        this.machine = machine;
        this.mb = mb;
        this.hooks = hooks;
        this.deferredInit = deferredInit;
        this.model = model;
        this.k = new Kernel(machine);
        this.log = k.log;
        k.allocHooks = hooks.alloc();
    }

    public Kernel kernel() { return k; }
    public Map<String, double[]> timings() { return timings; }

    private final BootContext ctx = new BootContext() {
        @Override public Machine machine() { return machine; }
        @Override public Memblock memblock() {
            if (memblockGone) throw new IllegalStateException("memblock was discarded by page_alloc_init_late");
            return mb;
        }
        @Override public MemoryModel model() { return model; }
        @Override public void log(String line) { log.log(line); }
        @Override public void recordTiming(String step, double measuredMs, double modelledMs) {
            timings.put(step, new double[] {measuredMs, modelledMs});
        }
        @Override public boolean deferredStructPages() { return deferredStructPages; }
        @Override public long clockNanos() { return k.now(); }
        @Override public void advanceClock(long nanos) { k.clock.addAndGet(nanos); }
    };

    public BootContext context() { return ctx; }

    private void phase(BootPhase p) {
        for (BootPhaseListener l : hooks.phases()) l.onPhase(p, ctx);
    }

    private void timed(String step, Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        double ms = (System.nanoTime() - t0) / 1e6;
        double[] prev = timings.get(step);
        timings.put(step, new double[] {ms, prev == null ? Double.NaN : prev[1]});
    }

    /** Runs the whole boot. The model's state must be swapped to {@link #kernel()} by the caller on success. */
    public Kernel run(BootWorkloadRunner workload) {
        BootOptions o = machine.options();
        k.setTask(Task.SWAPPER);
        try {
            timed("setup_arch", this::setupArch);
            phase(BootPhase.SETUP_ARCH);
            timed("free_area_init", this::freeAreaInit);
            phase(BootPhase.FREE_AREA_INIT);
            buildAllZonelists();
            timed("memblock_free_all", this::memblockFreeAll);
            phase(BootPhase.MEMBLOCK_FREE_ALL);
            k.deferredGrowEnabled = deferredStructPages;
            timed("early_allocations", () -> workload.run(k, BootPhase.EARLY_ALLOCATIONS));
            phase(BootPhase.EARLY_ALLOCATIONS);
            phase(BootPhase.PAGE_EXT_EARLY);
            phase(BootPhase.KMEMLEAK_INIT);
            setupPerCpuPagesets();
            lateFrees(true);
            k.setTask(Task.INIT);
            timed("mid_allocations", () -> workload.run(k, BootPhase.MID_ALLOCATIONS));
            phase(BootPhase.MID_ALLOCATIONS);
            timed("page_alloc_init_late", this::pageAllocInitLate);
            phase(BootPhase.PAGE_ALLOC_INIT_LATE);
            phase(BootPhase.PAGE_EXT_LATE);
            timed("late_boot", () -> lateBoot(workload));
            phase(BootPhase.LATE_BOOT);
            phase(BootPhase.DONE);
            if (o.memblockDebug()) mb.setDebug(false, null);
            return k;
        } finally {
            k.setTask(null);
        }
    }

    // ------------------------------------------------------------------------------------------------ setup_arch

    private void setupArch() {
        BootOptions o = machine.options();
        mb.reset();
        if (o.memblockDebug()) mb.setDebug(true, log::log);
        log.log("Command line: " + o.cmdline());
        log.log("BIOS-provided physical RAM map:");
        for (E820Range r : machine.e820()) log.log(r.kernelLine());
        List<E820Range> e820 = trimBiosRange(machine.e820());
        long maxPfn = 0;
        for (E820Range r : e820) if (r.type().isRam()) maxPfn = Math.max(maxPfn, Mm.pfnDown(r.end()));
        k.maxPfn = maxPfn;
        log.log(String.format(Locale.ROOT, "last_pfn = %#x max_arch_pfn = %#x", maxPfn, 1L << 40));
        boolean replay = !machine.memblockOps().isEmpty();
        // e820__memblock_setup
        mb.allowResize();
        for (E820Range r : e820) {
            if (r.type() == E820Type.SOFT_RESERVED) mb.caller("e820__memblock_setup+0x73/0xb0").reserve(r.start(), r.size());
            else if (r.type().isRam()) mb.caller("e820__memblock_setup+0x73/0xb0").add(r.start(), r.size());
        }
        mb.trimMemory(Mm.PAGE_SIZE);
        if (o.memLimit() > 0) mb.enforceMemoryLimit(o.memLimit());
        if (o.memblockDebug()) log.log(mb.dumpAll());
        if (replay) replayMemblockOps();
        else synthesizeEarlyReservations();
        // initmem_init: NUMA node ids for memory; hotplug ranges
        numaInit(!replay);
        for (HotplugRange h : machine.hotplug()) {
            if (h.presentAtBoot()) mb.markHotplug(h.start(), h.end() - h.start());
        }
        if (o.memblockDebug()) log.log(mb.dumpAll());
        sparseInit(!replay);
        if (!replay) synthesizePercpuAndHashes();
    }

    /** trim_bios_range: page 0 becomes reserved, and the legacy BIOS area 640K..1M is never RAM. */
    static List<E820Range> trimBiosRange(List<E820Range> in) {
        List<E820Range> out = new ArrayList<>();
        for (E820Range r : in) {
            if (!r.type().isRam()) { out.add(r); continue; }
            long s = r.start(), e = r.end();
            List<long[]> pieces = new ArrayList<>();
            pieces.add(new long[] {s, e});
            pieces = subtract(pieces, 0, Mm.PAGE_SIZE);
            pieces = subtract(pieces, 0xa0000, 0x100000);
            for (long[] p : pieces) out.add(new E820Range(p[0], p[1], r.type()));
        }
        return out;
    }

    private static List<long[]> subtract(List<long[]> pieces, long s, long e) {
        List<long[]> out = new ArrayList<>();
        for (long[] p : pieces) {
            if (p[1] <= s || p[0] >= e) { out.add(p); continue; }
            if (p[0] < s) out.add(new long[] {p[0], s});
            if (p[1] > e) out.add(new long[] {e, p[1]});
        }
        return out;
    }

    private void replayMemblockOps() {
        for (MemblockOp op : machine.memblockOps()) {
            String caller = op.caller() == null ? "setup_arch" : op.caller();
            switch (op.kind()) {
                case RESERVE, DUMP_RESERVED -> mb.caller(caller).reserve(op.base(), op.size());
                case FREE -> mb.caller(caller).physFree(op.base(), op.size());
                case ADD -> mb.caller(caller).add(op.base(), op.size());
                case REMOVE -> mb.caller(caller).remove(op.base(), op.size());
                default -> throw new IllegalStateException("unknown memblock op " + op.kind());
            }
            if (op.kind() == MemblockOp.Kind.RESERVE && op.base() <= PHYSICAL_START && PHYSICAL_START < op.base() + op.size())
                kernelImageFree.add(new long[] {op.base(), op.base() + op.size()});
        }
        if (kernelImageFree.isEmpty()) {
            for (Memblock.Region r : mb.reserved()) {
                if (r.base() <= PHYSICAL_START && PHYSICAL_START < r.end()) kernelImageFree.add(new long[] {r.base(), r.end()});
            }
        }
    }

    /** The reservations x86 makes before the page allocator exists, when no memblock=debug log is replayed. */
    private void synthesizeEarlyReservations() {
        // the first MiB is always reserved on x86 since 5.13 (real mode trampoline, BIOS, EBDA)
        mb.caller("setup_arch+0x891/0xe70").reserve(0, SZ_1M);
        for (Reservation r : machine.reservations()) {
            mb.caller("setup_arch").reserve(r.base(), r.size());
            String n = r.name().toLowerCase(Locale.ROOT);
            if (n.contains("kernel")) kernelImageFree.add(new long[] {r.base(), r.end()});
            if (n.contains("initrd") || n.contains("ramdisk"))
                log.log(String.format(Locale.ROOT, "RAMDISK: [mem %#010x-%#010x]", r.base(), r.end() - 1));
        }
    }

    private void numaInit(boolean allocNodeData) {
        List<NumaNode> nodes = machine.nodes();
        if (nodes.size() == 1 && nodes.get(0).ranges().size() <= 1) {
            log.log("No NUMA configuration found");
            log.log(String.format(Locale.ROOT, "Faking a node at [mem %s-%s]", Mm.hex18(0), Mm.hex18(mb.endOfDram() - 1)));
            mb.setNode(0, Memblock.PHYS_ADDR_MAX, false, nodes.get(0).id());
        } else {
            for (NumaNode n : nodes) {
                for (long[] r : n.ranges()) mb.setNode(r[0], r[1] - r[0], false, n.id());
            }
        }
        int maxNid = 0;
        for (NumaNode n : nodes) maxNid = Math.max(maxNid, n.id());
        k.nodeIndexByNid = new int[maxNid + 1];
        java.util.Arrays.fill(k.nodeIndexByNid, -1);
        List<Integer> cpuNodes = new ArrayList<>();
        for (NumaNode n : nodes) {
            k.nodeIndexByNid[n.id()] = k.nodes.size();
            k.nodes.add(new Node(n.id(), n.cpus(), k.mm));
            for (int c = 0; c < Math.max(1, n.cpus()); c++) cpuNodes.add(n.id());
            if (allocNodeData) {
                long pa = mb.caller("alloc_node_data+0x3c/0x110").allocTryNid(NODE_DATA_SIZE, SMP_CACHE_BYTES, 0,
                        Memblock.ALLOC_ACCESSIBLE, n.id());
                if (pa != 0) log.log(String.format(Locale.ROOT, "NODE_DATA(%d) allocated [mem %#010x-%#010x]", n.id(),
                        pa, pa + NODE_DATA_SIZE - 1));
            }
        }
        k.cpuNode = cpuNodes.stream().mapToInt(Integer::intValue).toArray();
    }

    /** sparse_init: a memmap for every section that holds memory; the vmemmap itself comes from memblock. */
    private void sparseInit(boolean allocMemmap) {
        for (Node n : k.nodes) {
            long sections = 0;
            long last = -1;
            for (Memblock.PfnRange r : mb.memPfnRanges(n.nid)) {
                for (long s = Mm.sectionOf(r.startPfn()); s <= Mm.sectionOf(r.endPfn() - 1); s++) {
                    k.mm.addSection(s);
                    k.mm.setOnline(s, true);
                    if (s != last) { sections++; last = s; }
                }
            }
            if (allocMemmap && sections > 0) {
                mb.caller("sparse_init_nid+0x9f/0x5b0").allocTryNid(sections * 56, SMP_CACHE_BYTES, 0,
                        Memblock.ALLOC_ACCESSIBLE, n.nid);
                mb.caller("sparse_init_nid+0x111/0x5b0").allocExactNidRaw(
                        sections * (Mm.PAGES_PER_SECTION * (long) Mm.STRUCT_PAGE_SIZE), PMD_SIZE, 16 * SZ_1M,
                        Memblock.ALLOC_ACCESSIBLE, n.nid);
            }
        }
    }

    private void synthesizePercpuAndHashes() {
        int cpus = 0;
        for (Node n : k.nodes) cpus += Math.max(1, n.cpus);
        log.log(String.format(Locale.ROOT, "setup_percpu: NR_CPUS:8192 nr_cpumask_bits:%d nr_cpu_ids:%d nr_node_ids:%d",
                cpus, cpus, k.nodes.size()));
        for (Node n : k.nodes) {
            int c = Math.max(1, n.cpus);
            long base = mb.caller("pcpu_fc_alloc+0x79/0x160").allocTryNid(c * PCPU_UNIT, PMD_SIZE, 16 * SZ_1M,
                    Memblock.ALLOC_ACCESSIBLE, n.nid);
            if (base == 0) continue;
            for (int i = 0; i < c; i++)
                mb.caller("pcpu_embed_first_chunk+0x1f4/0x7e0").physFree(base + i * PCPU_UNIT + PCPU_USED,
                        PCPU_UNIT - PCPU_USED);
        }
        long kernelPages = 0;
        for (Memblock.Range r : mb.freeRanges(Mm.NUMA_NO_NODE, Memblock.FLAG_NONE, false))
            kernelPages += Mm.pfnDown(r.end()) - Mm.pfnUp(r.start());
        if (k.nodes.size() == 1) {
            // hashdist is off on one node: the dentry and inode hashes come from memblock (vfs_caches_init_early)
            largeSystemHash("Dentry cache", kernelPages >> 1, 8);
            largeSystemHash("Inode-cache", kernelPages >> 2, 8);
        }
        if (machine.options().pageOwner()) largeSystemHash("stackdepot", Math.min(1L << 20, Math.max(1L << 12, kernelPages >> 2)), 16);
    }

    private void largeSystemHash(String name, long entries, long bucket) {
        long n = Long.highestOneBit(Math.max(1, entries - 1)) << 1;
        long bytes = n * bucket;
        long pa = mb.caller("alloc_large_system_hash+0x21b/0x2d0").allocTryNid(bytes, SMP_CACHE_BYTES, 0,
                Memblock.ALLOC_ACCESSIBLE, Mm.NUMA_NO_NODE);
        if (pa == 0) return;
        int order = 63 - Long.numberOfLeadingZeros(Math.max(1, bytes >> Mm.PAGE_SHIFT));
        String label = name.equals("stackdepot") ? "stackdepot hash table" : name + " hash table";
        log.log(String.format(Locale.ROOT, "%s entries: %d (order: %d, %d bytes, linear)", label, n, order, bytes));
    }

    // ------------------------------------------------------------------------------------------- free_area_init

    private void freeAreaInit() {
        long startPfn = Mm.pfnDown(mb.startOfDram());
        long[] maxZonePfn = {Math.min(Mm.MAX_DMA_PFN, k.maxPfn), Math.min(Mm.MAX_DMA32_PFN, k.maxPfn), k.maxPfn};
        for (int i = 0; i < 3; i++) {
            long end = Math.max(maxZonePfn[i], startPfn);
            zoneLow[i] = startPfn;
            zoneHigh[i] = end;
            startPfn = end;
        }
        // ZONE_DEVICE never gets boot memory
        zoneLow[ZoneType.DEVICE.ordinal()] = zoneHigh[ZoneType.DEVICE.ordinal()] = 0;
        findZoneMovablePfnsForNodes();
        log.log("Zone ranges:");
        for (ZoneType z : ZoneType.VALUES) {
            if (z == ZoneType.MOVABLE) continue;
            int i = z.ordinal();
            if (zoneLow[i] == zoneHigh[i]) log.log(String.format(Locale.ROOT, "  %-8s empty", z.kernelName()));
            else log.log(String.format(Locale.ROOT, "  %-8s [mem %s-%s]", z.kernelName(), Mm.hex18(Mm.pfnPhys(zoneLow[i])),
                    Mm.hex18(Mm.pfnPhys(zoneHigh[i]) - 1)));
        }
        log.log("Movable zone start for each node");
        for (Node n : k.nodes) {
            long m = zoneMovablePfn[k.nodes.indexOf(n)];
            if (m != 0) log.log(String.format(Locale.ROOT, "  Node %d: %s", n.nid, Mm.hex18(Mm.pfnPhys(m))));
        }
        log.log("Early memory node ranges");
        for (Memblock.PfnRange r : mb.memPfnRanges(Mm.MAX_NUMNODES))
            log.log(String.format(Locale.ROOT, "  node %3d: [mem %s-%s]", r.nid(), Mm.hex18(Mm.pfnPhys(r.startPfn())),
                    Mm.hex18(Mm.pfnPhys(r.endPfn()) - 1)));
        for (Node n : k.nodes) freeAreaInitNode(n);
        memmapInit();
    }

    /** find_zone_movable_pfns_for_nodes for kernelcore= / movablecore= (no mirror, no movable_node). */
    private void findZoneMovablePfnsForNodes() {
        int nn = k.nodes.size();
        zoneMovablePfn = new long[nn];
        movableZone = ZoneType.NORMAL.ordinal();
        for (int z = ZoneType.NORMAL.ordinal(); z >= 0; z--) {
            if (zoneHigh[z] > zoneLow[z]) { movableZone = z; break; }
        }
        BootOptions o = machine.options();
        long totalPages = 0;
        for (Memblock.PfnRange r : mb.memPfnRanges(Mm.MAX_NUMNODES)) totalPages += r.endPfn() - r.startPfn();
        long requiredKernelcore = o.kernelcorePercent() >= 0 ? totalPages * 100 * o.kernelcorePercent() / 10000
                : o.kernelcoreBytes() >>> Mm.PAGE_SHIFT;
        long requiredMovablecore = o.movablecorePercent() >= 0 ? totalPages * 100 * o.movablecorePercent() / 10000
                : o.movablecoreBytes() >>> Mm.PAGE_SHIFT;
        if (o.movableNode()) {
            for (int i = 0; i < nn; i++) {
                for (Memblock.Region r : mb.memory()) {
                    if (r.nid() == k.nodes.get(i).nid && (r.flags() & Memblock.FLAG_HOTPLUG) != 0) {
                        long p = Mm.pfnUp(r.base());
                        zoneMovablePfn[i] = zoneMovablePfn[i] == 0 ? p : Math.min(zoneMovablePfn[i], p);
                    }
                }
            }
            finishMovable();
            return;
        }
        if (requiredMovablecore > 0) {
            requiredMovablecore = Math.min(totalPages, Mm.alignUp(requiredMovablecore, Mm.MAX_ORDER_NR_PAGES));
            long corepages = totalPages - requiredMovablecore;
            requiredKernelcore = Math.max(requiredKernelcore, corepages);
        }
        if (requiredKernelcore == 0 || requiredKernelcore >= totalPages) { finishMovable(); return; }
        long usableStartPfn = zoneLow[movableZone];
        int usableNodes = 0;
        for (Node n : k.nodes) if (!mb.memPfnRanges(n.nid).isEmpty()) usableNodes++;
        while (true) {
            long kernelcoreNode = requiredKernelcore / usableNodes;
            for (int i = 0; i < nn; i++) {
                Node n = k.nodes.get(i);
                List<Memblock.PfnRange> ranges = mb.memPfnRanges(n.nid);
                if (ranges.isEmpty()) continue;
                if (requiredKernelcore < kernelcoreNode) kernelcoreNode = requiredKernelcore / usableNodes;
                long remaining = kernelcoreNode;
                for (Memblock.PfnRange r : ranges) {
                    long s = Math.max(r.startPfn(), zoneMovablePfn[i]), e = r.endPfn();
                    if (s >= e) continue;
                    if (s < usableStartPfn) {
                        long kernelPages = Math.min(e, usableStartPfn) - s;
                        remaining -= Math.min(kernelPages, remaining);
                        requiredKernelcore -= Math.min(kernelPages, requiredKernelcore);
                        if (e <= usableStartPfn) { zoneMovablePfn[i] = e; continue; }
                        s = usableStartPfn;
                    }
                    long size = Math.min(e - s, remaining);
                    zoneMovablePfn[i] = s + size;
                    requiredKernelcore -= Math.min(requiredKernelcore, size);
                    remaining -= size;
                    if (remaining == 0) break;
                }
            }
            usableNodes--;
            if (usableNodes > 0 && requiredKernelcore > usableNodes) continue;
            break;
        }
        finishMovable();
    }

    private void finishMovable() {
        for (int i = 0; i < k.nodes.size(); i++) {
            if (zoneMovablePfn[i] == 0) continue;
            zoneMovablePfn[i] = Mm.alignUp(zoneMovablePfn[i], Mm.MAX_ORDER_NR_PAGES);
            long[] span = nodeSpan(k.nodes.get(i).nid);
            if (zoneMovablePfn[i] >= span[1]) zoneMovablePfn[i] = 0;
        }
    }

    private long[] nodeSpan(int nid) {
        long s = Long.MAX_VALUE, e = 0;
        for (Memblock.PfnRange r : mb.memPfnRanges(nid)) { s = Math.min(s, r.startPfn()); e = Math.max(e, r.endPfn()); }
        return s == Long.MAX_VALUE ? new long[] {0, 0} : new long[] {s, e};
    }

    private void freeAreaInitNode(Node n) {
        long[] span = nodeSpan(n.nid);
        n.startPfn = span[0];
        n.endPfn = span[1];
        if (span[1] == 0) log.log("Initmem setup node " + n.nid + " as memoryless");
        else log.log(String.format(Locale.ROOT, "Initmem setup node %d [mem %s-%s]", n.nid, Mm.hex18(Mm.pfnPhys(span[0])),
                Mm.hex18(Mm.pfnPhys(span[1]) - 1)));
        int ni = k.nodes.indexOf(n);
        long movStart = zoneMovablePfn[ni];
        long present = 0;
        for (Zone z : n.zones) {
            long zs, ze;
            if (z.type == ZoneType.MOVABLE) {
                if (movStart == 0) { zs = ze = 0; }
                else { zs = movStart; ze = Math.min(span[1], zoneHigh[movableZone]); }
            } else {
                zs = clamp(span[0], zoneLow[z.idx], zoneHigh[z.idx]);
                ze = clamp(span[1], zoneLow[z.idx], zoneHigh[z.idx]);
                if (movStart != 0) {
                    if (zs < movStart && ze > movStart) ze = movStart;
                    else if (zs >= movStart) zs = ze;
                }
            }
            if (ze < span[0] || zs > span[1] || ze <= zs) { zs = ze = 0; }
            zs = Math.max(zs, span[0]);
            ze = Math.min(ze, span[1]);
            long spanned = ze > zs ? ze - zs : 0;
            long absent = spanned == 0 ? 0 : spanned - memoryPagesIn(n.nid, zs, ze);
            z.zoneStartPfn = spanned == 0 ? 0 : zs;
            z.spanned = spanned;
            z.present = spanned - absent;
            z.presentEarly = z.present;
            present += z.present;
        }
        n.presentPages = present;
    }

    private static long clamp(long v, long lo, long hi) { return Math.max(lo, Math.min(hi, v)); }

    private long memoryPagesIn(int nid, long s, long e) {
        long n = 0;
        for (Memblock.PfnRange r : mb.memPfnRanges(nid)) {
            long a = Math.max(s, r.startPfn()), b = Math.min(e, r.endPfn());
            if (b > a) n += b - a;
        }
        return n;
    }

    /**
     * memmap_init: every memory pfn range of every node, per populated zone, through memmap_init_range (which stops
     * at the deferral point) and init_unavailable_range for the holes in between and up to the section end.
     */
    private void memmapInit() {
        boolean defer = machine.options().deferredStructPageInit() && deferredInit.defers()
                && !machine.options().earlyPageExt();
        long holePfn = 0;
        int lastZone = 0, lastNid = k.nodes.get(0).nid;
        long prevEndPfn = -1, nrInitialised = 0;
        for (Memblock.PfnRange r : mb.memPfnRanges(Mm.MAX_NUMNODES)) {
            Node n = k.node(r.nid());
            for (Zone z : n.zones) {
                if (!z.populated()) continue;
                long s = Math.max(r.startPfn(), z.zoneStartPfn), e = Math.min(r.endPfn(), z.endPfn());
                if (s >= e) continue;
                // memmap_init_range with defer_init()
                long initEnd = e;
                if (defer) {
                    long zoneEnd = z.endPfn();
                    if (prevEndPfn != zoneEnd) { prevEndPfn = zoneEnd; nrInitialised = 0; }
                    if (zoneEnd >= n.endPfn) {
                        if (n.firstDeferredPfn != Node.NO_DEFERRED) initEnd = s;
                        else {
                            long need = Math.max(0, Mm.PAGES_PER_SECTION - nrInitialised);
                            long p = Mm.alignUp(s + need, Mm.PAGES_PER_SECTION);
                            if (p < e) {
                                initEnd = p;
                                n.firstDeferredPfn = p;
                                n.bootFirstDeferredPfn = p;
                            }
                            nrInitialised += initEnd - s;
                        }
                    }
                }
                if (initEnd > s) {
                    k.mm.initRange(s, initEnd, n.nid, z.idx, false, MigrateType.MOVABLE.ordinal());
                    hooks.pagesInitialised(z, s, initEnd);
                }
                if (initEnd < e) deferredStructPages = true;
                if (holePfn < s) initUnavailableRange(holePfn, s, z.idx, n.nid);
                holePfn = e;
                lastZone = z.idx;
                lastNid = n.nid;
            }
        }
        long end = Mm.alignUp(holePfn, Mm.PAGES_PER_SECTION);
        if (holePfn < end) initUnavailableRange(holePfn, end, lastZone, lastNid);
        for (Node n : k.nodes) {
            if (n.firstDeferredPfn != Node.NO_DEFERRED) {
                long left = 0;
                for (Memblock.PfnRange r : mb.memPfnRanges(n.nid)) {
                    long a = Math.max(r.startPfn(), n.firstDeferredPfn);
                    if (r.endPfn() > a) left += r.endPfn() - a;
                }
                n.deferredPagesLeft = left;
            }
        }
    }

    /** init_unavailable_range: holes get reserved struct pages of the given zone and node. */
    private void initUnavailableRange(long spfn, long epfn, int zone, int nid) {
        long count = 0;
        long pfn = spfn;
        while (pfn < epfn) {
            long pbStart = pfn & ~(long) (Mm.PAGEBLOCK_NR_PAGES - 1);
            long pbEnd = Math.min(epfn, pbStart + Mm.PAGEBLOCK_NR_PAGES);
            if (!k.mm.valid(pbStart)) { pfn = pbEnd; continue; }
            k.mm.initRange(pfn, pbEnd, nid, zone, true, -1);
            hooks.pagesInitialised(k.node(nid).zones[zone], pfn, pbEnd);
            count += pbEnd - pfn;
            pfn = pbEnd;
        }
        if (count > 0) log.log(String.format(Locale.ROOT, "On node %d, zone %s: %d pages in unavailable ranges", nid,
                ZoneType.VALUES[zone].kernelName(), count));
    }

    private void buildAllZonelists() {
        for (Node n : k.nodes) for (Zone z : n.zones) {
            z.pcp = new Zone.Pcp[k.cpuNode.length];
            for (int c = 0; c < z.pcp.length; c++) { z.pcp[c] = new Zone.Pcp(); z.pcp[c].high = 0; z.pcp[c].batch = 1; }
            z.freeHooks = hooks.free();
        }
        k.buildZonelists();
        for (String l : k.fallbackOrderLines()) log.log(l);
        long total = 0;
        for (Node n : k.nodes) total += n.presentPages;
        log.log(String.format(Locale.ROOT, "Built %d zonelists, mobility grouping on.  Total pages: %d", k.nodes.size(), total));
        ZoneType policy = ZoneType.DMA;
        for (Node n : k.nodes) for (int i = 0; i <= ZoneType.NORMAL.ordinal(); i++)
            if (n.zones[i].populated() && i > policy.ordinal()) policy = ZoneType.VALUES[i];
        log.log("Policy zone: " + policy.kernelName());
    }

    // --------------------------------------------------------------------------------------- memblock_free_all

    private void memblockFreeAll() {
        for (Zone z : k.zones()) z.managed = 0;
        memmapInitReservedPages();
        for (Memblock.Range r : mb.freeRanges(Mm.NUMA_NO_NODE, Memblock.FLAG_NONE, false)) {
            long s = Mm.pfnUp(r.start()), e = Math.min(Mm.pfnDown(r.end()), k.maxPfn);
            freePagesMemory(s, e);
        }
        // snapshot the free ranges deferred init and deferred_grow_zone walk (memblock is discarded later)
        List<List<long[]>> perNode = new ArrayList<>();
        for (Node n : k.nodes) {
            List<long[]> ranges = new ArrayList<>();
            if (n.firstDeferredPfn != Node.NO_DEFERRED) {
                for (Memblock.Range r : mb.freeRanges(n.nid, Memblock.FLAG_NONE, false)) {
                    long s = Math.max(Mm.pfnUp(r.start()), n.firstDeferredPfn), e = Math.min(Mm.pfnDown(r.end()), n.endPfn);
                    if (s < e) ranges.add(new long[] {s, e});
                }
            }
            perNode.add(ranges);
        }
        deferredOps = new DeferredOps(k, hooks, perNode);
        k.grower = deferredOps::growZone;
        k.memblock = mb;
    }

    /** memmap_init_reserved_pages / reserve_bootmem_region: reserved ranges become PG_reserved struct pages. */
    private void memmapInitReservedPages() {
        for (Memblock.Region r : mb.memory()) {
            if ((r.flags() & Memblock.FLAG_NOMAP) != 0) reserveBootmemRegion(r.base(), r.end(), r.nid());
        }
        for (Memblock.Region r : mb.reserved()) reserveBootmemRegion(r.base(), r.end(), -1);
    }

    private void reserveBootmemRegion(long start, long end, int nidHint) {
        long s = Mm.pfnDown(start), e = Mm.pfnUp(end);
        long pfn = s;
        while (pfn < e) {
            MemmapImpl.Section sec = k.mm.section(pfn);
            if (sec == null) { pfn = (pfn | MemmapImpl.MASK) + 1; continue; }
            int i = (int) (pfn & MemmapImpl.MASK);
            if ((sec.flags[i] & MemmapImpl.INIT) == 0) {
                // init_reserved_page: reserved pages in the deferred part are initialised now, a run at a time
                Zone z = k.zoneOf(pfn);
                if (z == null) { pfn++; continue; }
                long runEnd = Math.min(Math.min(e, z.endPfn()), (pfn | MemmapImpl.MASK) + 1);
                long r = pfn + 1;
                while (r < runEnd && (sec.flags[(int) (r & MemmapImpl.MASK)] & MemmapImpl.INIT) == 0) r++;
                k.mm.initRange(pfn, r, z.nid, z.idx, true, -1);
                hooks.pagesInitialised(z, pfn, r);
                Node n = k.node(z.nid);
                if (pfn >= n.firstDeferredPfn) n.deferredPagesLeft -= r - pfn;
                pfn = r;
                continue;
            }
            sec.flags[i] |= Zone.RESERVED;
            pfn++;
        }
    }

    /** __free_pages_memory: the largest naturally aligned chunks, skipping the deferred part of each node. */
    private void freePagesMemory(long start, long end) {
        while (start < end) {
            int order = start == 0 ? Mm.MAX_PAGE_ORDER : Math.min(Mm.MAX_PAGE_ORDER, Long.numberOfTrailingZeros(start));
            while (start + (1L << order) > end) order--;
            MemmapImpl.Section sec = k.mm.section(start);
            long f = sec == null ? 0 : sec.flags[(int) (start & MemmapImpl.MASK)];
            if ((f & MemmapImpl.INIT) != 0) {
                Zone z = k.pageZone(f);
                Node n = k.node(z.nid);
                if (start < n.firstDeferredPfn) z.freePagesCore(start, order);
            }
            start += 1L << order;
        }
    }

    // ------------------------------------------------------------------------------------- per-cpu pagesets

    /** setup_per_cpu_pageset / zone_pcp_update: batch from zone_batchsize, high from the low watermark. */
    void setupPerCpuPagesets() {
        for (Node n : k.nodes) for (Zone z : n.zones) updatePcp(z, n);
    }

    static void updatePcp(Zone z, Node n) {
        long batch = Math.min(z.managed >> 10, SZ_1M / Mm.PAGE_SIZE) / 4;
        if (batch < 1) batch = 1;
        batch = Long.highestOneBit(batch + batch / 2) - 1;
        batch = Math.max(1, batch);
        long high = Math.max(z.wmarkLow / Math.max(1, n.cpus), batch << 2);
        if (!z.populated()) high = 0;
        for (Zone.Pcp p : z.pcp) { p.batch = (int) batch; p.high = (int) high; }
    }

    // -------------------------------------------------------------------------------- page_alloc_init_late

    private void pageAllocInitLate() {
        List<Node> todo = new ArrayList<>();
        for (Node n : k.nodes) if (n.firstDeferredPfn != Node.NO_DEFERRED) todo.add(n);
        if (!todo.isEmpty()) {
            ExecutorService pool = Executors.newFixedThreadPool(todo.size(), r -> {
                Thread t = new Thread(r);
                t.setDaemon(true);
                return t;
            });
            try {
                List<Future<long[]>> results = new ArrayList<>();
                for (Node n : todo) {
                    results.add(pool.submit(() -> {
                        Thread.currentThread().setName("pgdatinit" + n.nid);
                        long s = System.nanoTime();
                        long pages = deferredInit.initNode(deferredOps, n);
                        return new long[] {pages, System.nanoTime() - s};
                    }));
                }
                for (int i = 0; i < todo.size(); i++) {
                    Node n = todo.get(i);
                    long[] r = results.get(i).get();
                    n.deferredPagesLeft = 0;
                    double measured = r[1] / 1e6;
                    double modelled = TimingModel.deferredInitMs(machine, deferredInit.name(), n, r[0]);
                    timings.put("deferred_init node " + n.nid + " (" + r[0] + " pages)", new double[] {measured, modelled});
                    log.log(String.format(Locale.ROOT, "node %d deferred pages initialised in %dms", n.nid,
                            Math.round(Double.isNaN(modelled) ? measured : modelled)));
                }
            } catch (Exception e) {
                throw new IllegalStateException("deferred init failed: " + e, e);
            } finally {
                pool.shutdownNow();
            }
        }
        // all pgdatinit threads are done: permanently disable on-demand growth (static_branch_disable)
        k.deferredGrowEnabled = false;
        memblockGone = true;
        long totalram = k.managedPages();
        k.totalramPagesAtMemoryLine = totalram;
        long physpages = 0;
        for (Node n : k.nodes) physpages += n.presentPages;
        var ki = machine.kernel();
        log.log(String.format(Locale.ROOT,
                "Memory: %dK/%dK available (%dK kernel code, %dK rwdata, %dK rodata, %dK init, %dK bss, %dK reserved, 0K cma-reserved)",
                k.freePages() << 2, physpages << 2, ki.codeK(), ki.rwdataK(), ki.rodataK(), ki.initK(), ki.bssK(),
                (physpages - totalram) << 2));
    }

    // ------------------------------------------------------------------------------------------- late boot

    private void lateBoot(BootWorkloadRunner workload) {
        Watermarks.initPerZoneWmarkMin(k, false);
        for (Node n : k.nodes) for (Zone z : n.zones) updatePcp(z, n);
        lateFrees(false);
        Watermarks.initPerZoneWmarkMin(k, true);
        for (Node n : k.nodes) for (Zone z : n.zones) updatePcp(z, n);
        workload.run(k, BootPhase.LATE_BOOT);
    }

    /**
     * free_reserved_area for the late frees of the machine: the initrd at its address, the kernel image's
     * init / gap sections from the top of the kernel image reservation down. {@code early} runs the ones the
     * kernel frees before page_alloc_init_late (SMP alternatives).
     */
    private void lateFrees(boolean early) {
        for (LateFree lf : machine.lateFrees()) {
            boolean isEarly = lf.name().toLowerCase(Locale.ROOT).contains("alternatives");
            if (isEarly != early) continue;
            long pages = lf.kib() / 4;
            long freed = 0;
            if (lf.base() >= 0) {
                freed = freeReservedArea(Mm.pfnUp(lf.base()), Mm.pfnUp(lf.base()) + pages);
            } else {
                while (freed < pages && !kernelImageFree.isEmpty()) {
                    long[] r = kernelImageFree.get(kernelImageFree.size() - 1);
                    long endPfn = Mm.pfnDown(r[1]), startPfn = Mm.pfnUp(r[0]);
                    long take = Math.min(pages - freed, endPfn - startPfn);
                    freed += freeReservedArea(endPfn - take, endPfn);
                    r[1] = Mm.pfnPhys(endPfn - take);
                    if (endPfn - take <= startPfn) kernelImageFree.remove(kernelImageFree.size() - 1);
                }
            }
            log.log(String.format(Locale.ROOT, "Freeing %s memory: %dK", freeingWhat(lf.name()), freed * 4));
        }
    }

    /** The words the kernel prints for each kind of late free (free_initmem, free_initrd_mem, ...). */
    static String freeingWhat(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "smp-alternatives" -> "SMP alternatives";
            case "initrd" -> "initrd";
            case "decrypted" -> "unused decrypted";
            case "initmem" -> "unused kernel image (initmem)";
            case "rodata-data-gap" -> "unused kernel image (rodata/data gap)";
            case "text-rodata-gap" -> "unused kernel image (text/rodata gap)";
            default -> name;
        };
    }

    /** free_reserved_page for every reserved page of [s, e): clear PG_reserved, managed++, free. */
    private long freeReservedArea(long s, long e) {
        long n = 0;
        for (long pfn = s; pfn < e; pfn++) {
            MemmapImpl.Section sec = k.mm.section(pfn);
            if (sec == null) continue;
            int i = (int) (pfn & MemmapImpl.MASK);
            if ((sec.flags[i] & (MemmapImpl.INIT | Zone.RESERVED)) != (MemmapImpl.INIT | Zone.RESERVED)) continue;
            Zone z = k.pageZone(sec.flags[i]);
            sec.flags[i] &= ~Zone.RESERVED;
            sec.refcount[i] = 1;
            sec.setPrev(i, Kernel.ALLOC_HEAD);
            sec.setNext(i, 0);
            synchronized (z) { z.managed++; }
            k.free(pfn, 0);
            n++;
        }
        return n;
    }
}
