package mm.hotplug.api;

import java.util.Locale;

/**
 * What a memory block is onlined as (the words written to {@code memoryN/state}): {@link #ONLINE} lets the kernel
 * choose the zone (the default "contig-zones" policy), {@link #ONLINE_KERNEL} picks the kernel zone (the first of
 * DMA/DMA32 the range intersects, else Normal), {@link #ONLINE_MOVABLE} picks ZONE_MOVABLE.
 */
public enum OnlineType {
    ONLINE("online"), ONLINE_KERNEL("online_kernel"), ONLINE_MOVABLE("online_movable");

    private final String sysfs;

    OnlineType(String sysfs) { this.sysfs = sysfs; }

    /** The sysfs spelling ({@code online_movable}). */
    public String sysfs() { return sysfs; }

    /**
     * Parses {@code auto}, {@code normal}, {@code kernel}, {@code movable} (the {@code --zone} words) and the sysfs
     * words {@code online}, {@code online_kernel}, {@code online_movable}.
     */
    public static OnlineType parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "auto", "online", "contig", "default" -> ONLINE;
            case "normal", "kernel", "online_kernel" -> ONLINE_KERNEL;
            case "movable", "online_movable" -> ONLINE_MOVABLE;
            default -> throw new IllegalArgumentException("unknown zone choice '" + s
                    + "' (expected normal, movable or auto; or online, online_kernel, online_movable)");
        };
    }
}
