package mm.reporting.internal;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import mm.core.hook.FreeListHook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A strategy with a reporting worker thread on the emulated clock, and optionally an enqueue hook. */
abstract class WorkerStrategy implements Strategy {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerStrategy.class);
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    protected volatile StrategyContext ctx;
    protected volatile EmuClock.Worker worker;
    /** Read by the hooks: false once stop() began (a hook array snapshot may still call us briefly). */
    protected volatile boolean active;
    private Thread thread;
    private AutoCloseable hookRegistration;

    /** Prepares the strategy's state for a context (seeding from the free lists). */
    protected abstract void onStart(StrategyContext c);

    /** The enqueue hook, or null. */
    protected FreeListHook hook() { return null; }

    /** One worker pass (after a request). */
    protected abstract void pass();

    /** Drops the transient state after the worker ended. */
    protected void onStop() {}

    protected boolean stopping() {
        EmuClock.Worker w = worker;
        return !active || w == null || w.aborted();
    }

    @Override
    public synchronized void start(StrategyContext c) {
        if (thread != null) throw new IllegalStateException(name() + " is already running");
        ctx = c;
        worker = c.clock.newWorker(name());
        try {
            onStart(c);
        } catch (RuntimeException | Error e) {
            // no thread will ever wait on the clock for this worker: it must not stay registered as running, or every
            // time driver would wait for it (awaitQuiescent) until the hang bound
            c.clock.remove(worker);
            worker = null;
            throw e;
        }
        active = true;
        FreeListHook h = hook();
        if (h != null) hookRegistration = c.addFreeListHook(h);
        Thread t = new Thread(this::loop, "page_reporting/" + name());
        t.setDaemon(true);
        thread = t;
        t.start();
        afterStart();
    }

    /** Called once the worker runs (for example to request a first pass). */
    protected void afterStart() {}

    private void loop() {
        EmuClock.Worker w = worker;
        boolean cpu = MX.isCurrentThreadCpuTimeSupported();
        while (w.awaitRequest()) {
            long c0 = cpu ? MX.getCurrentThreadCpuTime() : System.nanoTime();
            try {
                pass();
            } catch (RuntimeException e) {
                LOG.error("page_reporting/{}: pass failed", name(), e);
            } finally {
                long c1 = cpu ? MX.getCurrentThreadCpuTime() : System.nanoTime();
                ctx.metrics.worker(c1 - c0);
                if (!(this instanceof BuddyStrategy)) ctx.metrics.pass();
            }
        }
    }

    @Override
    public synchronized void stop() {
        if (thread == null) return;
        active = false;
        if (hookRegistration != null) {
            try {
                hookRegistration.close();
            } catch (Exception e) {
                LOG.warn("page_reporting/{}: unregistering the enqueue hook failed", name(), e);
            }
            hookRegistration = null;
        }
        worker.abort();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping " + name(), e);
        } finally {
            ctx.clock.remove(worker);
            thread = null;
            onStop();
        }
    }

    boolean running() { return thread != null; }
}
