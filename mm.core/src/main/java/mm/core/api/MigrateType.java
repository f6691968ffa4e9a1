package mm.core.api;

/** Migratetypes as /proc/pagetypeinfo lists them for a kernel without CMA (migratetype_names[]). */
public enum MigrateType {
    UNMOVABLE("Unmovable"), MOVABLE("Movable"), RECLAIMABLE("Reclaimable"), HIGHATOMIC("HighAtomic"), ISOLATE("Isolate");

    public static final MigrateType[] VALUES = values();
    /** Types that have per-cpu lists (MIGRATE_PCPTYPES). */
    public static final int PCPTYPES = 3;
    private final String kernelName;

    MigrateType(String kernelName) { this.kernelName = kernelName; }

    public String kernelName() { return kernelName; }
}
