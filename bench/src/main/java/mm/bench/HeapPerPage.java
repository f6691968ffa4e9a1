package mm.bench;

import java.lang.management.ManagementFactory;
import java.util.Map;
import mm.core.internal.mm.MemoryModelImpl;

/**
 * Heap bytes per emulated page: boots a machine and measures used heap after full GCs before and after.
 * {@code java -Xmx12g -cp bench/target/benchmarks.jar mm.bench.HeapPerPage [NODES GIB_PER_NODE [variant]]}
 */
public final class HeapPerPage {
    public static void main(String[] args) {
        int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        long gib = args.length > 1 ? Long.parseLong(args[1]) : 64;
        String variant = args.length > 2 ? args[2] : "off";
        MemoryModelImpl m = Machines.model(variant);
        long before = used();
        long t0 = System.nanoTime();
        m.boot(Machines.x86(nodes, gib, !variant.equals("off"), Map.of()));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        long after = used();
        long pages = nodes * gib * (1L << 30) / 4096;
        System.out.printf("machine %d x %d GiB (deferred init %s, memmap %s): %d pages, boot %d ms, heap %d MiB, %.2f bytes/page"
                + " (%d of %d sections uniform)%n", nodes, gib, variant, m.memmapVariant(), pages, ms, (after - before) >> 20,
                (after - before) / (double) pages, m.kernel().mm.uniformSections(), m.kernel().mm.sectionCount());
        for (int i = 0; i < 4; i++) m.boot(Machines.x86(nodes, gib, !variant.equals("off"), Map.of()));
        long t1 = System.nanoTime();
        var r = m.boot(Machines.x86(nodes, gib, !variant.equals("off"), Map.of()));
        System.out.printf("warm boot %d ms; phases (measured ms):%n", (System.nanoTime() - t1) / 1_000_000);
        r.timings().forEach((k, v) -> System.out.printf("  %-40s %8.1f%n", k, v[0]));
    }

    static long used() {
        for (int i = 0; i < 3; i++) System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
