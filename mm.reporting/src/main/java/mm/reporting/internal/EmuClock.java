package mm.reporting.internal;

import java.util.concurrent.CopyOnWriteArrayList;
import mm.core.api.MemoryModel;

/**
 * The emulated clock (MemoryModel.clockNanos / advanceClock) as a small discrete-event scheduler. Workers (reporting
 * threads) wait on it for requests and for emulated deadlines (the 2 s reporting delay, the device's latency); the
 * workloads are the time drivers: before they advance the clock they wait until every worker is quiescent (idle or
 * sleeping until a later deadline), so a run does not depend on how the host schedules the threads, and an idle
 * phase jumps straight to the next deadline: emulated time runs much faster than real time.
 *
 * <p>Lock order: zone locks may be held when calling {@link Worker#request} or {@link #advanceNoWait}; nothing
 * here calls into the allocator while holding {@link #lock}.
 */
public final class EmuClock {
    /** Real-time poll period while waiting, to notice clock changes made by others (mm:idle...). */
    private static final long POLL_MS = 5;
    /**
     * Against a real hang only (a worker stuck in a bug): a healthy worker becomes quiescent within milliseconds, on
     * any host, because its next step needs nothing but CPU time.
     */
    static final long HANG_BOUND_MS = 300_000;

    private final MemoryModel model;
    final Object lock = new Object();
    private final CopyOnWriteArrayList<Worker> workers = new CopyOnWriteArrayList<>();
    /** The earliest deadline any worker sleeps until (Long.MAX_VALUE: none). */
    private volatile long earliest = Long.MAX_VALUE;

    public EmuClock(MemoryModel model) {
        this.model = model;
    }

    public long now() {
        return model.booted() ? model.clockNanos() : 0;
    }

    /** A thread that waits on the emulated clock (one per running reporting strategy). */
    public final class Worker {
        final String name;
        private boolean pending;
        private boolean running;
        private long deadline = Long.MAX_VALUE;
        private boolean aborted;

        Worker(String name) { this.name = name; }

        /** Asks the worker to run (cheap when it is already pending; may be called under a zone lock). */
        public void request() {
            synchronized (lock) {
                if (pending) return;
                pending = true;
                lock.notifyAll();
            }
        }

        /**
         * Waits for a request; returns false once aborted. The worker counts as running from the moment a request
         * is taken until it waits again.
         */
        public boolean awaitRequest() {
            synchronized (lock) {
                running = false;
                lock.notifyAll();
                while (!pending && !aborted) waitLocked();
                if (aborted) return false;
                pending = false;
                running = true;
                return true;
            }
        }

        /**
         * Sleeps until the emulated clock reaches {@code until}; returns false when aborted first (the caller then
         * finishes its batch at once and stops).
         */
        public boolean sleepUntil(long until) {
            synchronized (lock) {
                if (aborted) return false;
                deadline = until;
                running = false;
                recomputeEarliest();
                lock.notifyAll();
                try {
                    while (!aborted && now() < until) waitLocked();
                } finally {
                    deadline = Long.MAX_VALUE;
                    running = true;
                    recomputeEarliest();
                }
                return !aborted;
            }
        }

        /** Stops the worker's waits for good (it stays quiescent from then on). */
        public void abort() {
            synchronized (lock) {
                aborted = true;
                lock.notifyAll();
            }
        }

        public boolean aborted() {
            synchronized (lock) { return aborted; }
        }

        /**
         * Quiescent: sleeping until a deadline still ahead (a request that arrives meanwhile is taken when it wakes),
         * or idle with no request waiting. Caller holds lock.
         */
        boolean quiescent(long now) {
            if (running) return false;
            if (aborted) return true;
            return deadline != Long.MAX_VALUE ? deadline > now : !pending;
        }
    }

    public Worker newWorker(String name) {
        Worker w = new Worker(name);
        synchronized (lock) {
            w.running = true; // until it first waits
            workers.add(w);
        }
        return w;
    }

    public void remove(Worker w) {
        synchronized (lock) {
            workers.remove(w);
            recomputeEarliest();
            lock.notifyAll();
        }
    }

    private void recomputeEarliest() {
        long e = Long.MAX_VALUE;
        for (Worker w : workers) if (!w.aborted) e = Math.min(e, w.deadline);
        earliest = e;
    }

    private void waitLocked() {
        try {
            lock.wait(POLL_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting on the emulated clock", e);
        }
    }

    /**
     * Waits until every worker is quiescent, however long the host takes to schedule them: the emulated clock must
     * not move while a worker still has work due now, or a run would depend on the host's speed.
     *
     * @throws IllegalStateException naming the worker, when one has not become quiescent after {@link #HANG_BOUND_MS}
     */
    public void awaitQuiescent() {
        if (workers.isEmpty()) return;
        long bound = System.nanoTime() + HANG_BOUND_MS * 1_000_000;
        synchronized (lock) {
            Worker busy;
            while ((busy = firstBusy(now())) != null) {
                if (System.nanoTime() - bound > 0) {
                    throw new IllegalStateException("the reporting worker " + busy.name + " has been busy for "
                            + HANG_BOUND_MS / 1000 + " s without waiting on the emulated clock (a hang)");
                }
                waitLocked();
            }
        }
    }

    private Worker firstBusy(long now) {
        for (Worker w : workers) if (!w.quiescent(now)) return w;
        return null;
    }

    /** The time drivers' step: lets the workers catch up, then advances the clock and wakes whoever is due. */
    public void advance(long nanos) {
        awaitQuiescent();
        advanceNoWait(nanos);
    }

    /**
     * Advances the clock without waiting for the workers (for a thread that holds a zone lock: the sync strategy
     * stalling the freeing path).
     */
    public void advanceNoWait(long nanos) {
        if (nanos <= 0 || !model.booted()) return;
        model.advanceClock(nanos);
        if (now() >= earliest) {
            synchronized (lock) { lock.notifyAll(); }
        }
    }

    /** The next deadline after now that a worker sleeps until, or Long.MAX_VALUE. */
    public long nextDeadline() {
        return earliest;
    }

    /**
     * An idle phase: advances the clock by {@code nanos}, in steps of at most {@code step}, jumping to worker
     * deadlines on the way; {@code speed > 0} paces it at that multiple of real time.
     */
    public void idle(long nanos, long step, double speed, Runnable onStep) {
        long end = now() + nanos;
        while (true) {
            awaitQuiescent();
            long t = now();
            if (t >= end) break;
            long next = Math.min(end, t + step);
            long d = earliest;
            if (d > t && d < next) next = d;
            if (speed > 0) {
                long realNanos = (long) ((next - t) / speed);
                try {
                    Thread.sleep(realNanos / 1_000_000, (int) (realNanos % 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            advanceNoWait(next - t);
            if (onStep != null) onStep.run();
        }
    }
}
