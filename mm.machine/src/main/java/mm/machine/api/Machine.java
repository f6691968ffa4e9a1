package mm.machine.api;

import java.util.List;
import java.util.Map;

/**
 * An immutable machine description: what mm.core boots. Built by {@link MachineService} from a machine file or a
 * real kernel's dmesg. {@code distance[i][j]} is the SLIT distance between the i-th and j-th entries of
 * {@code nodes}. {@code timing} holds the cost-model parameters of this machine's hardware (docs/timing-model.md);
 * {@code config} the kernel's build (its version preset and CONFIG_ options).
 */
public record Machine(String name, String source, List<NumaNode> nodes, int[][] distance, List<E820Range> e820,
                      List<HotplugRange> hotplug, List<Reservation> reservations, List<MemblockOp> memblockOps,
                      List<LateFree> lateFrees, BootOptions options, BootWorkload workload, KernelImage kernel,
                      Map<String, Double> timing, KernelConfig config) {
    /** MAX_NUMNODES: NODES_SHIFT 10 in the Debian config the reference kernel was built with. */
    public static final int MAX_NUMNODES = 1024;
    /** NR_PAGE_ORDERS of x86-64 (orders 0..MAX_PAGE_ORDER 10): the boot workload's order weights. */
    public static final int NR_PAGE_ORDERS = 11;

    public Machine {
        nodes = List.copyOf(nodes);
        e820 = List.copyOf(e820);
        hotplug = List.copyOf(hotplug);
        reservations = List.copyOf(reservations);
        memblockOps = List.copyOf(memblockOps);
        lateFrees = List.copyOf(lateFrees);
        timing = Map.copyOf(timing);
        if (config == null) config = KernelConfig.defaults();
    }

    /** A machine with the reference kernel's build ({@link KernelConfig#defaults()}). */
    public Machine(String name, String source, List<NumaNode> nodes, int[][] distance, List<E820Range> e820,
                   List<HotplugRange> hotplug, List<Reservation> reservations, List<MemblockOp> memblockOps,
                   List<LateFree> lateFrees, BootOptions options, BootWorkload workload, KernelImage kernel,
                   Map<String, Double> timing) {
        this(name, source, nodes, distance, e820, hotplug, reservations, memblockOps, lateFrees, options, workload,
                kernel, timing, KernelConfig.defaults());
    }

    /** The same machine with another kernel build. */
    public Machine withConfig(KernelConfig c) {
        return new Machine(name, source, nodes, distance, e820, hotplug, reservations, memblockOps, lateFrees, options,
                workload, kernel, timing, c);
    }

    public Machine withOptions(BootOptions o) {
        return new Machine(name, source, nodes, distance, e820, hotplug, reservations, memblockOps, lateFrees, o,
                workload, kernel, timing, config);
    }

    public Machine withWorkload(BootWorkload w) {
        return new Machine(name, source, nodes, distance, e820, hotplug, reservations, memblockOps, lateFrees, options,
                w, kernel, timing, config);
    }

    /** Sum of the usable e820 ranges in bytes. */
    public long usableBytes() {
        long s = 0;
        for (E820Range r : e820) if (r.type().isRam()) s += r.size();
        return s;
    }

    /** SLIT distance between node ids a and b (10 to itself, 20 otherwise when no table was given). */
    public int distance(int a, int b) {
        int ia = -1, ib = -1;
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i).id() == a) ia = i;
            if (nodes.get(i).id() == b) ib = i;
        }
        if (ia < 0 || ib < 0 || distance == null) return a == b ? 10 : 20;
        return distance[ia][ib];
    }

    public double timing(String key, double dflt) {
        Double d = timing.get(key);
        return d == null ? dflt : d;
    }
}
