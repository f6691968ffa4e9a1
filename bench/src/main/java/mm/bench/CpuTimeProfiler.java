package mm.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * A JMH profiler ({@code -prof mm.bench.CpuTimeProfiler}) that adds a secondary result {@code ·cpu.ops}: the
 * operations of each iteration per CPU-second of the benchmark's worker threads. On a shared machine whose load
 * swings the wall-clock score by tens of percent between the params of one run, the CPU-time score stays comparable
 * (the worker is charged only for the time it ran).
 */
public final class CpuTimeProfiler implements InternalProfiler {
    private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    private Map<Long, Long> before = Map.of();

    @Override public String getDescription() { return "operations per CPU-second of the JMH worker threads"; }

    private Map<Long, Long> workerCpu() {
        Map<Long, Long> cpu = new HashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (!t.getName().contains("jmh-worker")) continue;
            long ns = mx.getThreadCpuTime(t.getId());
            if (ns >= 0) cpu.put(t.getId(), ns);
        }
        return cpu;
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmark, IterationParams iteration) {
        before = workerCpu();
    }

    @Override
    public List<Result> afterIteration(BenchmarkParams benchmark, IterationParams iteration, IterationResult result) {
        long ns = 0;
        for (Map.Entry<Long, Long> e : workerCpu().entrySet()) ns += e.getValue() - before.getOrDefault(e.getKey(), 0L);
        if (ns <= 0) return List.of();
        double opsPerCpuSecond = result.getMetadata().getMeasuredOps() / (ns / 1e9);
        return List.of(new ScalarResult("·cpu.ops", opsPerCpuSecond, "ops/cpu-s", AggregationPolicy.AVG));
    }
}
