package mm.bench;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import mm.core.api.CallStack;
import mm.core.api.Gfp;
import mm.core.internal.deferred.DeferredInits;
import mm.core.internal.mm.MemoryModelImpl;
import mm.machine.api.Machine;
import mm.pageext.internal.PageExtVariants;
import mm.pageowner.internal.PageOwnerImpl;
import mm.variant.internal.StandaloneVariants;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * page_owner's cost on the allocation path: order-0 alloc + free pairs per second on a 2-node, 2 x 2 GiB machine,
 * with page_owner
 * <ul>
 * <li>{@code absent}: the bundles are not there (no hook bound: the allocator pays nothing);</li>
 * <li>{@code off}: page_owner and page_ext installed, booted without page_owner=on (the hook returns at once);</li>
 * <li>{@code on}: page_owner=on: every allocation writes its 72-byte page_ext entry (stack depot lookup, task,
 * timestamp) and every free records the free stack.</li>
 * </ul>
 * Target: {@code on} at least 0.5x {@code absent}. Also an order-3 pair (8 entries written per allocation).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 8, time = 1)
@Fork(value = 1, jvmArgs = {"-Xmx4g"})
public class PageOwnerBench {
    static final CallStack STACK = CallStack.of("get_page_from_freelist+0x330/0x1660", "__alloc_pages_noprof+0x169/0x310",
            "alloc_pages_mpol_noprof+0x8f/0x1e0", "bench_alloc+0x10/0x40", "PageOwnerBench+0x1/0x2");
    static final CallStack FREE = CallStack.of("free_unref_page+0x1/0x2", "bench_free+0x10/0x40");

    @State(Scope.Benchmark)
    public static class Booted {
        @Param({"absent", "off", "on"})
        public String pageOwner;
        MemoryModelImpl model;
        PageOwnerImpl owner;

        @Setup(Level.Trial)
        public void boot() {
            StandaloneVariants variants = new StandaloneVariants();
            DeferredInits.register(variants::register);
            model = new MemoryModelImpl(variants);
            Machine m = Machines.x86(2, 2, true, Map.of());
            if (!pageOwner.equals("absent")) {
                PageExtVariants.register(variants::register);
                owner = Machines.pageOwner(model, variants).owner();
                m = m.withOptions(m.options().withPageOwner(pageOwner.equals("on")));
            }
            model.boot(m);
            if (pageOwner.equals("on") && !owner.enabled()) throw new IllegalStateException("page_owner did not start");
        }
    }

    @Benchmark
    @Threads(1)
    public long order0(Booted b) {
        long pfn = b.model.alloc(0, Gfp.GFP_KERNEL, 0, STACK);
        b.model.free(pfn, 0, FREE);
        return pfn;
    }

    @Benchmark
    @Threads(1)
    public long order3(Booted b) {
        long pfn = b.model.alloc(3, Gfp.GFP_KERNEL, 0, STACK);
        b.model.free(pfn, 3, FREE);
        return pfn;
    }
}
