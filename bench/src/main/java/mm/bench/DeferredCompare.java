package mm.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import mm.core.api.Machine;

/**
 * Deferred-init phase of two variants on one machine, booted alternately in one JVM so both see the same heap and
 * the same noise: {@code java -Xmx14g -Xmn9g -XX:+UseParallelGC -XX:+UseTransparentHugePages -cp
 * bench/target/benchmarks.jar mm.bench.DeferredCompare 1x96 per-node multithreaded 10} prints each boot's
 * page_alloc_init_late time and, after the warm-up boots, the medians and their ratio.
 */
public final class DeferredCompare {
    public static void main(String[] args) throws Exception {
        String[] p = (args.length > 0 ? args[0] : "1x96").split("x");
        Machine machine = Machines.x86(Integer.parseInt(p[0]), Long.parseLong(p[1]), true, Map.of());
        String a = args.length > 1 ? args[1] : "per-node", b = args.length > 2 ? args[2] : "multithreaded";
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        int warmup = 2;
        List<Double> ta = new ArrayList<>(), tb = new ArrayList<>();
        for (int r = 0; r < rounds + warmup; r++) {
            double x = phase(machine, a), y = phase(machine, b);
            System.out.printf("round %2d: %s %6.1f ms, %s %6.1f ms%s%n", r + 1, a, x, b, y, r < warmup ? " (warm-up)" : "");
            if (r >= warmup) { ta.add(x); tb.add(y); }
        }
        double ma = median(ta), mb = median(tb);
        System.out.printf("median deferred init: %s %.1f ms, %s %.1f ms -> %s is %.2fx %s%n", a, ma, b, mb, b, ma / mb, a);
    }

    static double phase(Machine machine, String variant) {
        var m = BootProbe.fresh(variant);
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
