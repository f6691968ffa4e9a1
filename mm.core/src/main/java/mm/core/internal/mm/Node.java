package mm.core.internal.mm;

import mm.core.api.ZoneType;

/** pg_data_t: a node's span, present pages, its zones and the deferred-init boundary. */
public final class Node {
    public static final long NO_DEFERRED = mm.core.api.NodeInfo.NO_DEFERRED;

    public final int nid;
    public final int cpus;
    public long startPfn;
    public long endPfn;
    public long presentPages;
    /** first_deferred_pfn: struct pages from here to the node end are initialised by deferred init. */
    public volatile long firstDeferredPfn = NO_DEFERRED;
    /** first_deferred_pfn as free_area_init set it (before deferred init and growth moved it). */
    public long bootFirstDeferredPfn = NO_DEFERRED;
    public final Zone[] zones = new Zone[ZoneType.VALUES.length];
    /** Pages still waiting for deferred init, and the growth events of deferred_grow_zone. */
    public long deferredPagesLeft;
    public int growEvents;
    /** node_stat_item counters (VmStat, under its monitor). */
    final long[] stat = new long[VmStat.NR_NODE_STATS];

    Node(int nid, int cpus, MemmapImpl mm) {
        this.nid = nid;
        this.cpus = cpus;
        for (ZoneType z : ZoneType.VALUES) zones[z.ordinal()] = new Zone(nid, z, mm);
    }

    public long spannedPages() { return endPfn - startPfn; }

    /** The node's highest populated zone (the only one deferred init touches). */
    public Zone highestZone() {
        for (int i = zones.length - 1; i >= 0; i--) if (zones[i].populated()) return zones[i];
        return null;
    }
}
