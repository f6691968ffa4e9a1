package mm.reporting.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Guest workloads that drive free page reporting on the emulated clock (which they advance by modelled costs, so it
 * runs faster than real time): a free storm, a steady alloc/free mix and an idle phase.
 */
@ProviderType
public interface Workloads {
    /** What a workload did. */
    /**
     * What a workload did. {@code stoppedBecause} is null when it ran to its end, else why it stopped early (the
     * machine rebooted under it: the pages it held went away with the previous kernel).
     */
    record Result(String kind, long allocatedPages, long freedPages, long failedAllocs, long emulatedNanos,
                  long realNanos, String stoppedBecause) {}

    /**
     * A guest that allocates {@code gib} GiB (a {@code thpPercent} share as order-9 THPs, the rest order-0 pages,
     * movable) with {@code threads} threads and frees it all again, {@code waves} times.
     */
    Result freeStorm(double gib, int waves, int threads, int thpPercent, long seed);

    /** A steady random alloc/free mix over a {@code gib} GiB working set for {@code seconds} of emulated time. */
    Result mix(double seconds, double gib, int threads, long seed);

    /**
     * An idle phase of {@code seconds} of emulated time: reporting workers run as their timers fire. {@code speed}
     * 0 advances the clock as fast as the workers allow; {@code speed > 0} paces it at that multiple of real time.
     */
    Result idle(double seconds, double speed);
}
