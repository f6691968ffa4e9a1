package mm.hotplug.api;

import java.util.List;
import java.util.Map;

/**
 * The outcome of one hotplug operation.
 *
 * @param op       what was done: {@code add}, {@code online}, {@code offline}, {@code remove}, {@code memremap},
 *                 {@code memunmap}
 * @param start    physical start address of the range
 * @param size     size of the range in bytes
 * @param errno    0 on success, else the (positive) errno the kernel returns: 16 EBUSY, 22 EINVAL, 17 EEXIST,
 *                 6 ENXIO, 7 E2BIG, 4 EINTR, 12 ENOMEM
 * @param reason   why it failed (the kernel's words, e.g. {@code failure to isolate range}), null on success
 * @param log      the kernel log lines the operation printed
 * @param details  facts about the operation (pages migrated, zone counters before and after, ...) for reports
 */
public record HotplugResult(String op, long start, long size, int errno, String reason, List<String> log,
                            Map<String, Object> details) {
    public static final int EINTR = 4, ENXIO = 6, E2BIG = 7, ENOMEM = 12, EBUSY = 16, EEXIST = 17, EINVAL = 22;

    public HotplugResult {
        log = List.copyOf(log);
        details = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(details));
    }

    public boolean ok() { return errno == 0; }

    /** {@code EBUSY (Device or resource busy)}. */
    public String errnoText() {
        return switch (errno) {
            case 0 -> "0";
            case EINTR -> "EINTR (Interrupted system call)";
            case ENXIO -> "ENXIO (No such device or address)";
            case E2BIG -> "E2BIG (Argument list too long)";
            case ENOMEM -> "ENOMEM (Cannot allocate memory)";
            case EBUSY -> "EBUSY (Device or resource busy)";
            case EEXIST -> "EEXIST (File exists)";
            case EINVAL -> "EINVAL (Invalid argument)";
            default -> "errno " + errno;
        };
    }
}
