package mm.machine.api;

import java.util.List;

/**
 * A NUMA node: its id, CPU count and the physical ranges [start, end) that belong to it (SRAT memory affinity).
 * A node with no ranges is memoryless.
 */
public record NumaNode(int id, int cpus, List<long[]> ranges) {
    public NumaNode {
        ranges = List.copyOf(ranges);
    }

    public boolean contains(long addr) {
        for (long[] r : ranges) if (addr >= r[0] && addr < r[1]) return true;
        return false;
    }
}
