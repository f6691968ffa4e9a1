package mm.reporting.api;

/**
 * The strategies' tunables ({@code mm:reporting config KEY=VALUE}, configuration PID {@code mm.reporting}):
 * the array strategy's capacity and the free count that wakes its worker, the bitmap strategy's threshold, and the
 * reporting delay (page_reporting_delay: 2 s in the kernel).
 */
public record Tunables(int arrayCapacity, int arrayThreshold, int bitmapThreshold, long delayNanos) {
    /** PAGE_REPORTING_DELAY (2 * HZ). */
    public static final long DELAY_NANOS = 2_000_000_000L;

    public static Tunables defaults() {
        return new Tunables(256, 16, 16, DELAY_NANOS);
    }
}
