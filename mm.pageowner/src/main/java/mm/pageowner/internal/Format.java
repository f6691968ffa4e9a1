package mm.pageowner.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import mm.core.api.CallStack;
import mm.core.api.Gfp;
import mm.core.api.MigrateType;
import mm.core.api.Mm;
import mm.core.api.PageFlags;
import mm.pageowner.api.PageOwnerRecord;
import mm.shell.api.Report;

/** The page_owner text formats of Linux 6.12: the debugfs record, %pGg, %pGp, and the page_owner_sort view. */
final class Format {
    private Format() {}

    /** LAST_CPUPID of a page no CPU has touched (-1 in 21 bits: 8 PID bits + 13 CPU bits for NR_CPUS 8192). */
    static final long LAST_CPUPID = 0x1fffffL;
    /** page->flags layout of the reference kernel (x86_64, NODES_SHIFT 10, 5 zones, no KASAN tags). */
    static final int LAST_CPUPID_PGSHIFT = 30, ZONES_PGSHIFT = 51, NODES_PGSHIFT = 54;
    static final int NR_PG_BITS = 22;

    /**
     * One debugfs block:
     * <pre>
     * Page allocated via order %u, mask %#x(%pGg), pid %d, tgid %d (%s), ts %llu ns
     * PFN 0x%lx type %s Block %lu type %s Flags %#lx(%pGp)
     *  frame (one per line, one leading space)
     * [Page has been migrated, last migrate reason: %s]
     * (blank line)
     * </pre>
     */
    static void record(StringBuilder sb, PageOwnerRecord r, MigrateType blockMt, long pageFlags) {
        sb.append("Page allocated via order ").append(r.order()).append(", mask ").append(gfp(r.gfp()))
                .append(", pid ").append(r.pid()).append(", tgid ").append(r.tgid()).append(" (").append(r.comm())
                .append("), ts ").append(r.tsNanos()).append(" ns\n");
        sb.append("PFN 0x").append(Long.toHexString(r.pfn())).append(" type ").append(PageOwnerImpl.gfpType(r.gfp()))
                .append(" Block ").append(r.pfn() >>> Mm.PAGEBLOCK_ORDER).append(" type ")
                .append(blockMt == null ? "Unmovable" : blockMt.kernelName()).append(" Flags ").append(pageFlags(pageFlags))
                .append('\n');
        if (r.stack() != null) for (String f : r.stack().frames()) sb.append(' ').append(f).append('\n');
        if (r.migrateReason() >= 0 && r.migrateReason() < PageOwnerImpl.MIGRATE_REASONS.length)
            sb.append("Page has been migrated, last migrate reason: ")
                    .append(PageOwnerImpl.MIGRATE_REASONS[r.migrateReason()]).append('\n');
        sb.append('\n');
    }

    /** {@code %#x(%pGg)}: {@code 0xcc0(GFP_KERNEL)}, and {@code 0x0()} for a zero mask. */
    static String gfp(int mask) {
        return mask == 0 ? "0x0()" : Gfp.format(mask);
    }

    /** {@code %#lx(%pGp)} with the reference kernel's flags word: {@code 0x7ffffc0000000(node=0|zone=0|lastcpupid=0x1fffff)}. */
    static String pageFlags(long f) {
        long pg = f & ((1L << NR_PG_BITS) - 1);
        int zone = PageFlags.zoneIdx(f), nid = PageFlags.nid(f);
        long word = pg | (LAST_CPUPID << LAST_CPUPID_PGSHIFT) | ((long) zone << ZONES_PGSHIFT) | ((long) nid << NODES_PGSHIFT);
        StringBuilder sb = new StringBuilder("0x").append(Long.toHexString(word)).append('(');
        for (int i = 0; i < NR_PG_BITS && i < PageFlags.NAMES.length; i++) {
            if ((pg & (1L << i)) != 0) sb.append(PageFlags.NAMES[i]).append('|');
        }
        sb.append("node=").append(nid).append("|zone=").append(zone).append("|lastcpupid=0x")
                .append(Long.toHexString(LAST_CPUPID)).append(')');
        return sb.toString();
    }

    /** Frames that are the page allocator itself, not its caller. */
    static final Set<String> PLUMBING = Set.of("get_page_from_freelist", "__alloc_pages_noprof", "__alloc_pages",
            "alloc_pages_mpol_noprof", "alloc_pages_mpol", "alloc_pages_noprof", "alloc_pages", "__get_free_pages_noprof",
            "__get_free_pages", "get_zeroed_page_noprof", "allocate_slab", "___slab_alloc", "__slab_alloc.constprop.0",
            "__slab_alloc", "alloc_slab_page", "new_slab", "__folio_alloc_noprof", "folio_alloc_noprof",
            "alloc_pages_exact_nid_noprof", "alloc_pages_exact_noprof", "__alloc_pages_bulk", "prep_new_page",
            "post_alloc_hook", "__alloc_pages_slowpath.constprop.0", "__alloc_pages_node_noprof");

    /** The innermost frame that is not allocator plumbing (the call site that wanted the memory). */
    static String caller(CallStack s) {
        if (s == null) return "?";
        for (String f : s.frames()) {
            if (!PLUMBING.contains(CallStack.functionName(f))) return CallStack.functionName(f);
        }
        return s.frames().isEmpty() ? "?" : CallStack.functionName(s.frames().get(0));
    }

    /** page_owner_sort's allocator classes: SLAB, VMALLOC, CMA or OTHERS, from the stack. */
    static String allocator(CallStack s, int gfp) {
        if (s == null) return "OTHERS";
        for (String f : s.frames()) {
            String n = CallStack.functionName(f);
            if (n.contains("cma_alloc")) return "CMA";
            if (n.contains("slab_alloc") || n.equals("allocate_slab")) return "SLAB";
            if (n.contains("vmalloc")) return "VMALLOC";
        }
        return "OTHERS";
    }

    static Report summary(String by, Map<Object, long[]> groups, Map<Object, PageOwnerRecord> sample) {
        List<Map.Entry<Object, long[]>> rows = new ArrayList<>(groups.entrySet());
        rows.sort((a, b) -> a.getValue()[0] != b.getValue()[0] ? Long.compare(b.getValue()[0], a.getValue()[0])
                : Long.compare(b.getValue()[1], a.getValue()[1]));
        StringBuilder sb = new StringBuilder();
        List<Map<String, Object>> data = new ArrayList<>();
        long times = 0, pages = 0;
        for (Map.Entry<Object, long[]> e : rows) {
            PageOwnerRecord r = sample.get(e.getKey());
            long n = e.getValue()[0], p = e.getValue()[1];
            times += n;
            pages += p;
            sb.append(n).append(" times, ").append(p).append(" pages, ");
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("times", n);
            m.put("pages", p);
            switch (by) {
                case "stack" -> {
                    String alloc = allocator(r.stack(), r.gfp());
                    sb.append("allocated by ").append(alloc).append(":\n");
                    if (r.stack() != null) for (String f : r.stack().frames()) sb.append(' ').append(f).append('\n');
                    sb.append('\n');
                    m.put("handle", r.handle());
                    m.put("allocator", alloc);
                    m.put("stack", r.stack() == null ? List.of() : r.stack().frames());
                }
                case "caller" -> {
                    sb.append("caller ").append(e.getKey()).append('\n');
                    m.put("caller", e.getKey());
                }
                case "order" -> {
                    sb.append("order ").append(e.getKey()).append('\n');
                    m.put("order", e.getKey());
                }
                default -> {
                    sb.append(String.format(Locale.ROOT, "PID %d, TGID %d, task_comm_name: %s%n", r.pid(), r.tgid(),
                            r.comm()).replace(System.lineSeparator(), "\n"));
                    m.put("pid", r.pid());
                    m.put("tgid", r.tgid());
                    m.put("comm", r.comm());
                }
            }
            data.add(m);
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("by", by);
        d.put("records", times);
        d.put("pages", pages);
        d.put("groups", data);
        return Report.of("pageowner-summary", sb.toString(), d);
    }
}
