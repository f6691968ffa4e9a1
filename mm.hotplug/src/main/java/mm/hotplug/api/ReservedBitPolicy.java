package mm.hotplug.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Variant subsystem {@value #SUBSYSTEM}: what hot-added struct pages carry between move_pfn_range_to_zone and the
 * moment they reach the buddy (seeds 002/003: docs/seeds.md). Variants are DS components with
 * {@code mm.subsystem=reserved-bit} and {@code mm.variant=keep|drop}; the active one is looked up when an
 * operation starts, so a swap takes effect at the next online.
 */
@ConsumerType
public interface ReservedBitPolicy {
    String SUBSYSTEM = "reserved-bit";
    /** Hot-added struct pages carry PG_reserved until online (the 2018 kernels). */
    String KEEP = "keep";
    /** No PG_reserved on hot-added struct pages; pfn_to_online_page is the guard (the default). */
    String DROP = "drop";

    /** {@code keep} or {@code drop}. */
    String name();

    /** memmap_init_range in MEMINIT_HOTPLUG context sets PG_reserved on every struct page it initialises. */
    boolean reserveOnInit();

    /**
     * online_pages_range only invokes the online-page callback when the first pfn of the range is PG_reserved
     * (the 2018 kernel's test for "not yet online").
     */
    boolean onlineRequiresReservedFirstPfn();
}
