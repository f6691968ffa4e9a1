package mm.core.api;

/**
 * Migratetypes (migratetype_names[] of /proc/pagetypeinfo). The constants' order is mmkit's (CMA came last, so the
 * types of a kernel without CMA keep their numbers); {@link #kernelOrder} is the kernel's, in which pagetypeinfo
 * lists them: MIGRATE_CMA exists only in a kernel built with CONFIG_CMA, before MIGRATE_ISOLATE.
 */
public enum MigrateType {
    UNMOVABLE("Unmovable"), MOVABLE("Movable"), RECLAIMABLE("Reclaimable"), HIGHATOMIC("HighAtomic"), ISOLATE("Isolate"),
    /** MIGRATE_CMA: pageblocks of a contiguous memory area; only movable allocations may use them. */
    CMA("CMA");

    public static final MigrateType[] VALUES = values();
    /** Types that have per-cpu lists (MIGRATE_PCPTYPES). */
    public static final int PCPTYPES = 3;
    private static final MigrateType[] WITH_CMA = {UNMOVABLE, MOVABLE, RECLAIMABLE, HIGHATOMIC, CMA, ISOLATE};
    private static final MigrateType[] WITHOUT_CMA = {UNMOVABLE, MOVABLE, RECLAIMABLE, HIGHATOMIC, ISOLATE};
    private final String kernelName;

    MigrateType(String kernelName) { this.kernelName = kernelName; }

    public String kernelName() { return kernelName; }

    /** The types a kernel has, in its order (MIGRATE_TYPES): with CONFIG_CMA, CMA comes before Isolate. */
    public static MigrateType[] kernelOrder(boolean cma) { return (cma ? WITH_CMA : WITHOUT_CMA).clone(); }
}
