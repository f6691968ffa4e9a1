package mm.core.api;

/**
 * PG_ flag bit numbers of 6.x (include/linux/page-flags.h) and the layout of mmkit's emulated {@code page->flags} word:
 * PG bits at the bottom, then (from bit 40) the page_type byte, and at the top the node (10 bits) and zone (3 bits)
 * as set_page_links writes them. An uninitialised struct page holds {@link #POISON} (CONFIG_DEBUG_VM's
 * page_init_poison pattern), which is how the checker and readers detect it.
 */
public final class PageFlags {
    private PageFlags() {}

    public static final int PG_locked = 0, PG_writeback = 1, PG_referenced = 2, PG_uptodate = 3, PG_dirty = 4,
            PG_lru = 5, PG_head = 6, PG_waiters = 7, PG_active = 8, PG_workingset = 9, PG_error = 10, PG_slab = 11,
            PG_owner_priv_1 = 12, PG_arch_1 = 13, PG_reserved = 14, PG_private = 15, PG_private_2 = 16,
            PG_mappedtodisk = 17, PG_reclaim = 18, PG_swapbacked = 19, PG_unevictable = 20, PG_mlocked = 21;
    /** Aliases as in the kernel. */
    public static final int PG_reported = PG_uptodate, PG_isolated = PG_reclaim;

    public static final String[] NAMES = {
        "locked", "writeback", "referenced", "uptodate", "dirty", "lru", "head", "waiters", "active", "workingset",
        "error", "slab", "owner_priv_1", "arch_1", "reserved", "private", "private_2", "mappedtodisk", "reclaim",
        "swapbacked", "unevictable", "mlocked",
    };

    /** page_type bits kept in flags (the kernel stores them inverted in page_type; we store them set). */
    public static final long TYPE_BUDDY = 1L << 40, TYPE_OFFLINE = 1L << 41, TYPE_GUARD = 1L << 42,
            TYPE_TABLE = 1L << 43;
    public static final long TYPE_MASK = 0xffL << 40;

    public static final int ZONES_SHIFT = 3, NODES_SHIFT = 10;
    public static final int ZONES_PGSHIFT = 64 - ZONES_SHIFT;
    public static final int NODES_PGSHIFT = ZONES_PGSHIFT - NODES_SHIFT;
    public static final long ZONES_MASK = (1L << ZONES_SHIFT) - 1, NODES_MASK = (1L << NODES_SHIFT) - 1;
    public static final long POISON = -1L;

    public static long bit(int pg) { return 1L << pg; }

    public static int zoneIdx(long flags) { return (int) ((flags >>> ZONES_PGSHIFT) & ZONES_MASK); }

    public static int nid(long flags) { return (int) ((flags >>> NODES_PGSHIFT) & NODES_MASK); }

    public static long links(int nid, int zoneIdx) {
        return ((long) zoneIdx << ZONES_PGSHIFT) | ((long) nid << NODES_PGSHIFT);
    }

    /** The kernel's %pGp rendering: {@code reserved|node=0|zone=1}. */
    public static String names(long flags) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < NAMES.length; i++) {
            if ((flags & (1L << i)) != 0) sb.append(NAMES[i]).append('|');
        }
        sb.append("node=").append(nid(flags)).append("|zone=").append(zoneIdx(flags));
        return sb.toString();
    }
}
