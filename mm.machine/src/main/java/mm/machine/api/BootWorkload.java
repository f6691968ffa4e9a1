package mm.machine.api;

/**
 * The deterministic early-boot allocation workload (seeded): how many pages the emulated kernel allocates from the
 * buddy in each boot window, spread over {@code callers} distinct call stacks, with orders drawn from
 * {@code orderWeights} (weight of order 0, 1, 2, 3...). Windows:
 * <ul>
 * <li>{@code earlyPages}: after memblock_free_all, before the early page_ext point in mm_core_init;</li>
 * <li>{@code midPages}: after that, until page_alloc_init_late (the late page_ext point);</li>
 * <li>{@code latePages}: after page_alloc_init_late (initcalls, user space start).</li>
 * </ul>
 * Pages are spread over nodes in proportion to their managed memory.
 */
public record BootWorkload(long seed, int callers, long earlyPages, long midPages, long latePages, int[] orderWeights) {
    public BootWorkload {
        orderWeights = orderWeights.clone();
    }

    public static BootWorkload defaults() {
        return new BootWorkload(1, 40, 600, 400, 2000, new int[] {80, 10, 6, 4});
    }
}
