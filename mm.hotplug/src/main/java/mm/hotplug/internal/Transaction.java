package mm.hotplug.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.function.Supplier;
import mm.core.hook.MemoryNotifier.Action;
import mm.core.spi.MemoryHotplugSupport;
import mm.core.spi.MemoryHotplugSupport.Checkpoint;
import mm.hotplug.api.HotplugResult;

/**
 * One add_memory, online_pages or memremap_pages, all or nothing: a {@link Checkpoint} of its range before the
 * first change, the notifications it sent, and on a failure part-way (a failed result, an exception from a
 * primitive or a notifier, an OutOfMemoryError) the kernel's error paths: every notifier that heard GOING_ONLINE
 * hears CANCEL_ONLINE (or, after ONLINE, GOING_OFFLINE and OFFLINE), and the model goes back to the checkpoint.
 * The failed result says why and that nothing changed.
 */
final class Transaction {
    /** Notifications that undo what the notifiers were told, in the order they were sent. */
    private final List<Runnable> undo = new ArrayList<>();
    private final MemoryHotplugSupport hs;

    private Transaction(MemoryHotplugSupport hs) { this.hs = hs; }

    /** The transaction running now (the hotplug lock serialises operations); null outside one. */
    private static final ThreadLocal<Transaction> CURRENT = new ThreadLocal<>();

    /**
     * Runs {@code body} on [startPfn, +nrPages) all or nothing. Nested calls (an add that onlines its blocks) join
     * the outer transaction.
     */
    static HotplugResult run(MemoryHotplugSupport hs, Op op, long startPfn, long nrPages,
                             Supplier<HotplugResult> body) {
        if (CURRENT.get() != null) return body.get();
        Transaction t = new Transaction(hs);
        Checkpoint cp = hs.checkpoint(startPfn, nrPages);
        CURRENT.set(t);
        HotplugResult r;
        try {
            r = body.get();
            if (r.ok()) return r;
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            t.rollBack(cp);
            op.put("rolled_back", true);
            if (e instanceof OutOfMemoryError)
                return op.fail(HotplugResult.ENOMEM, "the JVM ran out of heap (give java a larger -Xmx); nothing changed");
            return op.fail(HotplugResult.EINVAL, message(e) + "; nothing changed");
        } finally {
            CURRENT.remove();
        }
        t.rollBack(cp);
        Map<String, Object> d = new LinkedHashMap<>(r.details());
        d.put("rolled_back", true);
        return new HotplugResult(r.op(), r.start(), r.size(), r.errno(), r.reason(), r.log(), d);
    }

    private void rollBack(Checkpoint cp) {
        for (int i = undo.size() - 1; i >= 0; i--) {
            try {
                undo.get(i).run();
            } catch (RuntimeException e) {
                // a notifier that fails again while being told to undo: the model goes back all the same
            }
        }
        hs.rollback(cp);
    }

    /**
     * online_pages told the notifiers GOING_ONLINE for a range: on rollback they hear CANCEL_ONLINE. Returns the
     * index to pass to {@link #onlined} once ONLINE was sent.
     */
    static int goingOnline(MemoryHotplugSupport hs, int nid, long pfn, long nr) {
        Transaction t = CURRENT.get();
        if (t == null) return -1;
        t.undo.add(() -> hs.memoryNotify(Action.CANCEL_ONLINE, nid, pfn, nr));
        return t.undo.size() - 1;
    }

    /** The range of {@code goingOnline} is online: on rollback the notifiers see it go offline. */
    static void onlined(int mark, int nid, long pfn, long nr) {
        Transaction t = CURRENT.get();
        if (t == null || mark < 0) return;
        t.undo.set(mark, () -> {
            t.hs.memoryNotify(Action.GOING_OFFLINE, nid, pfn, nr);
            t.hs.memoryNotify(Action.OFFLINE, nid, pfn, nr);
        });
    }

    /** The veto path of online_pages already told the notifiers CANCEL_ONLINE. */
    static void cancelled(int mark) {
        Transaction t = CURRENT.get();
        if (t == null || mark < 0) return;
        t.undo.set(mark, () -> {});
    }

    /** One sentence from an exception, without its Java class name when it has a message. */
    static String message(Throwable e) {
        Throwable c = e;
        while ((c.getMessage() == null || c.getMessage().isBlank()) && c.getCause() != null && c.getCause() != c)
            c = c.getCause();
        String m = c.getMessage();
        return m == null || m.isBlank() ? String.format(Locale.ROOT, "internal error (%s)",
                c.getClass().getSimpleName()) : m;
    }
}
