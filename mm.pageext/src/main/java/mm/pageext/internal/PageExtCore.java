package mm.pageext.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import mm.core.api.CallStack;
import mm.core.api.MemmapVariants;
import mm.core.api.MemoryModel;
import mm.core.api.Mm;
import mm.core.api.ZoneType;
import mm.core.hook.BootContext;
import mm.core.hook.BootHeapFootprint;
import mm.core.hook.BootPhase;
import mm.core.hook.BootPhaseListener;
import mm.core.hook.PageInitHook;
import mm.machine.api.E820Range;
import mm.machine.api.Machine;
import mm.pageext.api.PageExt;
import mm.pageext.api.PageExtClient;
import mm.pageext.api.PageExtInit;
import mm.pageext.api.PageExtStorage;
import mm.pageext.api.PageExtTable;
import mm.variant.api.VariantService;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * page_ext: joins every boot (phase listener and struct-page init hook), creates the boot's {@link Storage}, asks
 * for the active init variant of subsystem {@code page-ext} and forwards it the phases and init ranges. Clients
 * ({@link PageExtClient}) and variants ({@link PageExtInit}) are whiteboard services. After the boot, ranges of
 * sections without a table (hotplug) get a table from the buddy, as page_ext's memory notifier does on
 * MEM_GOING_ONLINE.
 */
@Component(service = {PageExt.class, BootPhaseListener.class, PageInitHook.class, BootHeapFootprint.class},
        immediate = true)
public final class PageExtCore implements PageExt, BootPhaseListener, PageInitHook, BootHeapFootprint {
    private final MemoryModel model;
    private final List<PageExtClient> clients = new CopyOnWriteArrayList<>();
    /** Which init variant a boot uses: the registry in a framework, a StandaloneVariants outside one. */
    private final VariantService registry;
    private volatile Storage storage;
    private volatile PageExtInit active;

    @Activate
    public PageExtCore(@Reference MemoryModel model, @Reference VariantService registry) {
        this.model = model;
        this.registry = registry;
        this.storage = new Storage(model, List.of(), null);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void addClient(PageExtClient c) { clients.add(c); }

    public void removeClient(PageExtClient c) { clients.remove(c); }

    /** The variant of this boot: the registry's active page-ext variant (none: page_ext stays off, and says so). */
    private PageExtInit activeVariant(BootContext ctx) {
        PageExtInit v = registry.activeService(PageExtInit.SUBSYSTEM, PageExtInit.class);
        if (v == null) ctx.log("page_ext: no page-ext variant is active (selected: "
                + registry.selection().getOrDefault(PageExtInit.SUBSYSTEM, "none") + "; see mm:variant page-ext):"
                + " page_ext stays off on this boot");
        return v;
    }

    // ------------------------------------------------------------------------------------------- the boot

    /**
     * The boot's heap preflight, by {@link PageExtTable}'s accounting (storage only where something is written): a
     * table object and its {@link PageExt.Section} per present section; the pages the boot writes entries for, each
     * at most a chunk of its own: the tables' own pages (page_owner's early scan finds them; entries laid out as
     * {@link Storage} will, e.g. 72 bytes with page_owner=on), a chunk list per section they lie in, and the boot
     * workload's pages; and, under the compact memmap, the struct pages of the sections the tables are cut from
     * (allocated or reserved blocks make them dense). Nothing when no client is needed.
     */
    @Override public long bootHeapBytes(Machine m, long presentSections, long presentPages) {
        if (registry.activeService(PageExtInit.SUBSYSTEM, PageExtInit.class) == null) return 0;
        int size = 0;
        boolean flags = false, any = false;
        for (PageExtClient c : clients) {
            if (!c.need(m)) continue;
            any = true;
            flags |= c.needSharedFlags();
            size += c.size();
        }
        if (!any) return 0;
        if (flags) size += Long.BYTES;
        long chunk = 16L + (long) size * PageExtTable.CHUNK_PAGES;
        long chunkList = 16L + 4L * (Mm.PAGES_PER_SECTION / PageExtTable.CHUNK_PAGES);
        // a table's pages: its bytes rounded up to a power-of-two block (alloc_pages_exact_nid)
        long tablePages = Long.highestOneBit(Math.max(1, ((long) size * Mm.PAGES_PER_SECTION - 1) / Mm.PAGE_SIZE) * 2);
        long tableSections = (presentSections * tablePages + Mm.PAGES_PER_SECTION - 1) / Mm.PAGES_PER_SECTION;
        long workload = m.workload() == null ? 0
                : m.workload().earlyPages() + m.workload().midPages() + m.workload().latePages();
        // the tables come from the buddy (or memblock, on-touch): under the compact memmap each section they are cut
        // from is stored page by page (docs/memmap.md), for page_ext's sake
        boolean compact = MemmapVariants.COMPACT.equals(
                registry.selection().getOrDefault(MemmapVariants.SUBSYSTEM, MemmapVariants.COMPACT));
        long top = 0;
        for (E820Range r : m.e820()) if (r.type().isRam()) top = Math.max(top, r.end());
        long perPage = WRITTEN_MEMMAP_BYTES_PER_PAGE + ((top >>> Mm.PAGE_SHIFT) > Integer.MAX_VALUE ? HIGH_LINK_BYTES : 0);
        PageExtInit v = registry.activeService(PageExtInit.SUBSYSTEM, PageExtInit.class);
        long denseSections = tableSections;
        if (compact && !PageExtInit.ON_TOUCH.equals(v.name())) {
            // from the buddy at boot: a section the tables filled is stored shared (Memmap.compactSection), but for
            // the first of each node (the template others are held against) and the one each node's tables end in
            long nodes = Math.max(1, m.nodes().size());
            denseSections = Math.min(tableSections, 2 * nodes);
        }
        long memmap = compact ? denseSections * Mm.PAGES_PER_SECTION * perPage
                + (tableSections - denseSections) * TEMPLATED_SECTION_BYTES : 0;
        return presentSections * TABLE_BYTES + tableSections * (chunkList + 4 * chunk)
                + Math.min(presentPages / PageExtTable.CHUNK_PAGES + 1, workload) * chunk + memmap;
    }

    /**
     * docs/memmap.md's budget of a section the compact memmap stores page by page, and what links to PFNs at or
     * above 2^31 (RAM beyond 8 TiB) add.
     */
    static final long WRITTEN_MEMMAP_BYTES_PER_PAGE = 20, HIGH_LINK_BYTES = 4;

    /** A section stored shared with its template: the Section, its usemap and its link exceptions (~100 of 16 B). */
    static final long TEMPLATED_SECTION_BYTES = 2048;

    /** Heap of one section's table while nothing wrote it: the table, its Section record, the slots holding them. */
    static final long TABLE_BYTES = 160;

    @Override public void onPhase(BootPhase phase, BootContext ctx) {
        if (phase == BootPhase.SETUP_ARCH) {
            PageExtInit v = activeVariant(ctx);
            for (PageExtClient c : clients) c.reset();
            active = v;
            storage = new Storage(model, clients, v == null ? null : v.name());
        }
        PageExtInit v = active;
        if (v != null) v.onPhase(phase, ctx, storage);
    }

    @Override public void onPagesInitialised(int nid, ZoneType zone, long startPfn, long endPfn) {
        if (zone == ZoneType.DEVICE) return;   // ZONE_DEVICE memory never gets page_ext
        Storage s = storage;
        PageExtInit v = active;
        if (v == null) return;
        if (s.ready() && model.booted()) hotplugTables(s, nid, startPfn, endPfn);
        v.onPagesInitialised(nid, zone, startPfn, endPfn, s);
    }

    /** page_ext_callback(MEM_GOING_ONLINE): online_page_ext for the sections of a range that have no table. */
    private void hotplugTables(Storage s, int nid, long startPfn, long endPfn) {
        if (s.entrySize() == 0) return;
        for (long nr = Mm.sectionOf(startPfn); nr <= Mm.sectionOf(endPfn - 1); nr++) {
            if (s.tableOfSection(nr) != null) continue;
            s.tableFromBuddy(nr, nid, CallStack.symbolized(List.of("get_page_from_freelist", "__alloc_pages_noprof",
                    "alloc_pages_exact_nid_noprof", "init_section_page_ext", "page_ext_callback", "notifier_call_chain",
                    "online_pages"), List.of()));
        }
    }

    /** The storage of the current boot (for the variants and commands of this bundle). */
    Storage storage() { return storage; }

    /** The storage of the current boot as a variant sees it (tests that place page_ext_init themselves). */
    public PageExtStorage storageForTests() { return storage; }

    // --------------------------------------------------------------------------------------- PageExt

    @Override public boolean ready() { return storage.ready(); }
    @Override public int entrySize() { return storage.entrySize(); }
    @Override public PageExtTable lookup(long pfn) { return storage.lookup(pfn); }
    @Override public PageExtTable table(long pfn) { return storage.table(pfn); }
    @Override public long allocatedBytes() { return storage.allocatedBytes(); }
    @Override public String variant() { return storage.variant; }
    @Override public List<Client> clients() { return storage.clients(); }
    @Override public List<Section> sections() { return storage.sections(); }
}
