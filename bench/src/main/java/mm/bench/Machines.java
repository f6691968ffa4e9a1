package mm.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import mm.core.api.DeferredInitVariants;
import mm.core.api.MemmapVariants;
import mm.core.internal.deferred.DeferredInits;
import mm.core.internal.mm.MemoryModelImpl;
import mm.machine.api.BootOptions;
import mm.machine.api.BootWorkload;
import mm.machine.api.E820Range;
import mm.machine.api.E820Type;
import mm.machine.api.KernelImage;
import mm.machine.api.Machine;
import mm.machine.api.NumaNode;
import mm.machine.api.Reservation;
import mm.variant.internal.StandaloneVariants;

/** Machines of any size for the benchmarks: nodes of {@code gibPerNode}, x86 low-memory layout, PCI hole. */
public final class Machines {
    private Machines() {}

    static final long M = 1L << 20, G = 1L << 30;

    public static Machine x86(int nodes, long gibPerNode, boolean deferred, Map<String, Double> timing) {
        List<E820Range> e820 = new ArrayList<>();
        List<NumaNode> nn = new ArrayList<>();
        e820.add(new E820Range(0, 0x9fc00, E820Type.USABLE));
        e820.add(new E820Range(0x9fc00, 0xa0000, E820Type.RESERVED));
        e820.add(new E820Range(0xf0000, 0x100000, E820Type.RESERVED));
        long low = Math.min(gibPerNode * G, 3 * G);
        e820.add(new E820Range(0x100000, low, E820Type.USABLE));
        long rest = gibPerNode * G - low;
        long cursor = 4 * G;
        List<long[]> n0 = new ArrayList<>();
        n0.add(new long[] {0, low});
        if (rest > 0) {
            e820.add(new E820Range(cursor, cursor + rest, E820Type.USABLE));
            n0.add(new long[] {cursor, cursor + rest});
            cursor += rest;
        }
        nn.add(new NumaNode(0, 4, n0));
        for (int i = 1; i < nodes; i++) {
            e820.add(new E820Range(cursor, cursor + gibPerNode * G, E820Type.USABLE));
            nn.add(new NumaNode(i, 4, List.<long[]>of(new long[] {cursor, cursor + gibPerNode * G})));
            cursor += gibPerNode * G;
        }
        int[][] dist = new int[nodes][nodes];
        for (int a = 0; a < nodes; a++) for (int b = 0; b < nodes; b++) dist[a][b] = a == b ? 10 : 21;
        return new Machine("bench-" + nodes + "x" + gibPerNode + "g", "bench", nn, dist, e820, List.of(),
                List.of(new Reservation("kernel image", 16 * M, 40 * M)), List.of(), List.of(),
                BootOptions.defaults().withDeferred(deferred), BootWorkload.defaults(), KernelImage.defaults(), timing);
    }

    /** The memmap storage variant benchmarks use: {@code -Dmm.memmap=dense|compact}, compact by default. */
    static String memmapVariant() { return System.getProperty("mm.memmap", MemmapVariants.COMPACT); }

    /**
     * A model without a framework, with mm.core's deferred-init variants and {@code deferredInit} selected, and the
     * memmap storage of {@code -Dmm.memmap=dense|compact} (default compact).
     */
    static MemoryModelImpl model(String deferredInit) {
        StandaloneVariants variants = new StandaloneVariants();
        DeferredInits.register(variants::register);
        variants.select(DeferredInitVariants.SUBSYSTEM, deferredInit);
        variants.select(MemmapVariants.SUBSYSTEM, memmapVariant());
        return new MemoryModelImpl(variants);
    }
}
