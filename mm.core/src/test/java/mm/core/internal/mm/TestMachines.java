package mm.core.internal.mm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import mm.machine.api.BootOptions;
import mm.machine.api.BootWorkload;
import mm.machine.api.E820Range;
import mm.machine.api.E820Type;
import mm.machine.api.KernelImage;
import mm.machine.api.LateFree;
import mm.machine.api.Machine;
import mm.machine.api.NumaNode;
import mm.machine.api.Reservation;

/** Small machines built in code for the allocator tests (the machine-file format has its own tests). */
final class TestMachines {
    private TestMachines() {}

    static final long M = 1L << 20, G = 1L << 30;

    /** One node: 640K low memory, then RAM from 1 MiB to {@code mib} MiB, a kernel image at 16 MiB. */
    static Machine oneNode(long mib, boolean deferred) {
        List<E820Range> e820 = List.of(
                new E820Range(0, 0x9fc00, E820Type.USABLE),
                new E820Range(0x9fc00, 0xa0000, E820Type.RESERVED),
                new E820Range(0xf0000, 0x100000, E820Type.RESERVED),
                new E820Range(0x100000, mib * M, E820Type.USABLE));
        List<NumaNode> nodes = List.of(new NumaNode(0, 2, List.<long[]>of(new long[] {0, mib * M})));
        return machine("test-1node", nodes, new int[][] {{10}}, e820, deferred);
    }

    /** Two nodes of {@code mibPerNode} each, node 1 starting above 4 GiB when big enough. */
    static Machine twoNodes(long mibPerNode, boolean deferred) {
        long n0end = mibPerNode * M;
        List<E820Range> e820 = new ArrayList<>(List.of(
                new E820Range(0, 0x9fc00, E820Type.USABLE),
                new E820Range(0x9fc00, 0xa0000, E820Type.RESERVED),
                new E820Range(0x100000, n0end, E820Type.USABLE)));
        long n1start = Math.max(n0end, 4 * G);
        e820.add(new E820Range(n1start, n1start + mibPerNode * M, E820Type.USABLE));
        List<NumaNode> nodes = List.of(
                new NumaNode(0, 2, List.<long[]>of(new long[] {0, n0end})),
                new NumaNode(1, 2, List.<long[]>of(new long[] {n1start, n1start + mibPerNode * M})));
        return machine("test-2node", nodes, new int[][] {{10, 21}, {21, 10}}, e820, deferred);
    }

    static Machine machine(String name, List<NumaNode> nodes, int[][] dist, List<E820Range> e820, boolean deferred) {
        BootOptions o = BootOptions.defaults().withDeferred(deferred);
        return new Machine(name, "test", nodes, dist, e820, List.of(),
                List.of(new Reservation("kernel image", 16 * M, 40 * M)), List.of(),
                List.of(new LateFree("unused kernel image (initmem)", 4096, -1)), o,
                new BootWorkload(7, 20, 200, 300, 400, new int[] {80, 10, 6, 4}), KernelImage.defaults(), Map.of());
    }

    /**
     * Gives the DMA atomic pools' blocks back to the buddy (no kernel does; tests that check "every page is free
     * again" after an idle boot use it), and drains the per-cpu lists.
     */
    static void freeAtomicPools(MemoryModelImpl m) {
        for (long[] p : m.kernel().atomicPools) m.free(p[0], (int) p[1]);
        m.kernel().atomicPools.clear();
        m.kernel().pageAlloc.drainAllPages();
    }
}
