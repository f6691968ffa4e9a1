package mm.stress.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import mm.core.api.CallStack;
import mm.core.api.Gfp;
import mm.core.api.MemoryModel;
import mm.core.api.Mm;
import mm.core.api.NodeInfo;
import mm.hotplug.api.HotplugResult;
import mm.hotplug.api.MemoryBlock;
import mm.hotplug.api.MemoryHotplug;
import mm.hotplug.api.OnlineType;
import mm.machine.api.HotplugRange;
import mm.machine.api.Machine;
import mm.reporting.api.ReportingService;
import mm.reporting.api.Workloads;
import mm.variant.api.VariantService;

/**
 * A live stress run on the booted machine: allocation workers (mixed orders, every node) while memory blocks are
 * hot-added, onlined and offlined, free page reporting is enabled, disabled and switched between strategies, the
 * variants of the next boot are switched, the emulated clock runs the reporting workers, and the machine reboots.
 * Every block a worker holds is checked against every other one (no page owned twice); at the end the workers free
 * what they hold and the invariant checker runs.
 *
 * <p>A reboot takes the write side of a read-write lock every other operation holds for its duration: it waits for
 * operations in flight, not for the workers to stop. What the workers held belonged to the old kernel: they drop it
 * (the generation changes). Workers allocate GFP_KERNEL memory: hotplug offline never has to migrate it (it is never
 * in ZONE_MOVABLE, and a kernel-zone block holding it is refused with EBUSY, as the kernel does). The guest workload
 * (mm:workload mix) allocates movable memory: offline migrates its pages while it runs.
 */
final class Stress {
    static final CallStack STACK = CallStack.of("stress_worker", "mm_stress");
    static final int GFP = Gfp.GFP_KERNEL | Gfp.__GFP_NOWARN;
    /** Pages a worker holds at most (then it frees before it allocates again). */
    static final long HELD_PAGES = 8192;

    /**
     * {@code guest}: also run mm:workload mix (movable pages that offline migrates); {@code reporting}: toggle and
     * switch free page reporting (off: reporting stays disabled for the run).
     */
    record Options(double seconds, int threads, long seed, double rebootEvery, boolean guest, boolean reporting) {}

    /** What the run did; {@code failure} is null when nothing broke, {@code check} the checker's findings. */
    record Outcome(Map<String, Long> counts, double seconds, String failure, List<String> check) {
        boolean ok() { return failure == null && check.isEmpty(); }
    }

    private final MemoryModel model;
    private final VariantService variants;
    private final MemoryHotplug hotplug;
    private final ReportingService reporting;
    private final Workloads workloads;
    private final Supplier<Machine> machine;

    private final ReentrantReadWriteLock rebootLock = new ReentrantReadWriteLock();
    private volatile long generation;
    private volatile boolean stop;
    private final AtomicReference<String> failure = new AtomicReference<>();
    private final Map<String, AtomicLong> counts = new LinkedHashMap<>();
    /** Every block the workers hold ({pfn, order, generation}): start pfn -> end pfn (exclusive), of this kernel. */
    private final TreeMap<Long, Long> owned = new TreeMap<>();

    Stress(MemoryModel model, VariantService variants, MemoryHotplug hotplug, ReportingService reporting,
           Workloads workloads, Supplier<Machine> machine) {
        this.model = model;
        this.variants = variants;
        this.hotplug = hotplug;
        this.reporting = reporting;
        this.workloads = workloads;
        this.machine = machine;
        for (String k : List.of("allocated_blocks", "allocated_pages", "failed_allocations", "freed_blocks",
                "hot_added_blocks", "onlined", "offlined", "offline_refused", "migrated_pages", "online_refused", "variant_switches",
                "variant_refused", "reporting_toggles", "idle_steps", "guest_runs", "guest_pages", "reboots")) {
            counts.put(k, new AtomicLong());
        }
    }

    private void count(String k) { counts.get(k).incrementAndGet(); }

    private void fail(String where, Throwable t) {
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        if (failure.compareAndSet(null, where + ": " + m)) stop = true;
    }

    Outcome run(Options o) {
        if (!model.booted()) throw new IllegalStateException("no machine is booted (mm:boot first)");
        Map<String, String> selection = variants.selection();
        boolean reportingWasOn = reporting != null && reporting.enabled();
        long t0 = System.nanoTime(), end = t0 + (long) (o.seconds() * 1e9);
        List<Thread> threads = new ArrayList<>();
        List<List<long[]>> held = new ArrayList<>();
        for (int i = 0; i < o.threads(); i++) {
            List<long[]> mine = new ArrayList<>();
            held.add(mine);
            int id = i;
            threads.add(new Thread(() -> worker(id, new Random(o.seed() * 31 + id), mine), "stress/worker-" + i));
        }
        if (reporting != null && !o.reporting() && reporting.enabled()) reporting.disable();
        if (hotplug != null) threads.add(new Thread(() -> hotplugActor(new Random(o.seed() * 37)), "stress/hotplug"));
        threads.add(new Thread(() -> switcher(new Random(o.seed() * 41), o.reporting()), "stress/variants"));
        if (workloads != null) {
            threads.add(new Thread(this::clockDriver, "stress/clock"));
            if (o.guest()) threads.add(new Thread(() -> guest(o.seed()), "stress/guest"));
        }
        for (Thread t : threads) t.start();
        try {
            long nextReboot = o.rebootEvery() > 0 ? t0 + (long) (o.rebootEvery() * 1e9) : Long.MAX_VALUE;
            while (!stop && System.nanoTime() < end) {
                long now = System.nanoTime();
                if (now >= nextReboot) {
                    reboot();
                    nextReboot = System.nanoTime() + (long) (o.rebootEvery() * 1e9);
                }
                sleep(Math.max(1, Math.min(50, (Math.min(end, nextReboot) - now) / 1_000_000)));
            }
        } finally {
            stop = true;
            for (Thread t : threads) join(t);
        }
        // the workers' blocks of the current kernel go back; the variants and reporting are left as they were found
        for (List<long[]> mine : held) {
            for (long[] b : mine) if (b[2] == generation) free(b);
            mine.clear();
        }
        restore(selection, reportingWasOn);
        List<String> check = model.check();
        Map<String, Long> c = new LinkedHashMap<>();
        counts.forEach((k, v) -> c.put(k, v.get()));
        return new Outcome(c, (System.nanoTime() - t0) / 1e9, failure.get(), check);
    }

    // ---------------------------------------------------------------- actors

    private void worker(int id, Random rnd, List<long[]> mine) {
        long gen = -1, heldPages = 0;
        List<Integer> nids = new ArrayList<>();
        while (!stop) {
            rebootLock.readLock().lock();
            try {
                if (gen != generation) {
                    // a reboot: what was held belonged to the previous kernel
                    mine.clear();
                    heldPages = 0;
                    gen = generation;
                    nids.clear();
                    for (NodeInfo n : model.nodes()) nids.add(n.nid());
                }
                boolean alloc = mine.isEmpty() || (heldPages < HELD_PAGES && rnd.nextInt(100) < 55);
                if (alloc) {
                    int r = rnd.nextInt(100);
                    int order = r < 60 ? 0 : r < 85 ? 1 + rnd.nextInt(3) : 4 + rnd.nextInt(Mm.MAX_PAGE_ORDER - 3);
                    int nid = nids.get(rnd.nextInt(nids.size()));
                    long pfn = model.alloc(order, GFP, nid, STACK);
                    if (pfn < 0) {
                        count("failed_allocations");
                    } else {
                        long[] b = {pfn, order, gen};
                        claim(b);
                        mine.add(b);
                        heldPages += 1L << order;
                        count("allocated_blocks");
                        counts.get("allocated_pages").addAndGet(1L << order);
                    }
                } else {
                    int k = rnd.nextInt(mine.size());
                    long[] b = mine.get(k);
                    mine.set(k, mine.get(mine.size() - 1));
                    mine.remove(mine.size() - 1);
                    heldPages -= 1L << b[1];
                    free(b);
                }
            } catch (RuntimeException | Error e) {
                fail("worker " + id, e);
            } finally {
                rebootLock.readLock().unlock();
            }
        }
    }

    /** No page owned twice: a new block overlaps no block a worker holds. */
    private void claim(long[] b) {
        long s = b[0], e = b[0] + (1L << b[1]);
        synchronized (owned) {
            Map.Entry<Long, Long> below = owned.floorEntry(s);
            Long above = owned.ceilingKey(s);
            if ((below != null && below.getValue() > s) || (above != null && above < e)) {
                throw new IllegalStateException(String.format(java.util.Locale.ROOT, "pfn %#x order %d was handed out"
                        + " while a worker still holds it", s, b[1]));
            }
            owned.put(s, e);
        }
    }

    private void free(long[] b) {
        synchronized (owned) {
            owned.remove(b[0]);
        }
        model.free(b[0], (int) b[1], STACK);
        count("freed_blocks");
    }

    /** Hot-adds the machine's empty slots block by block, then onlines (movable) and offlines them at random. */
    private void hotplugActor(Random rnd) {
        long gen = -1;
        List<long[]> blocks = new ArrayList<>();
        while (!stop) {
            rebootLock.readLock().lock();
            try {
                if (gen != generation) {
                    gen = generation;
                    blocks.clear();
                    long bs = hotplug.blockSizeBytes();
                    for (HotplugRange h : hotplug.hotplugRanges()) {
                        if (h.presentAtBoot()) continue;
                        for (long a = (h.start() + bs - 1) / bs * bs; a + bs <= h.end() && blocks.size() < 16; a += bs) {
                            HotplugResult r = hotplug.add(h.node(), a, bs);
                            if (r.ok()) {
                                blocks.add(new long[] {a, bs});
                                count("hot_added_blocks");
                            }
                        }
                    }
                }
                if (!blocks.isEmpty()) {
                    long[] b = blocks.get(rnd.nextInt(blocks.size()));
                    MemoryBlock mb = hotplug.block(b[0] / b[1]);
                    if (mb != null && mb.online()) {
                        HotplugResult r = hotplug.offline(b[0], b[1]);
                        count(r.ok() ? "offlined" : "offline_refused");
                        if (r.ok() && r.details().get("blocks_done") instanceof List<?> done) {
                            for (Object d : done) {
                                if (d instanceof Map<?, ?> m && m.get("migrated_pages") instanceof Number n) {
                                    counts.get("migrated_pages").addAndGet(n.longValue());
                                }
                            }
                        }
                    } else {
                        OnlineType t = rnd.nextInt(4) == 0 ? OnlineType.ONLINE : OnlineType.ONLINE_MOVABLE;
                        count(hotplug.online(b[0], b[1], t).ok() ? "onlined" : "online_refused");
                    }
                }
            } catch (RuntimeException | Error e) {
                fail("hotplug", e);
            } finally {
                rebootLock.readLock().unlock();
            }
            sleep(2);
        }
    }

    /** Switches the next boot's variants and the live reporting strategy, and turns reporting on and off. */
    private void switcher(Random rnd, boolean withReporting) {
        Map<String, List<String>> all = variants.variants();
        List<String> subsystems = new ArrayList<>();
        for (String s : List.of("deferred-init", "memmap", "reporting")) {
            if (all.containsKey(s) && (withReporting || !s.equals("reporting"))) subsystems.add(s);
        }
        while (!stop) {
            rebootLock.readLock().lock();
            try {
                if (withReporting && reporting != null && rnd.nextInt(4) == 0) {
                    if (reporting.enabled()) reporting.disable();
                    else reporting.enable();
                    count("reporting_toggles");
                } else if (!subsystems.isEmpty()) {
                    String s = subsystems.get(rnd.nextInt(subsystems.size()));
                    List<String> names = all.get(s);
                    try {
                        variants.select(s, names.get(rnd.nextInt(names.size())));
                        count("variant_switches");
                    } catch (IllegalArgumentException | IllegalStateException e) {
                        // a variant this profile cannot activate is refused and nothing changes
                        count("variant_refused");
                    }
                }
            } catch (RuntimeException | Error e) {
                fail("variant switch", e);
            } finally {
                rebootLock.readLock().unlock();
            }
            sleep(20);
        }
    }

    /** Idle steps of emulated time: the reporting workers run when their timers fire. */
    private void clockDriver() {
        while (!stop) {
            rebootLock.readLock().lock();
            try {
                if (model.booted()) {
                    workloads.idle(0.05, 0);
                    count("idle_steps");
                }
            } catch (RuntimeException | Error e) {
                fail("clock", e);
            } finally {
                rebootLock.readLock().unlock();
            }
            sleep(5);
        }
    }

    /**
     * A guest workload of movable pages (mm:workload mix) in short runs: its pages land in the movable blocks the
     * hotplug actor offlines, so offline migrates pages the workload holds and the workload must free them where
     * they went.
     */
    private void guest(long seed) {
        long run = 0;
        while (!stop) {
            rebootLock.readLock().lock();
            try {
                if (model.booted()) {
                    Workloads.Result r = workloads.mix(0.5, 0.03, 2, seed + run++);
                    counts.get("guest_pages").addAndGet(r.allocatedPages());
                    count("guest_runs");
                }
            } catch (RuntimeException | Error e) {
                fail("guest workload", e);
            } finally {
                rebootLock.readLock().unlock();
            }
            sleep(5);
        }
    }

    private void reboot() {
        rebootLock.writeLock().lock();
        try {
            synchronized (owned) {
                owned.clear();
            }
            model.boot(machine.get());
            generation++;
            count("reboots");
        } catch (RuntimeException | Error e) {
            fail("reboot", e);
        } finally {
            rebootLock.writeLock().unlock();
        }
    }

    private void restore(Map<String, String> selection, boolean reportingWasOn) {
        for (Map.Entry<String, String> e : selection.entrySet()) {
            if (e.getValue().equals(variants.active(e.getKey()))) continue;
            try {
                variants.select(e.getKey(), e.getValue());
            } catch (RuntimeException ex) {
                fail("restoring variant " + e.getKey() + "=" + e.getValue(), ex);
            }
        }
        if (reporting != null && reporting.enabled() != reportingWasOn) {
            if (reportingWasOn) reporting.enable();
            else reporting.disable();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
