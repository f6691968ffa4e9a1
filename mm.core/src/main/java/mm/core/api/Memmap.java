package mm.core.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Raw access to the emulated memmap (one struct page per PFN). For mm bundles that emulate kernel code working on
 * struct pages directly (hotplug, ZONE_DEVICE init, page_owner's scan). Reading an uninitialised page through
 * {@link #flags} throws {@link UninitialisedPageException}; {@link #rawFlags} does not (use it only where the kernel
 * would not dereference the page either, e.g. to test for poison).
 */
@ProviderType
public interface Memmap {
    /** pfn_valid: the pfn's section has a memmap. */
    boolean valid(long pfn);

    boolean initialised(long pfn);

    long flags(long pfn);

    long rawFlags(long pfn);

    int refcount(long pfn);

    long privateField(long pfn);

    /** Highest pfn + 1 that has a memmap section. */
    long maxPfn();

    /**
     * {@code pfn} itself when it is valid, else the first pfn of the next section with a memmap, or -1 when there is
     * none: walks over the memmap skip holes at the cost of the present sections, not of the address width.
     */
    long nextValidPfn(long pfn);

    /**
     * The section of {@code pfn} is stored uniformly free (compact memmap storage, docs/memmap.md): every page of it
     * is initialised for one zone and node and free in the buddy in MAX_PAGE_ORDER blocks of one migratetype, so a
     * walk may treat the section as a whole. Always false under the dense storage.
     */
    boolean uniformlyFree(long pfn);

    /**
     * The section of {@code pfn} is stored uniformly reserved (compact memmap storage, docs/memmap.md): every page of
     * it is initialised for one zone and node, PG_reserved with a refcount of 1 and nothing else set, as
     * {@code reserve_bootmem_region} leaves memblock-reserved memory (the memmap itself, page tables) or as
     * {@code memmap_init_zone_device} leaves a ZONE_DEVICE section (then the zone is ZONE_DEVICE). A walk may treat
     * the section as a whole. Always false under the dense storage.
     */
    boolean uniformlyReserved(long pfn);

    /**
     * Compact storage: stores the section's struct pages shared with another section's when they are equal but for
     * a few free-list links, as page_ext's tables leave the sections they fill at boot (the same allocated and free
     * pages in each, only the links differ). The caller guarantees that nothing writes the section meanwhile (at
     * boot, before other threads run). Nothing under the dense storage.
     *
     * @return whether the section is now stored shared
     */
    boolean compactSection(long sectionNr);
}
