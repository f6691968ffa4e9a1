package mm.pageowner.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import mm.core.api.CallStack;
import mm.core.api.Gfp;
import mm.core.api.Memmap;
import mm.core.api.MigrateType;
import mm.core.api.MemoryModel;
import mm.core.api.Mm;
import mm.core.api.NodeInfo;
import mm.core.api.PageFlags;
import mm.core.api.Task;
import mm.core.api.ZoneInfo;
import mm.core.api.ZoneType;
import mm.core.hook.BootContext;
import mm.core.hook.MixedBlockCounter;
import mm.core.hook.PageAllocHook;
import mm.core.hook.PageMigrateHook;
import mm.core.hook.PageSplitHook;
import mm.machine.api.Machine;
import mm.pageext.api.PageExt;
import mm.pageext.api.PageExtClient;
import mm.pageext.api.PageExtInitContext;
import mm.pageext.api.PageExtTable;
import mm.pageowner.api.EarlyCount;
import mm.pageowner.api.PageOwner;
import mm.pageowner.api.PageOwnerRecord;
import mm.shell.api.Report;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * page_owner (mm/page_owner.c of Linux 6.12): a page_ext client with a 64-byte record per page
 * (struct page_owner) plus the OWNER / OWNER_ALLOCATED bits of the shared flags word; the post-alloc and pre-free
 * hooks; split and migration; the init scan that marks pages allocated before page_owner started; the debugfs
 * text. Records live in the page_ext tables (primitive bytes), stacks in a depot (a handle per distinct stack).
 * <p>Record layout inside the client's area (offsets in bytes; the fields written on allocation are contiguous so
 * the tail pages of a block are a copy of the head's):
 * order s16 @0, last_migrate_reason s16 @2, gfp_mask u32 @4, ts_nsec u64 @8, comm[16] @16, handle u32 @32,
 * pid @36, tgid @40 | free_handle u32 @44, free_ts_nsec u64 @48, free_pid @56, free_tgid @60.
 */
@Component(service = {PageOwner.class, PageExtClient.class, PageAllocHook.class, PageMigrateHook.class,
        PageSplitHook.class, MixedBlockCounter.class}, immediate = true)
public final class PageOwnerImpl implements PageOwner, PageExtClient, PageAllocHook, PageMigrateHook, PageSplitHook,
        MixedBlockCounter {
    static final int ORDER = 0, REASON = 2, GFP = 4, TS = 8, COMM = 16, HANDLE = 32, PID = 36, TGID = 40,
            FREE_HANDLE = 44, FREE_TS = 48, FREE_PID = 56, FREE_TGID = 60;
    /** Bytes written on every allocation: order .. tgid. */
    static final int ALLOC_LEN = 44;
    /** Bytes written on every free: free_handle .. free_tgid. */
    static final int FREE_LEN = RECORD_SIZE - FREE_HANDLE;
    static final long OWNER = 1L << PageExt.PAGE_EXT_OWNER, ALLOCATED = 1L << PageExt.PAGE_EXT_OWNER_ALLOCATED;
    static final int TASK_COMM_LEN = 16;
    /** migrate_reason_names[] (MR_COMPACTION ... MR_DEMOTION). */
    static final String[] MIGRATE_REASONS = {"compaction", "memory_failure", "memory_hotplug", "syscall_or_cpuset",
        "mempolicy_mbind", "numa_misplaced", "contig_range", "longterm_pin", "demotion"};
    /** The reason recorded by {@link #onMigrate}: mmkit's migrations come from memory hot-remove (offline_pages). */
    static final int MR_MEMORY_HOTPLUG = 2;

    private final PageExt ext;
    private final MemoryModel model;
    private volatile boolean enabled;
    private volatile int off;
    private volatile StackDepot depot = new StackDepot();
    private volatile int dummyHandle, failureHandle, earlyHandle;
    private volatile List<EarlyCount> counts = List.of();
    /** The last task seen, its comm[16] and the same bytes as two little-endian longs (two stores per record). */
    private volatile Object[] lastComm = {null, null, null};

    @Activate
    public PageOwnerImpl(@Reference PageExt ext, @Reference MemoryModel model) {
        this.ext = ext;
        this.model = model;
    }

    // ------------------------------------------------------------------------------------ page_ext client

    @Override public String name() { return "page_owner"; }

    /** need_page_owner: page_owner=on, in a kernel built with CONFIG_PAGE_OWNER (else the word is unknown). */
    @Override public boolean need(Machine machine) { return machine.config().pageOwner() && machine.options().pageOwner(); }

    @Override public int size() { return RECORD_SIZE; }

    @Override public int rank() { return 0; }

    @Override public void reset() {
        enabled = false;
        depot = new StackDepot();
        counts = List.of();
        dummyHandle = failureHandle = earlyHandle = 0;
    }

    /** init_page_owner: the dummy, failure and early stacks, the static key, then the early scan. */
    @Override public void init(PageExt e, int offset, PageExtInitContext ctx) {
        this.off = offset;
        List<String> above = new ArrayList<>();
        above.add("page_ext_init");
        above.addAll(ctx.callers());
        StackDepot d = depot;
        dummyHandle = d.save(CallStack.symbolized(List.of("register_dummy_stack", "init_page_owner"), above));
        failureHandle = d.save(CallStack.symbolized(List.of("register_failure_stack", "init_page_owner"), above));
        earlyHandle = d.save(CallStack.symbolized(List.of("register_early_stack", "init_page_owner"), above));
        enabled = true;
        initEarlyAllocatedPages(e, ctx);
    }

    /** init_early_allocated_pages: every populated zone of every node, in order. */
    private void initEarlyAllocatedPages(PageExt e, PageExtInitContext ctx) {
        BootContext boot = ctx.boot();
        long t0 = System.nanoTime();
        long scanned = 0;
        List<EarlyCount> out = new ArrayList<>();
        for (NodeInfo n : model.nodes()) {
            for (ZoneType z : ZoneType.VALUES) {
                ZoneInfo zi = model.zone(n.nid(), z);
                if (!zi.populated()) continue;
                long count = initPagesInZone(e, zi, ctx.task(), boot.clockNanos());
                scanned += zi.spannedPages();
                out.add(new EarlyCount(n.nid(), z, count));
                boot.log(String.format(Locale.ROOT, "Node %d, zone %8s: page owner found early allocated %d pages",
                        n.nid(), z.kernelName(), count));
            }
        }
        counts = List.copyOf(out);
        double modelledNs = scanned * boot.machine().timing("page_owner_scan_ns_per_page", 3.0);
        boot.recordTiming("page_owner init (early scan)", (System.nanoTime() - t0) / 1e6, modelledNs / 1e6);
        boot.advanceClock((long) modelledNs);
    }

    /**
     * init_pages_in_zone: walk the zone pageblock by pageblock (invalid MAX_PAGE_ORDER blocks skipped), skip pages of
     * other zones, free buddy blocks (by their order), PG_reserved pages and pages that already have a record; mark
     * the rest with the early handle. The struct page is read through {@link Memmap#flags}, so reading an
     * uninitialised one throws; pages page_ext does not cover (init-on-touch: not initialised yet) are skipped
     * before their struct page is read. A section the memmap stores uniformly free (all buddy) or uniformly reserved
     * (all PG_reserved) has nothing to mark and is passed over as a whole; consecutive pages to mark are written as
     * one run ({@link PageExtTable#fill}: whole chunks share one array).
     */
    private long initPagesInZone(PageExt e, ZoneInfo zi, Task task, long ts) {
        Memmap mm = model.memmap();
        byte[] record = earlyRecord(task, ts);
        int zoneIdx = zi.zone().ordinal(), nid = zi.nid(), o = off;
        long count = 0;
        long pfn = zi.zoneStartPfn(), end = zi.endPfn();
        PageExtTable t = null;          // the table of the current section (lookup_page_ext of a page of it)
        long tSection = -1;
        long runStart = -1, runEnd = -1; // pages of t to mark, not yet written
        long noOwnerUntil = -1;         // entries of t up to here are known to be without PAGE_EXT_OWNER
        while (pfn < end) {
            if (!mm.valid(pfn)) {
                long next = mm.nextValidPfn(pfn); // over a hole by present sections
                pfn = next < 0 ? end : next;
                continue;
            }
            long section = pfn >>> Mm.PFN_SECTION_SHIFT;
            if (section != tSection) {
                if (runStart >= 0) { markEarly(t, runStart, runEnd, o, record); runStart = -1; }
                tSection = section;
                t = null;
                noOwnerUntil = -1;
                if (mm.uniformlyFree(pfn) || mm.uniformlyReserved(pfn)) {
                    pfn = Math.min(end, (section + 1) << Mm.PFN_SECTION_SHIFT);
                    continue;
                }
            }
            long blockEnd = Math.min(Mm.alignUp(pfn + 1, Mm.PAGEBLOCK_NR_PAGES), end);
            for (; pfn < blockEnd; pfn++) {
                if (t == null ? (t = e.lookup(pfn)) == null : !t.present(pfn)) {
                    // no entry here: nor on the entries alike after it (init-on-touch: not initialised yet)
                    if (runStart >= 0) { markEarly(t, runStart, runEnd, o, record); runStart = -1; }
                    PageExtTable any = t != null ? t : e.table(pfn);
                    long past = any == null ? (section + 1) << Mm.PFN_SECTION_SHIFT : any.sameUntil(pfn);
                    pfn = Math.min(past, end) - 1;
                    continue;
                }
                long f = mm.flags(pfn);
                boolean mark = false;
                if (PageFlags.zoneIdx(f) == zoneIdx && PageFlags.nid(f) == nid) {
                    if ((f & PageFlags.TYPE_BUDDY) != 0) {
                        long order = mm.privateField(pfn);
                        if (order > 0 && order <= Mm.MAX_PAGE_ORDER) pfn += (1L << order) - 1;
                    } else if ((f & PageFlags.bit(PageFlags.PG_reserved)) == 0) {
                        if (pfn < noOwnerUntil) {
                            mark = true;
                        } else {
                            mark = !t.testFlag(t.entry(pfn), PageExt.PAGE_EXT_OWNER);
                            // entries alike up to sameUntil (runs marked so far lie behind pfn)
                            if (mark) noOwnerUntil = t.sameUntil(pfn);
                        }
                    }
                }
                if (mark) {
                    if (runStart < 0) runStart = pfn;
                    runEnd = pfn + 1;
                    count++;
                } else if (runStart >= 0) {
                    markEarly(t, runStart, runEnd, o, record);
                    runStart = -1;
                }
            }
        }
        if (runStart >= 0) markEarly(t, runStart, runEnd, o, record);
        return count;
    }

    // ------------------------------------------------------------------------------ pagetypeinfo's mixed blocks

    /**
     * pagetypeinfo_showmixedcount_print: walk the zone pageblock by pageblock (a hole without a memmap skipped whole);
     * within a block skip pages of other zones, free buddy blocks (by their order) and PG_reserved pages; the first
     * page whose allocated record's gfp_migratetype differs from the block's migratetype counts the block (under the
     * block's type) and ends its walk; an allocated block is stepped over by its recorded order. Sections stored
     * uniformly free or uniformly reserved hold no allocated page and are skipped whole.
     */
    @Override public long[] mixedBlocks(int nid, ZoneType zone) {
        long[] count = new long[MigrateType.VALUES.length];
        if (!enabled) return count;
        ZoneInfo zi = model.zone(nid, zone);
        Memmap mm = model.memmap();
        int zoneIdx = zone.ordinal(), o = off;
        long pfn = zi.zoneStartPfn(), end = zi.endPfn();
        while (pfn < end) {
            if (!mm.valid(pfn)) {
                long next = mm.nextValidPfn(pfn);
                pfn = next < 0 ? end : next;
                continue;
            }
            if (mm.uniformlyFree(pfn) || mm.uniformlyReserved(pfn)) {
                pfn = Mm.alignUp(pfn + 1, Mm.PAGES_PER_SECTION);
                continue;
            }
            long blockEnd = Math.min(Mm.alignUp(pfn + 1, Mm.PAGEBLOCK_NR_PAGES), end);
            int blockMt = model.page(pfn).pageblockMt().ordinal();
            for (; pfn < blockEnd; pfn++) {
                if (!mm.initialised(pfn)) continue;
                long f = mm.flags(pfn);
                if (PageFlags.zoneIdx(f) != zoneIdx || PageFlags.nid(f) != nid) continue;
                if ((f & PageFlags.TYPE_BUDDY) != 0) {
                    long order = mm.privateField(pfn);
                    if (order <= Mm.MAX_PAGE_ORDER) pfn += (1L << order) - 1;
                    continue;
                }
                if ((f & PageFlags.bit(PageFlags.PG_reserved)) != 0) continue;
                PageExtTable t = ext.lookup(pfn);
                if (t == null) continue;
                int en = t.entry(pfn);
                if (!t.testFlag(en, PageExt.PAGE_EXT_OWNER_ALLOCATED)) continue;
                int pageMt = Gfp.migratetype(t.getInt(en + o + GFP)).ordinal();
                if (pageMt != blockMt) {
                    count[blockMt]++;
                    pfn = blockEnd;
                    break;
                }
                pfn += (1L << t.getShort(en + o + ORDER)) - 1;
            }
        }
        return count;
    }

    /** The allocation bytes of an early record: order 0, no migration, gfp 0, ts, comm, early handle, pid, tgid. */
    private byte[] earlyRecord(Task task, long ts) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(ALLOC_LEN).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putShort(ORDER, (short) 0).putShort(REASON, (short) -1).putInt(GFP, 0).putLong(TS, ts);
        b.put(COMM, comm(task)).putInt(HANDLE, earlyHandle).putInt(PID, task.pid()).putInt(TGID, task.tgid());
        return b.array();
    }

    /** The early handle on pages [from, to) of one table, with OWNER and OWNER_ALLOCATED. */
    private static void markEarly(PageExtTable t, long from, long to, int o, byte[] record) {
        t.fill(from, to, o, record, OWNER | ALLOCATED);
    }

    // ------------------------------------------------------------------------------------------ hooks

    /** __set_page_owner: the same record on every page of the block (tails copy the head's bytes). */
    @Override public void postAlloc(long pfn, int order, int gfp, CallStack stack, Task task, long tsNanos) {
        if (!enabled) return;
        PageExtTable t = ext.lookup(pfn);
        if (t == null) return;
        int handle = stack == null ? dummyHandle : depot.save(stack);
        int o = off;
        int e = t.entry(pfn), a = e + o;
        byte[] w = t.writable(e);   // the entry's chunk, resolved once for its fields
        // adjacent little-endian fields go together: order + last_migrate_reason (-1) + gfp, handle + pid
        PageExtTable.putLong(w, a + ORDER, (order & 0xffffL) | 0xffffL << 16 | (gfp & 0xffffffffL) << 32);
        PageExtTable.putLong(w, a + TS, tsNanos);
        long[] comm = commWords(task);
        PageExtTable.putLong(w, a + COMM, comm[0]);
        PageExtTable.putLong(w, a + COMM + 8, comm[1]);
        PageExtTable.putLong(w, a + HANDLE, (handle & 0xffffffffL) | (long) task.pid() << 32);
        PageExtTable.putInt(w, a + TGID, task.tgid());
        PageExtTable.putLong(w, e, PageExtTable.getLong(w, e) | OWNER | ALLOCATED);
        for (long p = pfn + 1, last = pfn + (1L << order); p < last; p++) {
            if (!t.present(p)) continue;
            int ep = t.entry(p);
            t.copyWithin(a, ep + o, ALLOC_LEN);
            t.setFlags(ep, OWNER | ALLOCATED);
        }
    }

    /** __reset_page_owner: keep the record, mark it freed, note who freed it and when. */
    @Override public void preFree(long pfn, int order, CallStack stack, Task task, long tsNanos) {
        if (!enabled) return;
        PageExtTable t = ext.lookup(pfn);
        if (t == null) return;
        int handle = stack == null ? dummyHandle : depot.save(stack);
        int o = off;
        int e = t.entry(pfn), a = e + o;
        byte[] w = t.writable(e);   // the entry's chunk, resolved once for its fields
        PageExtTable.putLong(w, e, PageExtTable.getLong(w, e) & ~ALLOCATED);
        PageExtTable.putInt(w, a + FREE_HANDLE, handle);
        PageExtTable.putLong(w, a + FREE_TS, tsNanos);
        PageExtTable.putLong(w, a + FREE_PID, (task.pid() & 0xffffffffL) | (long) task.tgid() << 32);
        for (long p = pfn + 1, last = pfn + (1L << order); p < last; p++) {
            if (!t.present(p)) continue;
            int ep = t.entry(p);
            t.clearFlags(ep, ALLOCATED);
            t.copyWithin(a + FREE_HANDLE, ep + o + FREE_HANDLE, FREE_LEN);
        }
    }

    /** split_page_owner: every page of the block becomes an order-0 allocation with the same owner. */
    @Override public void onSplit(long pfn, int order) {
        if (!enabled) return;
        PageExtTable t = ext.lookup(pfn);
        if (t == null) return;
        for (long p = pfn, last = pfn + (1L << order); p < last; p++) {
            if (t.present(p)) t.putShort(t.entry(p) + off + ORDER, (short) 0);
        }
    }

    /** __folio_copy_owner: the new pages get the old pages' allocation record. */
    @Override public void onMigrate(long oldPfn, long newPfn, int order) {
        if (!enabled) return;
        int o = off;
        for (long i = 0; i < (1L << order); i++) {
            PageExtTable src = ext.lookup(oldPfn + i), dst = ext.lookup(newPfn + i);
            if (src == null || dst == null) continue;
            int se = src.entry(oldPfn + i), de = dst.entry(newPfn + i);
            PageExtTable.copy(src, se + o, dst, de + o, RECORD_SIZE);
            dst.putShort(de + o + REASON, (short) MR_MEMORY_HOTPLUG);
            dst.clearFlags(de, OWNER | ALLOCATED);
            dst.setFlags(de, src.flags(se) & (OWNER | ALLOCATED));
        }
    }

    private long[] commWords(Task task) { return (long[]) commEntry(task)[2]; }

    private byte[] comm(Task task) { return (byte[]) commEntry(task)[1]; }

    /** {task, comm[16], comm as two longs} for the task, cached for the last one. */
    private Object[] commEntry(Task task) {
        Object[] c = lastComm;
        if (c[0] == task) return c;
        byte[] b = new byte[TASK_COMM_LEN];
        byte[] s = task.comm().getBytes(StandardCharsets.UTF_8);
        System.arraycopy(s, 0, b, 0, Math.min(s.length, TASK_COMM_LEN - 1));
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        c = new Object[] {task, b, new long[] {bb.getLong(0), bb.getLong(8)}};
        lastComm = c;
        return c;
    }

    // ------------------------------------------------------------------------------------------ queries

    @Override public boolean enabled() { return enabled; }

    @Override public PageOwnerRecord record(long pfn) {
        if (!enabled) return null;
        PageExtTable t = ext.lookup(pfn);
        if (t == null) return null;
        int e = t.entry(pfn);
        if (!t.testFlag(e, PageExt.PAGE_EXT_OWNER)) return null;
        return read(t, e, pfn);
    }

    private PageOwnerRecord read(PageExtTable t, int e, long pfn) {
        int a = e + off;
        byte[] comm = new byte[TASK_COMM_LEN];
        t.getBytes(a + COMM, comm, TASK_COMM_LEN);
        int len = 0;
        while (len < TASK_COMM_LEN && comm[len] != 0) len++;
        int handle = t.getInt(a + HANDLE), freeHandle = t.getInt(a + FREE_HANDLE);
        StackDepot d = depot;
        return new PageOwnerRecord(pfn, t.getShort(a + ORDER), t.getInt(a + GFP), t.getShort(a + REASON),
                t.testFlag(e, PageExt.PAGE_EXT_OWNER_ALLOCATED), handle != 0 && handle == earlyHandle, handle,
                d.get(handle), t.getLong(a + TS), t.getInt(a + PID), t.getInt(a + TGID),
                new String(comm, 0, len, StandardCharsets.UTF_8), freeHandle, d.get(freeHandle),
                t.getLong(a + FREE_TS), t.getInt(a + FREE_PID), t.getInt(a + FREE_TGID));
    }

    @Override public List<EarlyCount> earlyCounts() { return counts; }

    @Override public CallStack stack(int handle) { return depot.get(handle); }

    @Override public int stackCount() { return depot.size(); }

    /**
     * read_page_owner's walk: from pfn 0 to the end of the memmap, invalid MAX_PAGE_ORDER blocks and free buddy blocks
     * skipped; a record for every page with page_ext, OWNER and OWNER_ALLOCATED, aligned to its order (heads only)
     * and with a stack handle.
     */
    void forEachPrintable(java.util.function.Consumer<PageOwnerRecord> sink) {
        if (!enabled) throw new IllegalStateException("page_owner is disabled (boot with page_owner=on)");
        Memmap mm = model.memmap();
        long max = mm.maxPfn();
        long pfn = 0;
        while (pfn < max) {
            boolean blockStart = (pfn & (Mm.MAX_ORDER_NR_PAGES - 1)) == 0;
            if (blockStart && !mm.valid(pfn)) {
                long next = mm.nextValidPfn(pfn); // over a hole by present sections
                pfn = next < 0 ? max : next;
                continue;
            }
            if (blockStart && mm.uniformlyFree(pfn)) { // every page of the section is in a free buddy block
                pfn = Mm.alignUp(pfn + 1, Mm.PAGES_PER_SECTION);
                continue;
            }
            PageExtTable t = ext.lookup(pfn);
            if (blockStart && t != null) {
                // whole MAX_PAGE_ORDER blocks whose entries are all this one, without a printable record: no buddy
                // block crosses their boundaries, so the walk would come out at the same pfn
                long same = t.sameUntil(pfn);
                long ef = t.flags(t.entry(pfn));
                if (same >= pfn + Mm.MAX_ORDER_NR_PAGES && ((ef & OWNER) == 0 || (ef & ALLOCATED) == 0)) {
                    pfn = same & -Mm.MAX_ORDER_NR_PAGES;
                    continue;
                }
            }
            if (t == null) {
                // no entry here, nor on the entries alike after it (no table: the rest of the section)
                PageExtTable any = ext.table(pfn);
                pfn = any == null ? Mm.alignUp(pfn + 1, Mm.PAGES_PER_SECTION) : any.sameUntil(pfn);
                continue;
            }
            if (!mm.initialised(pfn)) { pfn++; continue; }
            long f = mm.flags(pfn);
            if ((f & PageFlags.TYPE_BUDDY) != 0) {
                long order = mm.privateField(pfn);
                pfn += order <= Mm.MAX_PAGE_ORDER ? 1L << order : 1;
                continue;
            }
            int e = t.entry(pfn);
            long ef = t.flags(e);
            if ((ef & OWNER) == 0 || (ef & ALLOCATED) == 0) { pfn++; continue; }
            int a = e + off;
            int order = t.getShort(a + ORDER);
            if (order < 0 || order > Mm.MAX_PAGE_ORDER || (pfn & ((1L << order) - 1)) != 0 || t.getInt(a + HANDLE) == 0) {
                pfn++;
                continue;
            }
            sink.accept(read(t, e, pfn));
            pfn++;
        }
    }

    @Override public long dump(Appendable out) throws IOException {
        long[] n = {0};
        IOException[] err = {null};
        StringBuilder sb = new StringBuilder(1024);
        forEachPrintable(r -> {
            if (err[0] != null) return;
            sb.setLength(0);
            Format.record(sb, r, model.page(r.pfn()).pageblockMt(), model.memmap().flags(r.pfn()));
            try {
                out.append(sb);
            } catch (IOException x) {
                err[0] = x;
            }
            n[0]++;
        });
        if (err[0] != null) throw err[0];
        return n[0];
    }

    @Override public Report summary(String by) {
        String key = by == null ? "stack" : by.toLowerCase(Locale.ROOT);
        if (!List.of("stack", "caller", "order", "pid").contains(key))
            throw new IllegalArgumentException("unknown --by '" + by + "' (expected stack, caller, order or pid)");
        Map<Object, long[]> groups = new LinkedHashMap<>();
        Map<Object, PageOwnerRecord> sample = new LinkedHashMap<>();
        forEachPrintable(r -> {
            Object k = switch (key) {
                case "stack" -> r.handle();
                case "caller" -> Format.caller(r.stack());
                case "order" -> r.order();
                default -> List.of(r.pid(), r.tgid(), r.comm());
            };
            long[] g = groups.computeIfAbsent(k, x -> new long[2]);
            g[0]++;
            g[1] += 1L << r.order();
            sample.putIfAbsent(k, r);
        });
        return Format.summary(key, groups, sample);
    }

    @Override public Report early() {
        List<EarlyCount> c = counts;
        StringBuilder sb = new StringBuilder();
        List<Map<String, Object>> rows = new ArrayList<>();
        if (!enabled) sb.append("page_owner is disabled\n");
        for (EarlyCount x : c) {
            sb.append(String.format(Locale.ROOT, "Node %d, zone %8s: page owner found early allocated %d pages\n",
                    x.nid(), x.zone().kernelName(), x.pages()));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("node", x.nid());
            m.put("zone", x.zone().kernelName());
            m.put("pages", x.pages());
            rows.add(m);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("enabled", enabled);
        data.put("variant", ext.variant());
        data.put("zones", rows);
        return Report.of("pageowner-early", sb.toString(), data);
    }

    /** Bytes of the gfp mask's migratetype name, for the dump's first "type". */
    static String gfpType(int gfp) { return Gfp.migratetype(gfp).kernelName(); }
}
