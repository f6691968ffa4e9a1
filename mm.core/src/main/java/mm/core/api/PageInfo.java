package mm.core.api;

/**
 * One struct page as mm:page shows it (drgn-style). {@code flags} is page->flags (PG_ bits, node and zone) and is
 * POISON for an uninitialised page; {@code pageType} holds the page_type bits ({@link PageFlags#TYPE_BUDDY}...),
 * which mmkit keeps in the same memmap word but the kernel keeps in a field of its own. {@code pageState} is what
 * the page is to the allocator, {@code state} the same in words for people.
 */
public record PageInfo(long pfn, boolean valid, boolean initialised, long flags, long pageType, int refcount,
                       int mapcount, long privateField, int nid, ZoneType zone, MigrateType pageblockMt,
                       PageState pageState, String state) {}
