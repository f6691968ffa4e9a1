package mm.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import mm.core.api.CallStack;
import mm.core.api.Gfp;
import mm.core.internal.deferred.DeferredInits;
import mm.core.internal.mm.MemoryModelImpl;
import mm.machine.api.Machine;
import mm.pageext.internal.PageExtVariants;
import mm.variant.internal.StandaloneVariants;

/**
 * page_owner's cost on the allocation path in thread CPU time, which a loaded box disturbs far less than JMH's wall
 * clock: {@code java -cp bench/target/benchmarks.jar mm.bench.PageOwnerCpu [absent|off|on [ROUNDS]]} boots the
 * 2-node 2 x 2 GiB machine of {@code PageOwnerBench} and prints the best of ROUNDS (default 12, the first 4 are
 * warm-up) rounds of 2 M order-0 alloc + free pairs, in ns of CPU per pair.
 */
public final class PageOwnerCpu {
    static final String USAGE = "usage: PageOwnerCpu [absent|off|on [ROUNDS]]\n"
            + "  absent  page_ext and page_owner not wired; off: wired, page_owner=off; on: page_owner=on (default)\n"
            + "  ROUNDS  rounds of 2 M pairs, the first 4 not counted (default 12)";
    static final CallStack STACK = CallStack.of("get_page_from_freelist+0x330/0x1660", "bench_alloc+0x10/0x40");
    static final CallStack FREE = CallStack.of("free_unref_page+0x1/0x2", "bench_free+0x10/0x40");

    public static void main(String[] args) throws Exception {
        Machines.run(USAGE, args, () -> run(args));
    }

    static void run(String[] args) {
        String mode = args.length > 0 ? args[0] : "on";
        if (!mode.equals("absent") && !mode.equals("off") && !mode.equals("on"))
            throw new IllegalArgumentException("mode: expected absent, off or on, got '" + mode + "'");
        int rounds = (int) Machines.number(args, 1, "ROUNDS", 12);
        if (rounds < 5) throw new IllegalArgumentException("ROUNDS: at least 5");
        StandaloneVariants variants = new StandaloneVariants();
        DeferredInits.register(variants::register);
        MemoryModelImpl model = new MemoryModelImpl(variants);
        Machine m = Machines.x86(2, 2, true, Map.of());
        if (!mode.equals("absent")) {
            PageExtVariants.register(variants::register);
            Machines.pageOwner(model, variants);
            m = m.withOptions(m.options().withPageOwner(mode.equals("on")));
        }
        model.boot(m);
        ThreadMXBean tb = ManagementFactory.getThreadMXBean();
        double best = Double.MAX_VALUE;
        long sink = 0;
        for (int r = 0; r < rounds; r++) {
            long t0 = tb.getCurrentThreadCpuTime();
            for (int i = 0; i < 2_000_000; i++) {
                long pfn = model.alloc(0, Gfp.GFP_KERNEL, 0, STACK);
                model.free(pfn, 0, FREE);
                sink += pfn;
            }
            double ns = (tb.getCurrentThreadCpuTime() - t0) / 2e6;
            if (r >= 4) best = Math.min(best, ns);
        }
        System.out.printf("page_owner %s: %.1f ns of CPU per order-0 alloc + free pair (best of %d rounds)%s%n", mode,
                best, rounds - 4, sink == 42 ? " " : "");
    }
}
