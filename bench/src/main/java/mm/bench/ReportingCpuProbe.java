package mm.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;
import mm.core.api.Gfp;
import mm.reporting.internal.VirtioBalloon;

/**
 * {@link ReportingBench#allocFree} measured in CPU time rather than wall time, for a shared machine whose load makes
 * JMH's wall-clock throughput swing by tens of percent:
 * {@code java -Xmx3g -cp bench/target/benchmarks.jar mm.bench.ReportingCpuProbe [ROUNDS [PAIRS]]} boots one 2 GiB
 * guest per reporting variant (none, disabled and every strategy, as the JMH benchmark sets them up), then in each
 * round runs PAIRS order-0 alloc+free pairs on each guest in turn and divides by the thread's CPU time; it prints
 * the median per variant and its ratio to {@code none}. The variants take turns, so a change in load hits them all.
 */
public final class ReportingCpuProbe {
    static final String USAGE = "usage: ReportingCpuProbe [ROUNDS [PAIRS]]\n"
            + "  ROUNDS  measured rounds, after two warm-up rounds (default 7)\n"
            + "  PAIRS   alloc+free pairs per variant and round (default 3000000)";
    static final List<String> VARIANTS = List.of("none", "disabled", "buddy", "bitmap", "array", "sync");

    public static void main(String[] args) throws Exception {
        Machines.run(USAGE, args, () -> probe(args));
    }

    static void probe(String[] args) {
        int rounds = (int) Machines.number(args, 0, "ROUNDS", 7);
        long pairs = Machines.number(args, 1, "PAIRS", 3_000_000);
        if (rounds < 1 || pairs < 1) throw new IllegalArgumentException("ROUNDS and PAIRS must be at least 1");
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        if (!mx.isCurrentThreadCpuTimeSupported())
            throw new IllegalArgumentException("this JVM cannot measure thread CPU time");
        ReportingBench.Guest[] guests = new ReportingBench.Guest[VARIANTS.size()];
        for (int i = 0; i < guests.length; i++)
            guests[i] = new ReportingBench.Guest(VARIANTS.get(i), 2, null, VirtioBalloon.DEFAULT_LATENCY_NANOS);
        double[][] perCpuSecond = new double[guests.length][rounds];
        long sink = 0;
        for (int round = -2; round < rounds; round++) {
            for (int i = 0; i < guests.length; i++) {
                var m = guests[i].model;
                long c0 = mx.getCurrentThreadCpuTime();
                for (long k = 0; k < pairs; k++) {
                    long pfn = m.alloc(0, Gfp.GFP_KERNEL, 0, ReportingBench.STACK);
                    m.free(pfn, 0);
                    sink ^= pfn;
                }
                long c1 = mx.getCurrentThreadCpuTime();
                if (round >= 0) perCpuSecond[i][round] = pairs / ((c1 - c0) / 1e9);
            }
        }
        double none = median(perCpuSecond[0]);
        for (int i = 0; i < guests.length; i++) {
            double[] r = perCpuSecond[i].clone();
            Arrays.sort(r);
            System.out.printf("%-9s %6.2f M pairs per CPU-second (median of %d; %.2f-%.2f)  %.2fx none%n",
                    VARIANTS.get(i), median(r) / 1e6, rounds, r[0] / 1e6, r[r.length - 1] / 1e6, median(r) / none);
        }
        if (sink == 1) System.out.println(); // keeps the loop's result alive
        for (ReportingBench.Guest g : guests) g.close();
    }

    private static double median(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
