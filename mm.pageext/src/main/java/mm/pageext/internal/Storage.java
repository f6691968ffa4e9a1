package mm.pageext.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import mm.core.api.CallStack;
import mm.core.api.Gfp;
import mm.core.api.Memblock;
import mm.core.api.Memmap;
import mm.core.api.MemoryModel;
import mm.core.api.Mm;
import mm.core.api.NodeInfo;
import mm.core.api.PageFlags;
import mm.core.hook.BootContext;
import mm.core.hook.BootPhase;
import mm.pageext.api.PageExtClient;
import mm.pageext.api.PageExtInitContext;
import mm.pageext.api.PageExtStorage;
import mm.pageext.api.PageExtTable;

/**
 * The page_ext storage of one boot: the entry layout (invoke_need_callbacks), one {@link PageExtTable} per section
 * (mem_section[nr].page_ext), how each table was obtained, and the init of the clients. A new instance per boot.
 */
final class Storage implements PageExtStorage {
    /** alloc_page_ext: GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN. */
    static final int GFP = Gfp.GFP_KERNEL | Gfp.__GFP_ZERO | Gfp.__GFP_NOWARN;

    private final MemoryModel model;
    private final List<PageExtClient> allClients;
    final String variant;
    /**
     * The tables by section number, two levels (root[nr >>> 12][nr & 4095]) so that a table near the top of the
     * 2^52 address space costs a leaf, not an array as long as the address space.
     */
    private volatile PageExtTable[][] tables = new PageExtTable[0][];
    private final List<Section> sections = Collections.synchronizedList(new ArrayList<>());
    private volatile long allocatedBytes;
    private volatile boolean ready;
    private boolean laidOut;
    private List<Client> layout = List.of();
    private List<PageExtClient> needing = List.of();
    private int entrySize;
    /** Whether tables made from now on have all entries valid (false for init-on-touch). */
    volatile boolean allPresent = true;
    /** init-on-touch needs the flags word even if no client asks for it. */
    boolean forceFlags;

    Storage(MemoryModel model, List<PageExtClient> clients, String variant) {
        this.model = model;
        List<PageExtClient> c = new ArrayList<>(clients);
        c.sort((a, b) -> a.rank() != b.rank() ? Integer.compare(a.rank(), b.rank()) : a.name().compareTo(b.name()));
        this.allClients = c;
        this.variant = variant;
    }

    // ------------------------------------------------------------------------------------------- PageExt

    @Override public boolean ready() { return ready; }

    @Override public synchronized int entrySize() { return entrySize; }

    @Override public PageExtTable lookup(long pfn) {
        PageExtTable x = table(pfn);
        return x != null && x.present(pfn) ? x : null;
    }

    /** The table of pfn's section, valid entries or not. */
    @Override public PageExtTable table(long pfn) {
        return pfn < 0 ? null : tableOfSection(pfn >>> Mm.PFN_SECTION_SHIFT);
    }

    @Override public long allocatedBytes() { return allocatedBytes; }

    @Override public String variant() { return variant; }

    @Override public synchronized List<Client> clients() {
        if (!laidOut) {
            List<Client> out = new ArrayList<>();
            for (PageExtClient c : allClients) out.add(new Client(c.name(), -1, c.size(), false));
            return out;
        }
        return layout;
    }

    @Override public List<Section> sections() {
        synchronized (sections) {
            List<Section> out = new ArrayList<>(sections);
            out.sort((a, b) -> Long.compare(a.sectionNr(), b.sectionNr()));
            return out;
        }
    }

    // --------------------------------------------------------------------------------- PageExtStorage

    @Override public synchronized boolean needed(BootContext ctx) {
        if (!laidOut) {
            laidOut = true;
            List<PageExtClient> need = new ArrayList<>();
            boolean flags = forceFlags;
            for (PageExtClient c : allClients) {
                if (c.need(ctx.machine())) {
                    need.add(c);
                    flags |= c.needSharedFlags();
                }
            }
            int size = need.isEmpty() ? 0 : flags ? 8 : 0;
            List<Client> out = new ArrayList<>();
            for (PageExtClient c : allClients) {
                boolean n = need.contains(c);
                out.add(new Client(c.name(), n ? size : -1, c.size(), n));
                if (n) size += c.size();
            }
            entrySize = size;
            layout = List.copyOf(out);
            needing = List.copyOf(need);
        }
        return !needing.isEmpty();
    }

    @Override public void initFromBuddy(BootContext ctx, BootPhase phase, List<String> callers) {
        if (!needed(ctx)) return;
        long t0 = System.nanoTime();
        Memmap mm = ctx.model().memmap();
        CallStack stack = CallStack.symbolized(List.of("get_page_from_freelist", "__alloc_pages_noprof",
                "alloc_pages_exact_nid_noprof", "init_section_page_ext", "page_ext_init"), callers);
        atBoot = true;
        try {
            tablesFromBuddy(ctx, mm, stack);
        } finally {
            atBoot = false;
        }
        printAllocated(ctx);
        recordTiming(ctx, "page_ext_init (" + variant + ", at " + phase + ")", t0, allocatedBytes);
        invokeInit(ctx, phase, callers);
    }

    /** Set while page_ext_init runs in the boot, where nothing else writes struct pages. */
    private boolean atBoot;

    private void tablesFromBuddy(BootContext ctx, Memmap mm, CallStack stack) {
        for (NodeInfo n : ctx.model().nodes()) {
            if (n.presentPages() == 0) continue;
            long end = n.startPfn() + n.spannedPages();
            for (long pfn = n.startPfn(); pfn < end; pfn = Mm.alignUp(pfn + 1, Mm.PAGES_PER_SECTION)) {
                if (!mm.valid(pfn)) {
                    long next = mm.nextValidPfn(pfn); // over a hole by present sections
                    if (next < 0) break;
                    pfn = next - 1;
                    continue;
                }
                // pfn_to_nid(): reads page->flags, so the struct page must be initialised
                int nid = PageFlags.nid(mm.flags(pfn));
                if (nid != n.nid()) continue;
                tableFromBuddy(Mm.sectionOf(pfn), nid, stack);
            }
        }
    }

    // ----------------------------------------------------------------------------- building blocks

    /** init_section_page_ext from the buddy: alloc_pages_exact_nid, falling back to vzalloc_node. */
    synchronized PageExtTable tableFromBuddy(long sectionNr, int nid, CallStack stack) {
        PageExtTable existing = tableOfSection(sectionNr);
        if (existing != null) return existing;
        long bytes = (long) entrySize * Mm.PAGES_PER_SECTION;
        long pages = (bytes + Mm.PAGE_SIZE - 1) / Mm.PAGE_SIZE;
        int order = 64 - Long.numberOfLeadingZeros(pages - 1);
        long pfn = -1;
        if (order <= Mm.MAX_PAGE_ORDER) pfn = model.alloc(order, GFP, nid, stack);
        if (pfn >= 0) {
            // make_alloc_exact: split the block and give back the pages beyond the size, each straight to the
            // buddy's tail (6.12: __free_pages_ok(page, 0, FPI_TO_TAIL), not the per-cpu lists)
            model.makeAllocExact(pfn, order, pages, EXACT_FREE);
            // the compact memmap stores a section the tables filled to its end shared with the others like it
            // (page_ext_init at boot: nothing else writes it meanwhile)
            if (atBoot && ((pfn + (1L << order)) & (Mm.PAGES_PER_SECTION - 1)) == 0)
                model.memmap().compactSection(Mm.sectionOf(pfn));
            return install(sectionNr, nid, bytes, "buddy", pfn, nid(pfn));
        }
        // vzalloc_node: page by page
        CallStack vstack = CallStack.symbolized(List.of("get_page_from_freelist", "__alloc_pages_noprof",
                "__vmalloc_area_node", "__vmalloc_node_range_noprof", "vzalloc_node_noprof", "init_section_page_ext",
                "page_ext_init"), List.of());
        long first = -1;
        for (long i = 0; i < pages; i++) {
            long p = model.alloc(0, GFP, nid, vstack);
            if (p < 0) throw new IllegalStateException("page_ext: Out of memory (section " + sectionNr + ", node " + nid + ")");
            if (first < 0) first = p;
        }
        return install(sectionNr, nid, bytes, "vmalloc", first, nid(first));
    }

    /** A table from memblock (before the buddy exists): memblock_alloc_try_nid, panics when it fails. */
    synchronized PageExtTable tableFromMemblock(BootContext ctx, long sectionNr, int nid) {
        PageExtTable existing = tableOfSection(sectionNr);
        if (existing != null) return existing;
        long bytes = (long) entrySize * Mm.PAGES_PER_SECTION;
        Memblock mb = ctx.memblock();
        long pa = mb.caller("alloc_page_ext_early+0x2d/0x60").allocTryNid(bytes, Mm.PAGE_SIZE, 0, Memblock.ALLOC_ACCESSIBLE, nid);
        if (pa == 0) throw new IllegalStateException("page_ext: Failed to allocate " + bytes + " bytes for section "
                + sectionNr + " on node " + nid + " from memblock");
        return install(sectionNr, nid, bytes, "memblock", pa, mb.searchPfnNid(Mm.pfnDown(pa)));
    }

    /** make_alloc_exact's frees of the pages beyond the table. */
    private static final CallStack EXACT_FREE = CallStack.symbolized(List.of("__free_pages_ok",
            "make_alloc_exact", "alloc_pages_exact_nid_noprof", "init_section_page_ext"), List.of());

    private int nid(long pfn) {
        return PageFlags.nid(model.memmap().flags(pfn));
    }

    private PageExtTable install(long sectionNr, int nid, long bytes, String source, long where, int tableNid) {
        PageExtTable t = new PageExtTable(sectionNr, entrySize, allPresent);
        PageExtTable[][] cur = tables;
        int hi = (int) (sectionNr >>> LEAF_SHIFT);
        if (hi >= cur.length) cur = java.util.Arrays.copyOf(cur, hi + 1);
        if (cur[hi] == null) cur[hi] = new PageExtTable[1 << LEAF_SHIFT];
        cur[hi][(int) (sectionNr & ((1 << LEAF_SHIFT) - 1))] = t;
        tables = cur;
        sections.add(new Section(sectionNr, nid, bytes, source, where, tableNid));
        allocatedBytes += bytes;
        // alloc_page_ext / alloc_node_page_ext: the table's pages are page metadata in /proc/vmstat
        model.memmapPagesAdd((bytes + Mm.PAGE_SIZE - 1) / Mm.PAGE_SIZE, source.equals("memblock"));
        return t;
    }

    PageExtTable tableOfSection(long nr) {
        PageExtTable[][] t = tables;
        long hi = nr >>> LEAF_SHIFT;
        if (nr < 0 || hi >= t.length) return null;
        PageExtTable[] leaf = t[(int) hi];
        return leaf == null ? null : leaf[(int) (nr & ((1 << LEAF_SHIFT) - 1))];
    }

    private static final int LEAF_SHIFT = 12;

    /** init-on-touch: ranges initialised before the tables existed (kept per boot, here, not in the variant). */
    private final List<long[]> pending = new ArrayList<>();
    private volatile boolean pendingApplied;

    /** init-on-touch: struct pages [s, e) were initialised; queue them until the tables exist. */
    void touch(long s, long e) {
        if (!pendingApplied) {
            synchronized (pending) {
                if (!pendingApplied) {
                    pending.add(new long[] {s, e});
                    return;
                }
            }
        }
        markPresent(s, e);
    }

    /** init-on-touch: the tables exist; apply the queued ranges. */
    void applyPending() {
        synchronized (pending) {
            for (long[] q : pending) markPresent(q[0], q[1]);
            pending.clear();
            pendingApplied = true;
        }
    }

    /** init-on-touch: entries of [s, e) become valid. */
    void markPresent(long s, long e) {
        long pfn = s;
        while (pfn < e) {
            long secEnd = Math.min(e, Mm.alignUp(pfn + 1, Mm.PAGES_PER_SECTION));
            PageExtTable t = table(pfn);
            if (t != null) t.initEntries(pfn, secEnd);
            pfn = secEnd;
        }
    }

    void printAllocated(BootContext ctx) {
        ctx.log(String.format(Locale.ROOT, "allocated %d bytes of page_ext", allocatedBytes));
    }

    void recordTiming(BootContext ctx, String step, long t0, long bytes) {
        double measured = (System.nanoTime() - t0) / 1e6;
        // modelled: the tables are zeroed (written once) at the node's memory bandwidth (bytes / (GB/s) = ns)
        double modelled = bytes / ctx.machine().timing("mem_bw_gbps", 40.0) / 1e6;
        ctx.recordTiming(step, measured, modelled);
    }

    /** invoke_init_callbacks. */
    void invokeInit(BootContext ctx, BootPhase phase, List<String> callers) {
        ready = true;
        PageExtInitContext ic = new PageExtInitContext(ctx, phase, variant, ctx.model().currentTask(), callers);
        for (PageExtClient c : needing) {
            int off = -1;
            for (Client l : layout) if (l.name().equals(c.name())) off = l.offset();
            c.init(this, off, ic);
        }
    }

    boolean laidOut() { synchronized (this) { return laidOut; } }
}
