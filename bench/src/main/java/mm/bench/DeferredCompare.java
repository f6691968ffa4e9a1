package mm.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import mm.machine.api.Machine;

/**
 * Deferred-init phase of two variants on one machine, booted alternately in one JVM so both see the same heap and
 * the same noise: {@code java -Xmx14g -Xmn9g -XX:+UseParallelGC -XX:+UseTransparentHugePages -cp
 * bench/target/benchmarks.jar mm.bench.DeferredCompare 1x96 per-node multithreaded 10} prints each boot's
 * page_alloc_init_late time and, after the warm-up boots, the medians and their ratio; then, for scale, how much
 * faster two threads allocate and fill the same number of memmap bytes than one on this host.
 */
public final class DeferredCompare {
    static final String USAGE = "usage: DeferredCompare [MACHINE [VARIANT_A [VARIANT_B [ROUNDS]]]]\n"
            + "  MACHINE  NxG (N nodes of G GiB), a shipped machine or a machine file (default 1x96)\n"
            + "  VARIANT  a deferred-init variant: per-node, multithreaded, two-pass, off (default per-node, multithreaded)\n"
            + "  ROUNDS   boots of each, alternating (default 10)";

    public static void main(String[] args) throws Exception {
        Machines.run(USAGE, args, () -> compare(args));
    }

    static void compare(String[] args) throws Exception {
        Machine machine = Machines.machine(args.length > 0 ? args[0] : "1x96");
        String a = args.length > 1 ? args[1] : "per-node", b = args.length > 2 ? args[2] : "multithreaded";
        int rounds = (int) Machines.number(args, 3, "ROUNDS", 10);
        int warmup = 2;
        List<Double> ta = new ArrayList<>(), tb = new ArrayList<>();
        // one model per variant, booted again and again, as the running service does (its helper threads persist)
        var ma0 = BootProbe.fresh(a);
        var mb0 = BootProbe.fresh(b);
        for (int r = 0; r < rounds + warmup; r++) {
            double x = phase(ma0, machine), y = phase(mb0, machine);
            System.out.printf("round %2d: %s %6.1f ms, %s %6.1f ms%s%n", r + 1, a, x, b, y, r < warmup ? " (warm-up)" : "");
            if (r >= warmup) { ta.add(x); tb.add(y); }
        }
        double ma = median(ta), mb = median(tb);
        System.out.printf("median deferred init: %s %.1f ms, %s %.1f ms -> %s is %.2fx %s%n", a, ma, b, mb, b, ma / mb, a);
        // the host's own ceiling: allocating and filling the same bytes (24 per page) on one thread vs two
        long pages = machine.nodes().stream().mapToLong(n -> n.ranges().stream().mapToLong(r -> r[1] - r[0]).sum()).sum() >> 12;
        List<Double> one = new ArrayList<>(), two = new ArrayList<>();
        for (int r = 0; r < rounds; r++) { one.add(zeroAndFill(pages, 1)); two.add(zeroAndFill(pages, 2)); }
        System.out.printf("same host: allocate + fill %d MiB on 1 thread %.1f ms, on 2 threads %.1f ms -> %.2fx%n",
                pages * 24 >> 20, median(one), median(two), median(one) / median(two));
    }

    /** Allocates and fills memmap-shaped arrays (a section's five arrays) for {@code pages} pages on {@code threads}. */
    static double zeroAndFill(long pages, int threads) throws InterruptedException {
        int perSection = 1 << 15;
        int sections = (int) (pages / perSection);
        Object[][] keep = new Object[threads][];
        System.gc();
        Thread[] ts = new Thread[threads];
        long t0 = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            int from = sections * t / threads, to = sections * (t + 1) / threads, me = t;
            ts[t] = new Thread(() -> {
                Object[] mine = new Object[(to - from) * 5];
                for (int s = 0, k = 0; s < to - from; s++) {
                    long[] f = new long[perSection];
                    int[] c = new int[perSection];
                    Arrays.fill(f, 1L << 39);
                    Arrays.fill(c, 1);
                    mine[k++] = f; mine[k++] = c;
                    mine[k++] = new int[perSection]; mine[k++] = new int[perSection]; mine[k++] = new int[perSection];
                }
                keep[me] = mine;
            });
            ts[t].start();
        }
        for (Thread t : ts) t.join();
        return (System.nanoTime() - t0) / 1e6;
    }

    static double phase(mm.core.internal.mm.MemoryModelImpl m, Machine machine) {
        System.gc();
        var r = m.boot(machine);
        return r.timings().get("page_alloc_init_late")[0];
    }

    static double median(List<Double> xs) {
        double[] v = xs.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
