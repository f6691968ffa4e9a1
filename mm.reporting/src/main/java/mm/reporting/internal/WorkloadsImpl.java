package mm.reporting.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;
import mm.core.api.CallStack;
import mm.core.api.Gfp;
import mm.core.api.MemoryModel;
import mm.core.api.Mm;
import mm.core.api.Task;
import mm.core.hook.MemoryNotifier;
import mm.core.hook.PageMigrateHook;
import mm.core.hook.RebootNotifier;
import mm.reporting.api.BalloonDevice;
import mm.reporting.api.ReportingService;
import mm.reporting.api.Workloads;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The guest workloads. They are the emulated clock's time drivers: every allocation and free advances it by a
 * modelled cost (touching a newly allocated page ~{@value #ALLOC_NS_PER_PAGE} ns, i.e. clearing 4 KiB at 16 GB/s;
 * a free ~{@value #FREE_NS} ns plus {@value #FREE_NS_PER_PAGE} ns per page), in ticks of
 * {@value #TICK_NS} ns, letting the reporting workers catch up between ticks (see {@link EmuClock}).
 */
@Component(service = {Workloads.class, RebootNotifier.class, PageMigrateHook.class, MemoryNotifier.class})
public final class WorkloadsImpl implements Workloads, RebootNotifier, PageMigrateHook, MemoryNotifier {
    static final long ALLOC_NS = 100, ALLOC_NS_PER_PAGE = 250, FREE_NS = 100, FREE_NS_PER_PAGE = 10;
    static final long TICK_NS = 20_000;
    static final CallStack STORM = CallStack.of("free_storm", "workload");
    static final CallStack MIX = CallStack.of("alloc_free_mix", "workload");
    static final int THP_ORDER = Mm.PAGEBLOCK_ORDER;
    static final int GFP_MOVABLE = Gfp.GFP_HIGHUSER_MOVABLE | Gfp.__GFP_NOWARN;
    static final int GFP_THP = Gfp.GFP_TRANSHUGE_LIGHT | Gfp.__GFP_NOWARN;

    private final MemoryModel model;
    private final EmuClock clock;
    private final ReportingCore core;
    /** The blocks the workloads hold, kept right across hotplug offline's migrations. */
    private final HeldPages holds = new HeldPages();
    /** The workloads running now (one per mm:workload command, foreground or background). */
    private final Set<Run> running = ConcurrentHashMap.newKeySet();
    /** Between onReboot and onRebootDone (guarded by {@link #running}): no workload may start on the booting kernel. */
    private boolean rebooting;

    /** One running workload: its threads and, once asked to stop, why. */
    private static final class Run {
        final List<Thread> threads = new ArrayList<>();
        volatile String stopReason;

        void stop(String why) {
            stopReason = why;
            // a thread waiting between waves (or on the emulated clock) wakes up, sees the reason and ends
            for (Thread t : threads) t.interrupt();
        }

        boolean stopping() { return stopReason != null; }
    }

    /**
     * A reboot replaces the kernel whose pages the running workloads hold: they stop first (between two operations),
     * drop what they held (it goes away with that kernel), and report that they stopped and why.
     */
    @Override
    public void onReboot() {
        synchronized (running) {
            rebooting = true;
        }
        for (Run r : running) r.stop("the machine rebooted under it; the pages it held went away with the old kernel");
        for (Run r : running) join(r.threads);
    }

    @Override
    public void onRebootDone(boolean booted) {
        synchronized (running) {
            rebooting = false;
        }
    }

    @Activate
    public WorkloadsImpl(@Reference(name = "reporting") ReportingService reporting) {
        this.core = (ReportingCore) reporting;
        this.model = core.model();
        this.clock = core.clock();
    }

    /** Outside OSGi (tests, benchmarks). */
    public static WorkloadsImpl of(ReportingCore core) {
        return new WorkloadsImpl((ReportingService) core);
    }

    private void requireBooted() {
        if (!model.booted()) throw new IllegalStateException("not booted: boot a machine first (mm:workload boot)");
    }

    /**
     * A thread's share of the clock: costs accumulate and advance the clock in ticks. The guest and the reporting
     * workers run in lockstep: before each allocation or free ({@link #sync}) the guest waits until every worker is
     * quiescent, so a worker woken by a request or by the clock does its step while the guest stands still, never
     * concurrently with the guest's next operation. The interleaving is then the emulated clock's, not the host
     * scheduler's: the same seed gives the same run (seed 004's array row no longer moves by a few MiB). Under a run
     * seed, several guest threads also take turns ({@link Turns}): one operation each, in thread order.
     */
    private final class Ticker {
        private final Turns turns;
        private final int id;
        long pending;

        Ticker(Turns turns, int id) {
            this.turns = turns;
            this.id = id;
        }

        /** After an operation: its cost; the thread's turn ends. */
        void cost(long ns) {
            pending += ns;
            if (pending >= TICK_NS) flush();
            else if (turns != null) turns.pass(id);
        }

        void flush() {
            if (turns != null) turns.take(id);
            long p = pending;
            pending = 0;
            clock.advance(p);
            clock.awaitQuiescent();
            if (turns != null) turns.pass(id);
        }

        /** Before an allocator call: the thread's turn, and every worker quiescent (cheap when none is busy). */
        void sync() {
            if (turns != null) turns.take(id);
            clock.awaitQuiescent();
        }

        /** Out of the rotation (at a barrier, at the end). */
        void leave() {
            if (turns != null) turns.leave(id);
        }
    }

    /**
     * Under a run seed (MemoryModel.seed) the guest threads of one workload take turns, one operation each in thread
     * order, so that which thread gets which block does not depend on the host's scheduler; without a seed they run
     * freely (the zone lock and pcp contention of real threads). A thread holds the turn from {@link #take} to
     * {@link #pass}; one that waits at a barrier or ends {@link #leave}s the rotation, and the barrier's action
     * {@link #reset}s it. A workload asked to stop (a reboot) stops waiting for its turn.
     */
    static final class Turns {
        private final boolean[] active;
        private final Run run;
        private int turn;
        private int holder = -1;

        Turns(int threads, Run run) {
            this.active = new boolean[threads];
            this.run = run;
            java.util.Arrays.fill(active, true);
        }

        static Turns of(boolean seeded, int threads, Run run) {
            return seeded && threads > 1 ? new Turns(threads, run) : null;
        }

        synchronized void take(int id) {
            if (holder == id) return;
            while (!(holder == -1 && turn == id) && !run.stopping()) {
                try {
                    wait(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    if (run.stopping()) return;
                }
            }
            holder = id;
        }

        synchronized void pass(int id) {
            if (holder != id) return;
            holder = -1;
            advance(id);
        }

        synchronized void leave(int id) {
            active[id] = false;
            if (holder == id) holder = -1;
            if (turn == id) advance(id);
        }

        /** Every thread back in the rotation, thread 0 first (a barrier's action: all of them wait in it). */
        synchronized void reset() {
            java.util.Arrays.fill(active, true);
            holder = -1;
            turn = 0;
            notifyAll();
        }

        private void advance(int from) {
            for (int k = 1; k <= active.length; k++) {
                int next = (from + k) % active.length;
                if (active[next]) {
                    turn = next;
                    break;
                }
            }
            notifyAll();
        }
    }

    /** The balloon's host view sampled with the workers quiescent (none halfway through putting pages back). */
    private void sample() {
        clock.awaitQuiescent();
        if (core.device() instanceof BalloonDevice b) b.sample();
    }

    /** offline_pages moved a block: if a workload holds it, it now frees it where it went. */
    @Override
    public void onMigrate(long oldPfn, long newPfn, int order) { holds.migrated(oldPfn, newPfn); }

    /** While a range is offlined the workloads free no block in it (its migration may have begun). */
    @Override
    public String onMemory(Action action, int nid, long startPfn, long nrPages) {
        switch (action) {
            case GOING_OFFLINE -> holds.offlining(true, startPfn, nrPages);
            case OFFLINE, CANCEL_OFFLINE -> holds.offlining(false, startPfn, nrPages);
            default -> { }
        }
        return null;
    }

    @Override
    public Result freeStorm(double gib, int waves, int threads, int thpPercent, long seed) {
        requireBooted();
        if (gib <= 0 || waves < 1 || threads < 1 || thpPercent < 0 || thpPercent > 100)
            throw new IllegalArgumentException("free-storm needs gib > 0, waves >= 1, threads >= 1, thp 0..100");
        long target = (long) (gib * (1L << 30) / Mm.PAGE_SIZE);
        long t0 = System.nanoTime(), e0 = clock.now();
        AtomicLong allocated = new AtomicLong(), freed = new AtomicLong(), failed = new AtomicLong();
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        Run run = new Run();
        Turns turns = Turns.of(model.seed().isPresent(), threads, run);
        CyclicBarrier barrier = new CyclicBarrier(threads, () -> {
            sample();
            if (turns != null) turns.reset();
        });
        List<Thread> ts = run.threads;
        for (int i = 0; i < threads; i++) {
            final int id = i;
            final long share = target / threads + (i < target % threads ? 1 : 0);
            Thread t = new Thread(() -> {
                Ticker tick = new Ticker(turns, id);
                try {
                    model.setCurrentTask(new Task(2000 + id, 2000, "storm/" + id));
                    Random rnd = new Random(seed * 31 + id);
                    for (int w = 0; w < waves && !run.stopping(); w++) {
                        List<HeldPages.Block> held = new ArrayList<>();
                        long got = 0;
                        boolean thpFailed = false;
                        while (got < share && !run.stopping()) {
                            int order = !thpFailed && share - got >= (1L << THP_ORDER) && rnd.nextInt(100) < thpPercent
                                    ? THP_ORDER : 0;
                            tick.sync();
                            HeldPages.Block b = holds.alloc(model, order, order > 0 ? GFP_THP : GFP_MOVABLE, STORM);
                            if (b == null) {
                                failed.incrementAndGet();
                                if (order > 0) { thpFailed = true; continue; }
                                break; // out of memory: free what we have
                            }
                            held.add(b);
                            got += 1L << order;
                            tick.cost(ALLOC_NS + (ALLOC_NS_PER_PAGE << order));
                        }
                        allocated.addAndGet(got);
                        tick.flush();
                        if (run.stopping()) {
                            holds.forget(held);
                            break;
                        }
                        tick.leave();
                        barrier.await();
                        Collections.shuffle(held, rnd);
                        List<HeldPages.Block> later = new ArrayList<>();
                        for (HeldPages.Block b : held) {
                            if (run.stopping()) break;
                            tick.sync();
                            if (!holds.free(model, b, STORM)) {
                                later.add(b); // in a range being offlined: freed once it has moved
                                continue;
                            }
                            freed.addAndGet(1L << b.order);
                            tick.cost(FREE_NS + (FREE_NS_PER_PAGE << b.order));
                        }
                        if (run.stopping()) {
                            holds.forget(held);
                            break;
                        }
                        holds.freeAll(model, later, STORM, tick::sync);
                        for (HeldPages.Block b : later) freed.addAndGet(1L << b.order);
                        tick.flush();
                        tick.leave();
                        barrier.await();
                    }
                } catch (Throwable e) {
                    if (!run.stopping()) {
                        errors.add(e);
                        barrier.reset();
                    }
                } finally {
                    tick.leave();
                }
            }, "workload/storm-" + i);
            ts.add(t);
        }
        String stopped = runAll(run);
        if (!errors.isEmpty()) throw new IllegalStateException("free-storm failed: " + why(errors.get(0)), errors.get(0));
        if (stopped == null) {
            clock.awaitQuiescent();
            sample();
        }
        return new Result("free-storm", allocated.get(), freed.get(), failed.get(), clock.now() - e0,
                System.nanoTime() - t0, stopped);
    }

    @Override
    public Result mix(double seconds, double gib, int threads, long seed) {
        requireBooted();
        if (seconds <= 0 || gib <= 0 || threads < 1) throw new IllegalArgumentException("mix needs seconds > 0, gib > 0, threads >= 1");
        long target = (long) (gib * (1L << 30) / Mm.PAGE_SIZE);
        long t0 = System.nanoTime(), e0 = clock.now(), end = e0 + (long) (seconds * 1e9);
        AtomicLong allocated = new AtomicLong(), freed = new AtomicLong(), failed = new AtomicLong();
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        Run run = new Run();
        Turns turns = Turns.of(model.seed().isPresent(), threads, run);
        List<Thread> ts = run.threads;
        for (int i = 0; i < threads; i++) {
            final int id = i;
            final long share = Math.max(1, target / threads);
            Thread t = new Thread(() -> {
                List<HeldPages.Block> held = new ArrayList<>();
                long heldPages = 0;
                Ticker tick = new Ticker(turns, id);
                try {
                    model.setCurrentTask(new Task(3000 + id, 3000, "mix/" + id));
                    Random rnd = new Random(seed * 17 + id);
                    while (true) {
                        tick.sync(); // the clock is read in this thread's turn
                        if (clock.now() >= end || run.stopping()) break;
                        boolean alloc = heldPages < share / 2 || (heldPages < share && rnd.nextBoolean());
                        if (alloc || held.isEmpty()) {
                            int r = rnd.nextInt(100);
                            int order = r < 80 ? 0 : r < 90 ? 1 + rnd.nextInt(3) : THP_ORDER;
                            tick.sync();
                            HeldPages.Block nb = holds.alloc(model, order, order == THP_ORDER ? GFP_THP : GFP_MOVABLE,
                                    MIX);
                            if (nb == null) {
                                failed.incrementAndGet();
                                tick.cost(ALLOC_NS);
                                if (held.isEmpty()) continue;
                            } else {
                                held.add(nb);
                                heldPages += 1L << order;
                                allocated.addAndGet(1L << order);
                                tick.cost(ALLOC_NS + (ALLOC_NS_PER_PAGE << order));
                                continue;
                            }
                        }
                        int k = rnd.nextInt(held.size());
                        HeldPages.Block b = held.get(k);
                        tick.sync();
                        if (!holds.free(model, b, MIX)) {
                            // in a range being offlined: its migration may have begun; another one next time
                            tick.cost(FREE_NS);
                            continue;
                        }
                        held.set(k, held.get(held.size() - 1));
                        held.remove(held.size() - 1);
                        heldPages -= 1L << b.order;
                        freed.addAndGet(1L << b.order);
                        tick.cost(FREE_NS + (FREE_NS_PER_PAGE << b.order));
                    }
                } catch (Throwable e) {
                    if (!run.stopping()) errors.add(e);
                } finally {
                    // after a reboot the held pages belong to the old kernel: nothing to free
                    if (!run.stopping()) {
                        holds.freeAll(model, held, MIX, tick::sync);
                        for (HeldPages.Block b : held) freed.addAndGet(1L << b.order);
                        tick.flush();
                    } else {
                        holds.forget(held);
                    }
                    tick.leave();
                }
            }, "workload/mix-" + i);
            ts.add(t);
        }
        String stopped = runAll(run);
        if (!errors.isEmpty()) throw new IllegalStateException("mix failed: " + why(errors.get(0)), errors.get(0));
        if (stopped == null) {
            clock.awaitQuiescent();
            sample();
        }
        return new Result("mix", allocated.get(), freed.get(), failed.get(), clock.now() - e0,
                System.nanoTime() - t0, stopped);
    }

    @Override
    public Result idle(double seconds, double speed) {
        requireBooted();
        if (seconds < 0 || speed < 0) throw new IllegalArgumentException("idle needs seconds >= 0 and speed >= 0");
        long t0 = System.nanoTime(), e0 = clock.now();
        clock.idle((long) (seconds * 1e9), 100_000_000L, speed, this::sample);
        sample();
        return new Result("idle", 0, 0, 0, clock.now() - e0, System.nanoTime() - t0, null);
    }

    /** A worker's failure as a sentence (its message; never Java's class name). */
    private static String why(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? "internal error (" + t.getClass().getSimpleName() + ")" : m;
    }

    /** Starts the run's threads, waits for them, and returns why it stopped early (null: it ran to its end). */
    private String runAll(Run run) {
        synchronized (running) {
            if (rebooting || !model.booted()) {
                throw new IllegalStateException("the machine is rebooting: start the workload once the boot is done");
            }
            running.add(run);
        }
        try {
            for (Thread t : run.threads) t.start();
            join(run.threads);
        } finally {
            running.remove(run);
        }
        return run.stopReason;
    }

    private static void join(List<Thread> ts) {
        for (Thread t : ts) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }
}
