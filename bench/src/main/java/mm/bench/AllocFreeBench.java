package mm.bench;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mm.core.api.CallStack;
import mm.core.api.Gfp;
import mm.core.internal.deferred.DeferredInits;
import mm.core.internal.mm.MemoryModelImpl;
import mm.variant.internal.StandaloneVariants;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/** order-0 alloc + free pairs per second: one thread, and two threads each on its own node. */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"-Xmx4g"})
public class AllocFreeBench {
    static final CallStack STACK = CallStack.of("bench_alloc", "AllocFreeBench");

    @State(Scope.Benchmark)
    public static class Booted {
        MemoryModelImpl model;
        final AtomicInteger nextNode = new AtomicInteger();
        /** The memmap storage variant. */
        @Param({"compact", "dense"})
        public String memmap;

        @Setup(Level.Trial)
        public void boot() {
            StandaloneVariants variants = new StandaloneVariants();
            DeferredInits.register(variants::register);
            variants.select(mm.core.api.MemmapVariants.SUBSYSTEM, memmap);
            model = new MemoryModelImpl(variants);
            model.boot(Machines.x86(2, 2, true, Map.of()));
        }
    }

    @State(Scope.Thread)
    public static class PerThread {
        int node;

        @Setup(Level.Trial)
        public void pick(Booted b) { node = b.nextNode.getAndIncrement() % 2; }
    }

    @Benchmark
    @Threads(1)
    public long oneThread(Booted b, PerThread t) {
        long pfn = b.model.alloc(0, Gfp.GFP_KERNEL, t.node, STACK);
        b.model.free(pfn, 0);
        return pfn;
    }

    @Benchmark
    @Threads(2)
    public long twoThreadsTwoNodes(Booted b, PerThread t) {
        long pfn = b.model.alloc(0, Gfp.GFP_KERNEL, t.node, STACK);
        b.model.free(pfn, 0);
        return pfn;
    }
}
