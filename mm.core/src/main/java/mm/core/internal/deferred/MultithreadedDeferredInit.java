package mm.core.internal.deferred;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import mm.core.api.DeferredInitVariants;
import mm.core.api.Mm;
import mm.core.internal.mm.DeferredInit;
import mm.core.internal.mm.DeferredOps;
import mm.core.internal.mm.Node;
import mm.core.internal.mm.Zone;
import mm.variant.api.Variant;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * multithreaded (v5.9+, padata): each node's deferred range is cut into section-aligned chunks, at least one
 * section each, and the node's pgdatinit thread plus up to N-1 helper threads take chunks in turn, initialising and
 * freeing each MAX_PAGE_ORDER chunk by chunk as per-node does (padata_do_multithreaded runs a share in the caller).
 * The emulator runs at most as many real threads as this host has cores; the modelled time uses the machine's
 * helper-thread count (timing deferred_threads, default: the node's CPUs).
 */
@Component(service = DeferredInit.class)
@Variant(subsystem = DeferredInitVariants.SUBSYSTEM, variant = DeferredInitVariants.MULTITHREADED)
public final class MultithreadedDeferredInit implements DeferredInit {
    private final ExecutorService pool;
    private final int threads;

    @Activate
    public MultithreadedDeferredInit() {
        this(Runtime.getRuntime().availableProcessors());
    }

    public MultithreadedDeferredInit(int threads) {
        this.threads = Math.max(1, threads);
        this.pool = Executors.newFixedThreadPool(this.threads, r -> {
            Thread t = new Thread(r, "padata");
            t.setDaemon(true);
            return t;
        });
    }

    @Deactivate
    public void close() { pool.shutdownNow(); }

    @Override public String name() { return DeferredInitVariants.MULTITHREADED; }

    @Override public long initNode(DeferredOps ops, Node node) {
        long first = ops.takeDeferred(node);
        if (first == Node.NO_DEFERRED) return 0;
        Zone z = ops.deferredZone(node, first);
        List<long[]> ranges = ops.freeRangesFrom(node, z, first);
        long total = 0;
        for (long[] r : ranges) total += r[1] - r[0];
        // padata_do_multithreaded: nworks = min(max(size / PAGES_PER_SECTION, 1), max_threads) with max_threads the
        // node's CPUs (deferred_page_init_max_threads), chunks of max(size / (nworks * 4), PAGES_PER_SECTION)
        // rounded up to a section: the kernel's split for the emulated node. They run on the caller plus helpers,
        // as many as this host has cores.
        long sections = Math.max(1, total / Mm.PAGES_PER_SECTION);
        long nworks = Math.min(sections, Math.max(1, node.cpus));
        long workers = Math.min(nworks, threads);
        long chunk = Mm.alignUp(Math.max(total / (nworks * 4), Mm.PAGES_PER_SECTION), Mm.PAGES_PER_SECTION);
        List<List<long[]>> jobs = new ArrayList<>();
        for (long[] r : ranges) {
            long s = r[0];
            while (s < r[1]) {
                long e = Math.min(r[1], Mm.alignDown(s, Mm.PAGES_PER_SECTION) + chunk);
                jobs.add(List.of(new long[] {s, e}));
                s = e;
            }
        }
        // padata_mt_helper: every worker (the calling pgdatinit thread included) takes the next chunk until none is
        // left, so a worker that falls behind does not hold the others up
        AtomicInteger next = new AtomicInteger();
        Callable<Long> helper = () -> {
            long done = 0;
            for (int j; (j = next.getAndIncrement()) < jobs.size(); ) done += ops.initAndFreeMaxOrder(z, jobs.get(j));
            return done;
        };
        List<Future<Long>> fs = new ArrayList<>();
        for (int h = 1; h < workers; h++) fs.add(pool.submit(helper));
        long pages;
        try {
            pages = helper.call();
            for (Future<Long> f : fs) pages += f.get();
        } catch (Exception e) {
            throw new IllegalStateException("deferred init helper failed: " + e, e);
        }
        return pages;
    }
}
