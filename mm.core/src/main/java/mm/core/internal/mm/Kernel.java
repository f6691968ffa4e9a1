package mm.core.internal.mm;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import mm.core.api.Memblock;
import mm.core.api.Mm;
import mm.core.api.PageFlags;
import mm.machine.api.Machine;

/**
 * One booted emulated kernel: the memmap, the nodes and their zones, the emulated CPUs and clock, and the page
 * allocator ({@link PageAlloc}) and zonelists ({@link Zonelists}) working on them. Built by {@link Boot}; lives
 * until the next boot.
 */
public final class Kernel {
    public final Machine machine;
    public final MemmapImpl mm = new MemmapImpl();
    public final List<Node> nodes = new ArrayList<>();
    int[] nodeIndexByNid;
    final AtomicLong clock = new AtomicLong();
    final KernelLog log;
    final Cpus cpus = new Cpus();
    final Zonelists zonelists = new Zonelists();
    /** The bound TracepointHooks (each zone holds the same array); empty while nobody traces. */
    volatile mm.core.hook.TracepointHook[] traceHooks = Zone.NO_TRACE;
    /** The node / zone stat counters that callers of the allocator change, percpu and vmalloc page counts. */
    final VmStat vmstat = new VmStat();
    /** Ranges mapped into the direct map after boot (arch_add_memory), for DirectMap4k / 2M / 1G. */
    final DirectMap.HotAdded directMap = new DirectMap.HotAdded();
    /**
     * The boot tasks' memory policy is MPOL_INTERLEAVE: numa_policy_init sets it on init_task right after
     * setup_per_cpu_pageset, every kernel thread inherits it, and kernel_init puts the default policy back
     * (numa_default_policy) after free_initmem, before starting userspace.
     */
    volatile boolean bootInterleave;
    /** The interleave's last node (il_prev; one for all boot tasks). */
    private int ilPrev = -1;

    /**
     * interleave_nodes of the boot policy: the next node after the last one, in node order, among the nodes
     * numa_policy_init put in the policy (nodes with at least 16 MiB present; the node with the most when none has).
     */
    synchronized int interleaveNid() {
        long minPages = (16L << 20) >>> Mm.PAGE_SHIFT;
        Node first = null, next = null, largest = null;
        for (Node n : nodes) {
            if (largest == null || n.presentPages > largest.presentPages) largest = n;
            if (n.presentPages < minPages) continue;
            if (first == null) first = n;
            if (next == null && n.nid > ilPrev) next = n;
        }
        Node chosen = next != null ? next : first != null ? first : largest;
        ilPrev = chosen.nid;
        return chosen.nid;
    }
    /** mm/page_alloc.c on this kernel's zones. */
    public final PageAlloc pageAlloc;
    Memblock memblock;

    /** The boot's memblock (x86 discards it after boot; mmkit keeps it for inspection). */
    public Memblock memblock() { return memblock; }
    public long maxPfn;
    public long totalramPagesAtMemoryLine;
    /** The blocks of the DMA atomic pools ({pfn, order}), which the kernel's gen_pools hold for good. */
    public final java.util.List<long[]> atomicPools = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** hugetlb's boot pool (hugetlb_init); none until then. */
    Hugetlb hugetlb = Hugetlb.none();
    /** The default CMA area (cma=), reserved in setup_arch and activated at core_initcall; none without cma=. */
    Cma cma = Cma.none();
    /** min_free_kbytes as init_per_zone_wmark_min (and THP's recommendation) set it. */
    public long minFreeKbytes;

    /**
     * Zones by the zone and node bits of page->flags, which sit next to each other at the top of the word:
     * {@code (int) (flags >>> NODES_PGSHIFT)} is zone index << NODES_SHIFT | nid. One load for page_zone().
     */
    private Zone[] zoneTable;

    Kernel(Machine machine) {
        this.machine = machine;
        this.log = new KernelLog(clock::get);
        this.pageAlloc = new PageAlloc(this);
    }

    public Node node(int nid) {
        if (nid < 0 || nid >= nodeIndexByNid.length || nodeIndexByNid[nid] < 0)
            throw new IllegalArgumentException("no node " + nid);
        return nodes.get(nodeIndexByNid[nid]);
    }

    public boolean hasNode(int nid) { return nid >= 0 && nid < nodeIndexByNid.length && nodeIndexByNid[nid] >= 0; }

    public List<Zone> zones() {
        List<Zone> out = new ArrayList<>();
        for (Node n : nodes) for (Zone z : n.zones) out.add(z);
        return out;
    }

    /** The zone whose span holds pfn (ZONE_DEVICE last, as it may overlap nothing else), or null. */
    public Zone zoneOf(long pfn) {
        for (Node n : nodes) {
            for (Zone z : n.zones) if (z.spanned > 0 && z.spans(pfn)) return z;
        }
        return null;
    }

    /** page_zone(): the zone recorded in the struct page's links. */
    Zone pageZone(long flags) {
        return zoneTable[(int) (flags >>> PageFlags.NODES_PGSHIFT)];
    }

    /** The page_zone() table of every node's zones (build_all_zonelists builds it with the zonelists). */
    void buildZoneTable() {
        Zone[] table = new Zone[1 << (PageFlags.ZONES_SHIFT + PageFlags.NODES_SHIFT)];
        for (Node n : nodes) for (Zone z : n.zones) table[z.type.ordinal() << PageFlags.NODES_SHIFT | n.nid] = z;
        zoneTable = table;
    }

    public long now() { return clock.get(); }

    private static final long NS_PER_SEC = 1_000_000_000L;
    /** When vmstat_update next runs (emulated ns): never until init_mm_internals starts the vmstat shepherd. */
    private volatile long vmstatNext = Long.MAX_VALUE;
    private final Object vmstatLock = new Object();

    /**
     * init_mm_internals' start_shepherd_timer: from now on every CPU's vmstat_update runs each second
     * (sysctl_stat_interval, HZ; round_jiffies_relative puts it on whole seconds).
     */
    void startVmstat() { vmstatNext = (clock.get() / NS_PER_SEC + 1) * NS_PER_SEC; }

    /** Advances the emulated clock and runs what fell due meanwhile (vmstat_update's decay of the pagesets). */
    void advanceClock(long nanos) {
        clock.addAndGet(nanos);
        runTimers();
    }

    /**
     * Runs vmstat_update (refresh_cpu_vm_stats: decay_pcp_high on every pageset) for each whole second the clock
     * has passed since it last ran. Deferred to the next advance when this thread holds a zone lock (a free-list
     * hook that advances the clock in the middle of a free): a pageset lock is only ever held along with one.
     */
    void runTimers() {
        if (clock.get() < vmstatNext) return;
        for (Node n : nodes) for (Zone z : n.zones) if (Thread.holdsLock(z)) return;
        synchronized (vmstatLock) {
            long now = clock.get();
            for (int rounds = 0; vmstatNext <= now; rounds++) {
                boolean todo = pageAlloc.refreshCpuVmStats();
                vmstatNext += NS_PER_SEC;
                // nothing left to decay or drain, or a long idle time after 64 rounds (each takes an eighth of what
                // is above high_min; a high under 8 no longer moves): the seconds up to now change nothing more
                if (!todo || rounds >= 64) vmstatNext = Math.max(vmstatNext, (now / NS_PER_SEC + 1) * NS_PER_SEC);
            }
        }
    }

    long managedPages() {
        long m = 0;
        for (Node n : nodes) for (Zone z : n.zones) m += z.managed;
        return m;
    }

    long freePages() {
        long m = 0;
        for (Node n : nodes) for (Zone z : n.zones) m += z.freePages;
        return m;
    }
}
