package mm.core.internal.mm;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

/** The emulated printk buffer: lines stamped {@code [    0.000000]} with the emulated clock (ns). */
public final class KernelLog {
    private final List<String> lines = new ArrayList<>();
    private final LongSupplier clockNanos;

    public KernelLog(LongSupplier clockNanos) {
        this.clockNanos = clockNanos;
    }

    /** Whether printk's clock runs: until time_init its timestamps are 0 (no sched_clock yet). */
    private volatile boolean clockRunning;

    /** time_init: from now on lines carry the clock's time. */
    public void startClock() { clockRunning = true; }

    public synchronized void log(String text) {
        long ns = clockRunning ? clockNanos.getAsLong() : 0;
        String stamp = String.format(Locale.ROOT, "[%5d.%06d] ", ns / 1_000_000_000L, (ns / 1000) % 1_000_000);
        for (String l : text.split("\n", -1)) lines.add(stamp + l);
    }

    public synchronized List<String> lines() {
        return new ArrayList<>(lines);
    }

    /** Lines without their timestamps (what tests compare with a real log). */
    public synchronized List<String> messages() {
        List<String> out = new ArrayList<>(lines.size());
        for (String l : lines) out.add(l.substring(l.indexOf("] ") + 2));
        return out;
    }
}
