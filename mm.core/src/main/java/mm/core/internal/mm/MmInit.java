package mm.core.internal.mm;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import mm.core.api.Memblock;
import mm.core.api.MigrateType;
import mm.core.api.Mm;
import mm.core.api.ZoneType;
import mm.machine.api.BootOptions;
import mm.machine.api.Machine;

/**
 * mm/mm_init.c: free_area_init (zone ranges, ZONE_MOVABLE placement, node and zone spans), memmap_init up to each
 * node's first_deferred_pfn with init_unavailable_range for the holes, reserve_bootmem_region, and
 * page_alloc_init_late, which runs deferred init. The deferred-init primitives are {@link DeferredOps}.
 */
final class MmInit {
    private final Machine machine;
    private final Memblock mb;
    private final BootHooks hooks;
    private final DeferredInit deferredInit;
    private final Kernel k;
    private final KernelLog log;
    private boolean deferredStructPages;
    private final long[] zoneLow = new long[ZoneType.VALUES.length], zoneHigh = new long[ZoneType.VALUES.length];
    private long[] zoneMovablePfn;
    private int movableZone;

    MmInit(Machine machine, Memblock mb, BootHooks hooks, DeferredInit deferredInit, Kernel k) {
        this.machine = machine;
        this.mb = mb;
        this.hooks = hooks;
        this.deferredInit = deferredInit;
        this.k = k;
        this.log = k.log;
    }

    /** Whether memmap_init left struct pages for deferred init (BootContext.deferredStructPages). */
    boolean deferredStructPages() { return deferredStructPages; }

    // ------------------------------------------------------------------------------------------- free_area_init

    void freeAreaInit() {
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
        boolean defer = machine.config().deferredStructPageInit() && machine.options().deferredStructPageInit()
                && deferredInit.defers() && !machine.options().earlyPageExt();
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

    /** The first valid pfn at or after {@code pfn}, or {@code end}: a hole costs one step, not one per section. */
    private long skipHole(long pfn, long end) {
        if (pfn >= end) return end;
        long next = k.mm.nextValidPfn(pfn);
        return next < 0 || next >= end ? end : next;
    }

    /** init_unavailable_range: holes get reserved struct pages of the given zone and node. */
    private void initUnavailableRange(long spfn, long epfn, int zone, int nid) {
        long count = 0;
        long pfn = spfn;
        while (pfn < epfn) {
            long pbStart = pfn & ~(long) (Mm.PAGEBLOCK_NR_PAGES - 1);
            long pbEnd = Math.min(epfn, pbStart + Mm.PAGEBLOCK_NR_PAGES);
            if (!k.mm.valid(pbStart)) { pfn = skipHole(pbEnd, epfn); continue; }
            k.mm.initRange(pfn, pbEnd, nid, zone, true, -1);
            hooks.pagesInitialised(k.node(nid).zones[zone], pfn, pbEnd);
            count += pbEnd - pfn;
            pfn = pbEnd;
        }
        if (count > 0) log.log(String.format(Locale.ROOT, "On node %d, zone %s: %d pages in unavailable ranges", nid,
                ZoneType.VALUES[zone].kernelName(), count));
    }

    /**
     * reserve_bootmem_region for memmap_init_reserved_pages: the reserved range's struct pages become PG_reserved;
     * the ones still waiting for deferred init are initialised now (init_reserved_page), a run at a time.
     */
    void reserveBootmemRegion(long start, long end, int nidHint) {
        long s = Mm.pfnDown(start), e = Mm.pfnUp(end);
        long pfn = s;
        while (pfn < e) {
            MemmapImpl.Section sec = k.mm.section(pfn);
            if (sec == null) { pfn = skipHole((pfn | MemmapImpl.MASK) + 1, e); continue; }
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
            if (i == 0 && sec.identical && e - pfn >= Mm.PAGES_PER_SECTION && (sec.flags[0] & Zone.RESERVED) == 0
                    && k.mm.tryIdentical(sec, 0, Mm.PAGES_PER_SECTION, sec.flags[0] | Zone.RESERVED, sec.refcount[0],
                            sec.lru[0])) {
                pfn += Mm.PAGES_PER_SECTION; // compact: one struct page throughout, now PG_reserved
                continue;
            }
            sec.own();
            sec.flags[i] |= Zone.RESERVED;
            pfn++;
        }
    }

    // -------------------------------------------------------------------------------- page_alloc_init_late

    /**
     * page_alloc_init_late: deferred init of every node that deferred (one pgdatinit thread each, through the
     * chosen {@link DeferredInit}), the deferred_pages static key off, and mem_init_print_info's Memory: line.
     */
    void pageAllocInitLate(DeferredOps deferredOps, Map<String, double[]> timings) {
        List<Node> todo = new ArrayList<>();
        for (Node n : k.nodes) if (n.firstDeferredPfn != Node.NO_DEFERRED) todo.add(n);
        if (!todo.isEmpty()) {
            ExecutorService pool = Executors.newFixedThreadPool(todo.size(), r -> {
                Thread t = new Thread(r);
                t.setDaemon(true);
                // what fails is in the task's Future (the boot reports it); never a trace on stderr
                t.setUncaughtExceptionHandler((th, x) -> { });
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
                // the pgdatinit threads start together; each prints its line when it is done (kernel time), and
                // page_alloc_init_late goes on when the last one is
                long start = k.clock.get();
                long[] doneAt = new long[todo.size()];
                String[] lines = new String[todo.size()];
                for (int i = 0; i < todo.size(); i++) {
                    Node n = todo.get(i);
                    long[] r = results.get(i).get();
                    n.deferredPagesLeft = 0;
                    double measured = r[1] / 1e6;
                    double modelled = TimingModel.deferredInitMs(machine, deferredInit.name(), n, r[0]);
                    timings.put("deferred_init node " + n.nid + " (" + r[0] + " pages)", new double[] {measured, modelled});
                    double ms = Double.isNaN(modelled) ? measured : modelled;
                    doneAt[i] = start + (long) (ms * 1e6);
                    lines[i] = String.format(Locale.ROOT, "node %d deferred pages initialised in %dms", n.nid,
                            Math.round(ms));
                }
                Integer[] order = new Integer[todo.size()];
                for (int i = 0; i < order.length; i++) order[i] = i;
                java.util.Arrays.sort(order, java.util.Comparator.comparingLong(i -> doneAt[i]));
                for (int i : order) {
                    k.clock.accumulateAndGet(doneAt[i], Math::max);
                    log.log(lines[i]);
                }
                k.runTimers();
            } catch (Exception e) {
                // the user sees the cause's own sentence, not Java's exception text
                Throwable c = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null
                        ? e.getCause() : e;
                throw new IllegalStateException("deferred init failed: " + (c.getMessage() != null ? c.getMessage()
                        : c.getClass().getSimpleName()), c);
            } finally {
                pool.shutdownNow();
            }
        }
        // all pgdatinit threads are done: permanently disable on-demand growth (static_branch_disable)
        k.pageAlloc.deferredGrowEnabled = false;
        if (!machine.config().memoryLineBeforeDeferredInit()) memInitPrintInfo();
    }

    /**
     * mem_init_print_info: "available" is nr_free_pages() when it is printed; reserved is physpages minus
     * totalram_pages and the CMA pages. totalram_pages counts the still-deferred pages already (memblock_free_all
     * adds whole ranges), so only "available" depends on where the kernel prints the line (6.1: before deferred
     * init, 6.12: after it).
     */
    void memInitPrintInfo() {
        long deferred = 0;
        for (Node n : k.nodes) if (n.firstDeferredPfn != Node.NO_DEFERRED) deferred += n.deferredPagesLeft;
        long cma = k.cma.totalPages();
        // the CMA pages are still memblock-reserved (activated at core_initcall): not in totalram
        long totalram = k.managedPages() + deferred;
        k.totalramPagesAtMemoryLine = totalram;
        long physpages = 0;
        for (Node n : k.nodes) physpages += n.presentPages;
        var ki = machine.kernel();
        log.log(String.format(Locale.ROOT,
                "Memory: %dK/%dK available (%dK kernel code, %dK rwdata, %dK rodata, %dK init, %dK bss, %dK reserved, %dK cma-reserved)",
                k.freePages() << 2, physpages << 2, ki.codeK(), ki.rwdataK(), ki.rodataK(), ki.initK(), ki.bssK(),
                (physpages - totalram - cma) << 2, cma << 2));
    }
}
