package mm.bench;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Map;
import mm.core.internal.mm.MemoryModelImpl;
import mm.machine.api.Machine;

/**
 * The project's boot benchmark (whole boots are too long for JMH's iteration model):
 * {@code java -Xmx14g -Xmn9g -XX:+UseParallelGC -XX:+UseTransparentHugePages -cp bench/target/benchmarks.jar
 * mm.bench.BootProbe MACHINE VARIANT [BOOTS]} boots MACHINE (a built-in name, or NODESxGIB for a generated one)
 * BOOTS times in one JVM and prints, per boot, the wall time, the deferred-init phase's pages/s and, in the same
 * run, Arrays.fill of the same number of bytes (24 per page, on as many threads as there are nodes), plus the
 * heap per emulated page.
 */
public final class BootProbe {
    static final String USAGE = "usage: BootProbe [MACHINE [VARIANT [BOOTS]]]\n"
            + "  MACHINE  NxG (N nodes of G GiB), a shipped machine or a machine file (default xeon-2x384g)\n"
            + "  VARIANT  a deferred-init variant: per-node, multithreaded, two-pass, off (default per-node)\n"
            + "  BOOTS    boots in this JVM (default 3)";

    public static void main(String[] args) throws Exception {
        Machines.run(USAGE, args, () -> probe(args));
    }

    static void probe(String[] args) throws Exception {
        String variant = args.length > 1 ? args[1] : "per-node";
        int boots = (int) Machines.number(args, 2, "BOOTS", 3);
        Machine machine = Machines.machine(args.length > 0 ? args[0] : "xeon-2x384g");
        MemoryModelImpl m = Machines.model(variant);
        // the first reading in a fresh JVM still counts ~140 MiB of start-up garbage under ParallelGC (seen here:
        // 277 MiB, then 139 MiB with nothing allocated in between), so the baseline is the second one
        used();
        long heapBefore = used();
        for (int b = 0; b < boots; b++) {
            if (b > 0) { m = fresh(variant); System.gc(); }
            long t0 = System.nanoTime();
            var r = m.boot(machine);
            double wall = (System.nanoTime() - t0) / 1e6;
            if (b == 0) {
                // right after the first boot, before the fill baselines below allocate arrays of their own
                long heap = used() - heapBefore;
                if (m.totalManagedPages() == 0) throw new IllegalStateException("nothing managed");
                System.out.printf("    heap %d MiB for the machine = %.2f bytes per present page%n", heap >> 20,
                        heap / (double) presentPages(m));
            }
            long pages = 0;
            double deferredMs = 0;
            for (Map.Entry<String, double[]> e : r.timings().entrySet()) {
                if (e.getKey().startsWith("deferred_init node")) {
                    pages += Long.parseLong(e.getKey().replaceAll(".*\\(([0-9]+) pages\\).*", "$1"));
                }
                if (e.getKey().equals("page_alloc_init_late")) deferredMs = e.getValue()[0];
            }
            if (pages == 0) {
                // deferred init off: memmap init of every present page plus memblock_free_all, on the boot thread
                long present = presentPages(m);
                double initFree = r.timings().get("free_area_init")[0] + r.timings().get("memblock_free_all")[0];
                double f1 = fill(present * 24, 1);
                System.out.printf("boot %d of %s (%s): wall %.0f ms; memmap init + free (free_area_init + memblock_free_all)"
                        + " %d pages in %.0f ms = %.1f M pages/s; Arrays.fill of the same %d MiB on 1 thread: %.0f ms ="
                        + " %.1f M pages/s -> ratio %.2f%n", b + 1, machine.name(), variant, wall, present, initFree,
                        present / initFree / 1e3, present * 24 >> 20, f1, present / f1 / 1e3, f1 / initFree);
            } else {
                double fillMs = fill(pages * 24, machine.nodes().size());
                System.out.printf("boot %d of %s (%s): wall %.0f ms; deferred init %d pages in %.0f ms = %.1f M pages/s;"
                        + " Arrays.fill of the same %d MiB on %d threads: %.0f ms = %.1f M pages/s -> ratio %.2f%n", b + 1,
                        machine.name(), variant, wall, pages, deferredMs, pages / deferredMs / 1e3, pages * 24 >> 20,
                        machine.nodes().size(), fillMs, pages / fillMs / 1e3, fillMs / deferredMs);
            }
            r.timings().forEach((k, v) -> System.out.printf("    %-44s %10.1f ms measured %s%n", k, v[0],
                    Double.isNaN(v[1]) ? "" : String.format("%10.1f ms modelled", v[1])));
        }
    }

    static MemoryModelImpl fresh(String variant) {
        MemoryModelImpl m = Machines.model(variant);
        return m;
    }

    static long presentPages(MemoryModelImpl m) {
        long p = 0;
        for (var n : m.nodes()) p += n.presentPages();
        return p;
    }

    /** Arrays.fill of {@code bytes} bytes in 256 KiB arrays (a memmap section's flags array), on {@code threads} threads. */
    static double fill(long bytes, int threads) throws InterruptedException {
        int chunk = 1 << 18;
        int n = (int) Math.max(1, bytes / chunk / threads);
        byte[][][] arrays = new byte[threads][n][];
        for (int t = 0; t < threads; t++) for (int i = 0; i < n; i++) arrays[t][i] = new byte[chunk];
        double best = Double.MAX_VALUE;
        for (int rep = 0; rep < 3; rep++) {
            Thread[] ts = new Thread[threads];
            long t0 = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                final byte[][] mine = arrays[t];
                final byte v = (byte) (rep + 1);
                ts[t] = new Thread(() -> { for (byte[] a : mine) Arrays.fill(a, v); });
                ts[t].start();
            }
            for (Thread t : ts) t.join();
            best = Math.min(best, (System.nanoTime() - t0) / 1e6);
        }
        return best;
    }

    static long used() {
        for (int i = 0; i < 3; i++) System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
