package mm.core.api;

/** One struct page as mm:page shows it (drgn-style). {@code flags} is POISON for an uninitialised page. */
public record PageInfo(long pfn, boolean valid, boolean initialised, long flags, int refcount, int mapcount,
                       long privateField, int nid, ZoneType zone, MigrateType pageblockMt, String state) {}
