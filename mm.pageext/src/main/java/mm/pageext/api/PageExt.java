package mm.pageext.api;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * page_ext of the booted machine: one table per present section, {@link #entrySize} bytes per page, looked up by
 * PFN. Readers (page_owner, commands) use {@link #lookup}; it returns null where the kernel's lookup_page_ext
 * returns NULL: before page_ext_init, for a section without a table, and (init-on-touch) for a page whose struct
 * page was not initialised yet.
 */
@ProviderType
public interface PageExt {
    /** Bit numbers in the shared flags word (enum page_ext_flags). */
    int PAGE_EXT_OWNER = 0, PAGE_EXT_OWNER_ALLOCATED = 1;

    /** Whether page_ext_init has run on this boot (clients are initialised). */
    boolean ready();

    /** page_ext_size: bytes per page (0 when no client needs page_ext on this boot). */
    int entrySize();

    /** lookup_page_ext: the table holding {@code pfn}'s entry, or null. */
    PageExtTable lookup(long pfn);

    /**
     * The table of {@code pfn}'s section whether or not pfn's entry is valid yet (init-on-touch), or null when the
     * section has none: lets a walk pass over entries {@link #lookup} would refuse one by one
     * ({@link PageExtTable#sameUntil}).
     */
    PageExtTable table(long pfn);

    /** Bytes of all tables allocated on this boot (what "allocated %ld bytes of page_ext" prints). */
    long allocatedBytes();

    /** The init variant that set up this boot's page_ext (null before a boot). */
    String variant();

    /** The clients of this boot in entry order, with their offsets. */
    List<Client> clients();

    /** Every table of this boot. */
    List<Section> sections();

    /** One client in the entry layout. */
    record Client(String name, int offset, int size, boolean needed) {}

    /**
     * One section's table: where it came from ({@code buddy} = alloc_pages_exact_nid, {@code vmalloc} = the
     * vzalloc_node fallback, {@code memblock} = allocated before the buddy existed), its first pfn there
     * (or physical address for memblock) and the node that holds it.
     */
    record Section(long sectionNr, int nid, long bytes, String source, long where, int tableNid) {}
}
