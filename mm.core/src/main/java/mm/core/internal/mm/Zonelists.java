package mm.core.internal.mm;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import mm.core.api.ZoneType;

/**
 * build_all_zonelists / build_zonelists (mm/page_alloc.c): per node, the zones an allocation may fall back to,
 * nodes by distance and zones high to low within each node, plus the __GFP_THISNODE lists. Rebuilt when a zone
 * becomes (un)populated by hotplug.
 */
final class Zonelists {
    /** zonelists[nodeIndex][highestZoneIdx] (ZONELIST_FALLBACK), and the __GFP_THISNODE variant. */
    Zone[][][] zonelists;
    Zone[][][] zonelistsThisNode;
    /**
     * The same zonelists indexed by nid << SHIFT | highest zone index (null for a nid with no node): one lookup.
     * Built whole and then published (volatile): an allocation racing with a hotplug rebuild sees the old lists or
     * the new ones, never a half-filled table (the kernel's zonelist_update_seq).
     */
    volatile Zone[][] byNid, thisNodeByNid;
    static final int SHIFT = 3;

    /**
     * build_all_zonelists with the kernel's lines: the fallback order of every node, "Built N zonelists" and
     * the policy zone.
     */
    static void buildAllZonelists(Kernel k) {
        k.zonelists.build(k);
        for (String l : fallbackOrderLines(k)) k.log.log(l);
        long total = 0;
        for (Node n : k.nodes) total += n.presentPages;
        k.log.log(String.format(Locale.ROOT, "Built %d zonelists, mobility grouping on.  Total pages: %d",
                k.nodes.size(), total));
        ZoneType policy = ZoneType.DMA;
        for (Node n : k.nodes) for (int i = 0; i <= ZoneType.NORMAL.ordinal(); i++)
            if (n.zones[i].populated() && i > policy.ordinal()) policy = ZoneType.VALUES[i];
        k.log.log("Policy zone: " + policy.kernelName());
    }

    /** zonelist construction (build_zonelists): nodes by distance, zones high to low within each node. */
    void build(Kernel k) {
        List<Node> nodes = k.nodes;
        int nn = nodes.size();
        k.buildZoneTable();
        zonelists = new Zone[nn][ZoneType.VALUES.length][];
        zonelistsThisNode = new Zone[nn][ZoneType.VALUES.length][];
        for (int a = 0; a < nn; a++) {
            Node local = nodes.get(a);
            List<Node> order = byDistance(k, local);
            for (int h = 0; h < ZoneType.VALUES.length; h++) {
                List<Zone> all = new ArrayList<>(), own = new ArrayList<>();
                for (Node n : order) {
                    for (int zi = Math.min(h, ZoneType.MOVABLE.ordinal()); zi >= 0; zi--) {
                        Zone z = n.zones[zi];
                        if (!z.populated()) continue;
                        all.add(z);
                        if (n == local) own.add(z);
                    }
                }
                zonelists[a][h] = all.toArray(new Zone[0]);
                zonelistsThisNode[a][h] = own.toArray(new Zone[0]);
            }
        }
        Zone[][] all = new Zone[k.nodeIndexByNid.length << SHIFT][];
        Zone[][] own = new Zone[k.nodeIndexByNid.length << SHIFT][];
        for (int a = 0; a < nn; a++) {
            for (int h = 0; h < ZoneType.VALUES.length; h++) {
                all[nodes.get(a).nid << SHIFT | h] = zonelists[a][h];
                own[nodes.get(a).nid << SHIFT | h] = zonelistsThisNode[a][h];
            }
        }
        thisNodeByNid = own;
        byNid = all;
    }

    /** "Fallback order for Node N: ..." per node. */
    static List<String> fallbackOrderLines(Kernel k) {
        List<Node> nodes = k.nodes;
        List<String> out = new ArrayList<>();
        for (Node local : nodes) {
            List<Node> order = byDistance(k, local);
            StringBuilder sb = new StringBuilder("Fallback order for Node " + local.nid + ": ");
            for (Node n : order) sb.append(n.nid).append(' ');
            out.add(sb.toString());
        }
        return out;
    }

    /** find_next_best_node's order: by node distance, the local node first among equals, then by nid. */
    private static List<Node> byDistance(Kernel k, Node local) {
        // the SLIT row of the local node, looked up once per node (not once per comparison): 1024 nodes stay fast
        List<mm.machine.api.NumaNode> defined = k.machine.nodes();
        int[][] table = k.machine.distance();
        int maxNid = 0;
        for (mm.machine.api.NumaNode n : defined) maxNid = Math.max(maxNid, n.id());
        for (Node n : k.nodes) maxNid = Math.max(maxNid, n.nid);
        int[] row = new int[maxNid + 1];
        java.util.Arrays.fill(row, 20);
        int li = -1;
        for (int i = 0; i < defined.size(); i++) if (defined.get(i).id() == local.nid) li = i;
        if (table != null && li >= 0) {
            for (int i = 0; i < defined.size(); i++) row[defined.get(i).id()] = table[li][i];
        }
        row[local.nid] = li >= 0 && table != null ? table[li][li] : 10;
        List<Node> order = new ArrayList<>(k.nodes);
        order.sort((x, y) -> {
            int dx = row[x.nid], dy = row[y.nid];
            if (dx != dy) return Integer.compare(dx, dy);
            if (x == local) return -1;
            if (y == local) return 1;
            return Integer.compare(x.nid, y.nid);
        });
        return order;
    }
}
