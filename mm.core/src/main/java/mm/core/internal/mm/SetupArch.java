package mm.core.internal.mm;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import mm.core.api.Memblock;
import mm.core.api.Mm;
import mm.core.internal.memblock.MemblockImpl;
import mm.machine.api.BootOptions;
import mm.machine.api.E820Range;
import mm.machine.api.E820Type;
import mm.machine.api.HotplugRange;
import mm.machine.api.Machine;
import mm.machine.api.MemblockOp;
import mm.machine.api.NumaNode;
import mm.machine.api.Reservation;
import mm.machine.api.Sizes;

/**
 * setup_arch's memory part (arch/x86/kernel/setup.c): the e820 map into memblock (e820__memblock_setup), the early
 * reservations (replayed from a memblock=debug log, or synthesised), initmem_init / numa_init (arch/x86/mm/numa.c),
 * sparse_init (mm/sparse.c), and the per-cpu areas and large system hashes that come from memblock
 * (setup_per_cpu_areas, vfs_caches_init_early).
 */
final class SetupArch {
    static final long SZ_1M = 1L << 20;
    static final long PMD_SIZE = 2 * SZ_1M;
    static final long NODE_DATA_SIZE = 0x2a980;
    static final long SMP_CACHE_BYTES = 64;
    static final long PCPU_UNIT = SZ_1M, PCPU_USED = 0x42000;
    static final long PHYSICAL_START = 0x1000000;

    private final Machine machine;
    private final Memblock mb;
    private final Kernel k;
    private final KernelLog log;
    /** The kernel image's reservation, from its top down: what free_initmem and the gap frees give back. */
    final List<long[]> kernelImageFree = new ArrayList<>();
    /** e820_table after the command line's edits and trim_bios_range (e820__reserve_resources, the nosave regions). */
    private List<E820Range> e820Table = List.of();
    /** Where each node's pglist_data went (sparse_init's usemaps go near it). */
    private final java.util.Map<Integer, Long> nodeData = new java.util.HashMap<>();

    SetupArch(Machine machine, Memblock mb, Kernel k) {
        this.machine = machine;
        this.mb = mb;
        this.k = k;
        this.log = k.log;
    }

    void run() {
        BootOptions o = machine.options();
        mb.reset();
        if (o.memblockDebug()) mb.setDebug(true, log::log);
        log.log("Command line: " + o.cmdline());
        log.log("BIOS-provided physical RAM map:");
        for (E820Range r : machine.e820()) log.log(r.kernelLine());
        List<E820Range> e820 = machine.e820();
        // parse_early_param: mem= and memmap= edit the e820 map in command-line order (parse_memopt,
        // parse_memmap_one), then e820__finish_early_params prints the user-defined map
        boolean userdef = false;
        for (String w : o.words().isEmpty() ? List.of(o.cmdline().split(" +")) : o.words()) {
            String key = BootOptions.keyOf(w);
            if (!key.equals("mem") && !key.equals("memmap") || w.indexOf('=') < 0) continue;
            String value = w.substring(w.indexOf('=') + 1);
            for (String spec : key.equals("mem") ? List.of(value) : List.of(value.split(","))) {
                int sep = -1;
                for (int i = 0; i < spec.length() && key.equals("memmap"); i++)
                    if ("!$#".indexOf(spec.charAt(i)) >= 0) { sep = i; break; }
                long size = Sizes.parse(sep < 0 ? spec : spec.substring(0, sep));
                if (size <= 0) continue; // "mem={invalid}" is ignored (the parser refuses it in machine files)
                userdef = true;
                if (sep < 0) {
                    log.log(String.format(Locale.ROOT, "e820: remove [mem %#010x-%#010x] usable", size, -2L));
                    e820 = cutRamAt(e820, size);
                } else {
                    long at = Sizes.parse(spec.substring(sep + 1));
                    E820Type t = switch (spec.charAt(sep)) {
                        case '!' -> E820Type.PRAM;
                        case '$' -> E820Type.RESERVED;
                        default -> E820Type.ACPI;
                    };
                    List<E820Range> added = new ArrayList<>(e820);
                    added.add(new E820Range(at, at + size, t)); // e820__range_add
                    e820 = updateTable(added);
                }
            }
        }
        if (userdef) {
            log.log("user-defined physical RAM map:");
            for (E820Range r : e820) log.log("user: " + r.kernelLine().substring(r.kernelLine().indexOf('[')));
        }
        // trim_bios_range
        log.log("e820: update [mem 0x00000000-0x00000fff] usable ==> reserved");
        log.log("e820: remove [mem 0x000a0000-0x000fffff] usable");
        e820 = trimBiosRange(e820);
        e820Table = e820;
        long maxPfn = 0;
        for (E820Range r : e820) if (r.type().isRam()) maxPfn = Math.max(maxPfn, Mm.pfnDown(r.end()));
        k.maxPfn = maxPfn;
        log.log(String.format(Locale.ROOT, "last_pfn = %#x max_arch_pfn = %#x", maxPfn, 1L << 40));
        boolean replay = !machine.memblockOps().isEmpty();
        List<MemblockOp> ops = machine.memblockOps();
        int firstDump = -1;
        for (int i = 0; i < ops.size() && firstDump < 0; i++) if (ops.get(i).kind() == MemblockOp.Kind.DUMP) firstDump = i;
        // a log replayed dump by dump: what the kernel reserved before e820__memblock_setup comes first (the lines
        // logged, then the first dump's other regions, made before logging began), so the first dump holds them
        if (firstDump >= 0) replayMemblockOps(ops.subList(0, firstDump));
        else if (!replay) reservedBeforeLogging();
        // e820__memblock_setup
        mb.allowResize();
        for (E820Range r : e820) {
            if (r.type() == E820Type.SOFT_RESERVED) mb.caller("e820__memblock_setup+0x73/0xb0").reserve(r.start(), r.size());
            else if (r.type().isRam()) mb.caller("e820__memblock_setup+0x73/0xb0").add(r.start(), r.size());
        }
        mb.trimMemory(Mm.PAGE_SIZE);
        if (o.memblockDebug()) dump();
        boolean numaDone = false;
        if (replay) numaDone = replayMemblockOps(firstDump < 0 ? ops : ops.subList(firstDump + 1, ops.size()));
        else synthesizeEarlyReservations();
        if (replay && kernelImageFree.isEmpty()) {
            for (Memblock.Region r : mb.reserved()) {
                if (r.base() <= PHYSICAL_START && PHYSICAL_START < r.end()) kernelImageFree.add(new long[] {r.base(), r.end()});
            }
        }
        // init_mem_mapping's alloc_low_pages: the kernel's page tables come from memblock before anything else; with
        // every byte of RAM reserved it stops here
        long freeBytes = 0;
        for (Memblock.Range r : mb.freeRanges(Mm.NUMA_NO_NODE, Memblock.FLAG_NONE, false)) freeBytes += r.end() - r.start();
        if (freeBytes < Mm.PAGE_SIZE) panic("alloc_low_pages: can not alloc memory (every byte of RAM is reserved)");
        // initmem_init: NUMA node ids for memory; hotplug ranges
        if (!numaDone) numaInit(!replay);
        for (HotplugRange h : machine.hotplug()) {
            if (h.presentAtBoot()) mb.markHotplug(h.start(), h.end() - h.start());
        }
        // dma_contiguous_reserve(max_pfn_mapped << PAGE_SHIFT): the cma= area, before the crashkernel
        k.cma = Cma.reserve(mb, log, o, machine.config(), Mm.pfnPhys(k.maxPfn));
        // arch_reserve_crashkernel: after the SRAT, so that it does not take hotpluggable memory
        Crashkernel.reserve(mb, log, o, machine.config());
        // the second memblock_dump_all (after numa_init); a log replayed dump by dump has printed its own
        if (o.memblockDebug() && firstDump < 0) dump();
        sparseInit(!replay);
        if (!replay) {
            setupArchLateAllocations();
            synthesizePercpuAndHashes();
        }
    }

    /** The type numbers of e820 (arch/x86/include/asm/e820/types.h): on an overlap the higher one wins. */
    static long typeValue(E820Type t) {
        return switch (t) {
            case USABLE -> 1;
            case RESERVED -> 2;
            case ACPI -> 3;
            case NVS -> 4;
            case UNUSABLE -> 5;
            case PMEM -> 7;
            case PRAM -> 12;
            case SOFT_RESERVED -> 0xefffffffL;
        };
    }

    /**
     * e820__update_table: overlapping entries resolved (the highest type wins), sorted, neighbours of one type
     * merged, except persistent memory (e820_nomerge), whose entries stay apart.
     */
    static List<E820Range> updateTable(List<E820Range> in) {
        java.util.TreeSet<Long> points = new java.util.TreeSet<>();
        for (E820Range r : in) { points.add(r.start()); points.add(r.end()); }
        List<E820Range> out = new ArrayList<>();
        int lastWinner = -1;
        Long prev = null;
        for (long p : points) {
            if (prev != null) {
                int win = -1;
                for (int i = 0; i < in.size(); i++) {
                    E820Range r = in.get(i);
                    if (r.start() <= prev && r.end() >= p
                            && (win < 0 || typeValue(r.type()) > typeValue(in.get(win).type()))) win = i;
                }
                if (win >= 0) {
                    E820Type t = in.get(win).type();
                    E820Range last = out.isEmpty() ? null : out.get(out.size() - 1);
                    boolean nomerge = t == E820Type.PMEM || t == E820Type.PRAM;
                    if (last != null && last.end() == prev && last.type() == t && (!nomerge || lastWinner == win))
                        out.set(out.size() - 1, new E820Range(last.start(), p, t));
                    else out.add(new E820Range(prev, p, t));
                    lastWinner = win;
                } else lastWinner = -1;
            }
            prev = p;
        }
        return out;
    }

    /** e820__range_remove(limit, ULLONG_MAX - limit, E820_TYPE_RAM): usable ranges end at {@code limit}. */
    static List<E820Range> cutRamAt(List<E820Range> in, long limit) {
        List<E820Range> out = new ArrayList<>();
        for (E820Range r : in) {
            if (!r.type().isRam() || r.end() <= limit) out.add(r);
            else if (r.start() < limit) out.add(new E820Range(r.start(), limit, r.type()));
        }
        return out;
    }

    /** trim_bios_range: page 0 becomes reserved, and the legacy BIOS area 640K..1M is never RAM. */
    static List<E820Range> trimBiosRange(List<E820Range> in) {
        List<E820Range> out = new ArrayList<>();
        for (E820Range r : in) {
            if (!r.type().isRam()) { out.add(r); continue; }
            long s = r.start(), e = r.end();
            List<long[]> pieces = new ArrayList<>();
            pieces.add(new long[] {s, e});
            pieces = subtract(pieces, 0, Mm.PAGE_SIZE);
            pieces = subtract(pieces, 0xa0000, 0x100000);
            for (long[] p : pieces) out.add(new E820Range(p[0], p[1], r.type()));
        }
        return out;
    }

    private static List<long[]> subtract(List<long[]> pieces, long s, long e) {
        List<long[]> out = new ArrayList<>();
        for (long[] p : pieces) {
            if (p[1] <= s || p[0] >= e) { out.add(p); continue; }
            if (p[0] < s) out.add(new long[] {p[0], s});
            if (p[1] > e) out.add(new long[] {e, p[1]});
        }
        return out;
    }

    /** memblock_dump_all with memblock=debug: one log line per line of the dump. */
    private void dump() {
        String d = mb.dumpAll();
        if (d.endsWith("\n")) d = d.substring(0, d.length() - 1);
        log.log(d);
    }

    /**
     * Replays memblock operations from a log, in order: each logs its own memblock=debug line (an allocation its
     * call line and its reservation), except the reserved regions of the first dump, which were made before
     * logging began. Returns whether a NUMA_INIT point ran numa_init.
     */
    private boolean replayMemblockOps(List<MemblockOp> ops) {
        boolean numaDone = false;
        boolean debug = machine.options().memblockDebug();
        for (MemblockOp op : ops) {
            String caller = op.caller() == null || op.caller().isEmpty() ? "setup_arch" : op.caller();
            switch (op.kind()) {
                case RESERVE -> mb.caller(caller).reserve(op.base(), op.size());
                case DUMP_RESERVED -> {
                    if (debug) mb.setDebug(false, null);
                    mb.reserve(op.base(), op.size());
                    if (debug) mb.setDebug(true, log::log);
                }
                case FREE -> mb.caller(caller).physFree(op.base(), op.size());
                case ADD -> mb.caller(caller).add(op.base(), op.size());
                case REMOVE -> mb.caller(caller).remove(op.base(), op.size());
                case ALLOC -> replayAlloc(op, caller);
                case DUMP -> { if (debug) dump(); }
                case NUMA_INIT -> {
                    if (!numaDone) numaInit(false);
                    numaDone = true;
                }
                default -> throw new IllegalStateException("unknown memblock op " + op.kind());
            }
            if (op.kind() == MemblockOp.Kind.RESERVE && op.base() <= PHYSICAL_START && PHYSICAL_START < op.base() + op.size())
                kernelImageFree.add(new long[] {op.base(), op.base() + op.size()});
        }
        return numaDone;
    }

    /**
     * A logged memblock allocation asked again of the emulated memblock, which places it by its own rules (top-down
     * under the limits); should it not find room where the kernel did, the kernel's placement is reserved instead, so
     * that the operations after it (frees of parts of it) still apply.
     */
    private void replayAlloc(MemblockOp op, String caller) {
        Memblock c = mb.caller(caller);
        long pa = switch (op.function()) {
            case "memblock_phys_alloc_range" -> c.physAllocRange(op.size(), op.align(), op.from(), op.max());
            case "memblock_alloc_try_nid_raw" -> c.allocTryNidRaw(op.size(), op.align(), op.from(), op.max(), op.nid());
            case "memblock_alloc_exact_nid_raw" -> c.allocExactNidRaw(op.size(), op.align(), op.from(), op.max(), op.nid());
            default -> c.allocTryNid(op.size(), op.align(), op.from(), op.max(), op.nid());
        };
        if (pa == 0) mb.caller(MemblockImpl.ALLOC_RESERVE_CALLER).reserve(op.base(), op.size());
    }

    /**
     * early_reserve_memory: what x86 reserves before parse_early_param turns memblock=debug on, so no line says so and
     * the first dump already holds it: the first 64 KiB (BIOS), the kernel image, the initrd, and the BIOS regions
     * from the EBDA up to 1 MiB (reserve_bios_regions).
     */
    private void reservedBeforeLogging() {
        boolean debug = machine.options().memblockDebug();
        if (debug) mb.setDebug(false, null);
        mb.reserve(0, 64 << 10);
        for (Reservation r : machine.reservations()) {
            mb.reserve(r.base(), r.size());
            String n = r.name().toLowerCase(Locale.ROOT);
            if (n.contains("kernel")) kernelImageFree.add(new long[] {r.base(), r.end()});
        }
        long bios = SZ_1M;
        for (E820Range r : machine.e820()) {
            if (!r.type().isRam() && r.start() < SZ_1M && r.start() >= 64 << 10) bios = Math.min(bios, r.start());
        }
        bios &= -Mm.PAGE_SIZE;
        if (bios < SZ_1M) mb.reserve(bios, SZ_1M - bios);
        if (debug) mb.setDebug(true, log::log);
        for (Reservation r : machine.reservations()) {
            String n = r.name().toLowerCase(Locale.ROOT);
            if (n.contains("initrd") || n.contains("ramdisk"))
                log.log(String.format(Locale.ROOT, "RAMDISK: [mem %#010x-%#010x]", r.base(), r.end() - 1));
        }
    }

    /**
     * What setup_arch takes from memblock after the first dump when no memblock=debug log is replayed:
     * reserve_real_mode's trampoline below 1 MiB, the first MiB (always reserved on x86 since 5.13), and
     * init_mem_mapping's first page-table buffer, taken at the top of RAM and given back at once.
     */
    private void synthesizeEarlyReservations() {
        mb.caller("reserve_real_mode+0x57/0x90").physAllocRange(28672, Mm.PAGE_SIZE, 0, SZ_1M);
        mb.caller("setup_arch+0x891/0xe70").reserve(0, SZ_1M);
        long top = mb.caller("init_mem_mapping+0x1d5/0x3e0").physAllocRange(PMD_SIZE, PMD_SIZE, SZ_1M,
                k.maxPfn << Mm.PAGE_SHIFT);
        if (top != 0) mb.caller("init_mem_mapping+0x1f5/0x3e0").physFree(top, PMD_SIZE);
    }

    private void numaInit(boolean allocNodeData) {
        List<NumaNode> nodes = machine.nodes();
        // one node: x86 finds no SRAT and dummy_numa_init fakes one node over [0, max_pfn)
        if (nodes.size() == 1) {
            log.log("No NUMA configuration found");
            log.log(String.format(Locale.ROOT, "Faking a node at [mem %s-%s]", Mm.hex18(0), Mm.hex18(mb.endOfDram() - 1)));
            mb.setNode(0, Memblock.PHYS_ADDR_MAX, false, nodes.get(0).id());
            setReservedNode(0, k.maxPfn << Mm.PAGE_SHIFT, nodes.get(0).id());
        } else {
            for (NumaNode n : nodes) {
                for (long[] r : n.ranges()) {
                    mb.setNode(r[0], r[1] - r[0], false, n.id());
                    setReservedNode(r[0], r[1], n.id());
                }
            }
        }
        int maxNid = 0;
        for (NumaNode n : nodes) maxNid = Math.max(maxNid, n.id());
        k.nodeIndexByNid = new int[maxNid + 1];
        java.util.Arrays.fill(k.nodeIndexByNid, -1);
        List<Integer> cpuNodes = new ArrayList<>();
        for (NumaNode n : nodes) {
            k.nodeIndexByNid[n.id()] = k.nodes.size();
            k.nodes.add(new Node(n.id(), n.cpus(), k.mm));
            for (int c = 0; c < Math.max(1, n.cpus()); c++) cpuNodes.add(n.id());
            if (allocNodeData) {
                // alloc_node_data: memblock_phys_alloc_try_nid, which logs only its reservation
                long pa = mb.caller("alloc_node_data+0x3c/0x110").physAllocTryNid(NODE_DATA_SIZE, SMP_CACHE_BYTES, n.id());
                nodeData.put(n.id(), pa);
                // alloc_node_data: no memory for a node's pglist_data is fatal
                if (pa == 0) panic(String.format(Locale.ROOT, "Cannot allocate %d bytes for node %d data",
                        NODE_DATA_SIZE, n.id()));
                log.log(String.format(Locale.ROOT, "NODE_DATA(%d) allocated [mem %#010x-%#010x]", n.id(),
                        pa, pa + NODE_DATA_SIZE - 1));
            }
        }
        k.cpus.cpuNode = cpuNodes.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * numa_register_meminfo: the reservations made so far get the node id of the numa_memblk they lie in, the
     * memblk first clamped to the memory memblock has (numa_cleanup_meminfo): what later dumps print as "on node N".
     */
    private void setReservedNode(long start, long end, int nid) {
        long s = Math.max(start, mb.startOfDram()), e = Math.min(end, mb.endOfDram());
        if (e > s) mb.setNode(s, e - s, true, nid);
    }

    /** mem_section's root array (SPARSEMEM_EXTREME): NR_SECTION_ROOTS pointers, 2 MiB with 5-level paging. */
    static final long MEM_SECTION_ROOTS_BYTES = 2 * SZ_1M;
    /** Sections per root: a page of 32-byte struct mem_section. */
    static final int SECTIONS_PER_ROOT_SHIFT = 7;
    /** sizeof(struct mem_section_usage) with its pageblock flags for one section (mem_section_usage_size). */
    static final long USEMAP_BYTES = 56;

    /**
     * sparse_init: memblocks_present (the root array, then a page of mem_sections per root in use, on the node of its
     * first section), then per node sparse_init_nid: the usemaps near the node's pglist_data, the node's memmap in one
     * PMD-aligned block, and the vmemmap page tables that map it (a P4D, PUD or PMD table the first time a node's
     * memmap needs one).
     */
    private void sparseInit(boolean allocMemmap) {
        java.util.Map<Integer, List<Long>> byNode = new java.util.LinkedHashMap<>();
        java.util.TreeMap<Long, Integer> firstNidOfSection = new java.util.TreeMap<>();
        for (Node n : k.nodes) {
            List<Long> secs = new ArrayList<>();
            long last = -1;
            for (Memblock.PfnRange r : mb.memPfnRanges(n.nid)) {
                for (long s = Mm.sectionOf(r.startPfn()); s <= Mm.sectionOf(r.endPfn() - 1); s++) {
                    k.mm.addSection(s);
                    k.mm.setOnline(s, true);
                    if (s != last) { secs.add(s); last = s; }
                    firstNidOfSection.putIfAbsent(s, n.nid);
                }
            }
            byNode.put(n.nid, secs);
        }
        if (!allocMemmap) return;
        mb.caller("sparse_init+0x456/0x490").allocTryNid(MEM_SECTION_ROOTS_BYTES, SMP_CACHE_BYTES, 0,
                Memblock.ALLOC_ACCESSIBLE, Mm.NUMA_NO_NODE);
        java.util.Set<Long> roots = new java.util.HashSet<>();
        for (var e : firstNidOfSection.entrySet()) {
            if (roots.add(e.getKey() >> SECTIONS_PER_ROOT_SHIFT))
                mb.caller("sparse_index_alloc+0x40/0x70").allocTryNid(Mm.PAGE_SIZE, SMP_CACHE_BYTES, 0,
                        Memblock.ALLOC_ACCESSIBLE, e.getValue());
        }
        java.util.Set<Long> tables = new java.util.HashSet<>();
        for (Node n : k.nodes) {
            List<Long> secs = byNode.get(n.nid);
            if (secs.isEmpty()) continue;
            // sparse_early_usemaps_alloc_pgdat_section: in the section of the node's pglist_data if it can
            long goal = nodeData.getOrDefault(n.nid, 0L) & -(Mm.PAGES_PER_SECTION << Mm.PAGE_SHIFT);
            long limit = goal == 0 ? 0 : goal + (Mm.PAGES_PER_SECTION << Mm.PAGE_SHIFT);
            mb.caller("sparse_init_nid+0x9f/0x5b0").allocTryNid(secs.size() * USEMAP_BYTES, SMP_CACHE_BYTES, goal,
                    limit, n.nid);
            mb.caller("sparse_init_nid+0x111/0x5b0").allocExactNidRaw(
                    secs.size() * (Mm.PAGES_PER_SECTION * (long) Mm.STRUCT_PAGE_SIZE), PMD_SIZE, 16 * SZ_1M,
                    Memblock.ALLOC_ACCESSIBLE, n.nid);
            // vmemmap_populate_hugepages: the memmap of section s is mapped at s * 2 MiB into the vmemmap area
            for (long sec : secs) {
                long off = sec * (Mm.PAGES_PER_SECTION * (long) Mm.STRUCT_PAGE_SIZE);
                for (int level : new int[] {48, 39, 30}) {
                    if (tables.add((long) level << 56 | off >>> level))
                        mb.caller("vmemmap_alloc_block_zero.constprop.0+0x11/0x50").allocTryNidRaw(Mm.PAGE_SIZE,
                                Mm.PAGE_SIZE, 16 * SZ_1M, Memblock.ALLOC_ACCESSIBLE, n.nid);
                }
            }
        }
    }

    /** The late setup_arch and early start_kernel allocations every x86 PC boot makes, before setup_per_cpu_areas. */
    private void setupArchLateAllocations() {
        // acpi_parse_hpet's resource and name, io_apic_init_mappings' resources for one I/O APIC
        mb.caller("acpi_parse_hpet+0x95/0x150").allocTryNid(73, SMP_CACHE_BYTES, 0, Memblock.ALLOC_ACCESSIBLE, Mm.NUMA_NO_NODE);
        mb.caller("io_apic_init_mappings+0x45/0x1f0").allocTryNid(75, SMP_CACHE_BYTES, 0, Memblock.ALLOC_ACCESSIBLE, Mm.NUMA_NO_NODE);
        // e820__reserve_resources: a struct resource per e820_table entry, then a firmware map entry per
        // e820_table_firmware entry (the BIOS's own map)
        mb.caller("e820__reserve_resources+0x32/0x1f0").allocTryNid(64L * e820Table.size(), SMP_CACHE_BYTES, 0,
                Memblock.ALLOC_ACCESSIBLE, Mm.NUMA_NO_NODE);
        for (int i = 0; i < machine.e820().size(); i++)
            mb.caller("firmware_map_add_early+0x2f/0x60").allocTryNid(104, SMP_CACHE_BYTES, 0, Memblock.ALLOC_ACCESSIBLE,
                    Mm.NUMA_NO_NODE);
        // e820__register_nosave_regions(max_pfn): the holes and non-RAM entries, a new region unless it extends
        // the previous one
        long pfn = 0, lastEnd = -1;
        for (E820Range r : e820Table) {
            long up = Mm.pfnUp(r.start());
            if (pfn < up) lastEnd = nosave(pfn, up, lastEnd);
            pfn = Mm.pfnDown(r.end());
            if (!r.type().isRam()) lastEnd = nosave(up, pfn, lastEnd);
            if (pfn >= k.maxPfn) break;
        }
        // setup_command_line: saved_command_line and static_command_line
        long len = machine.options().cmdline().length() + 1;
        mb.caller("start_kernel+0x125/0x8d0").allocTryNid(len, SMP_CACHE_BYTES, 0, Memblock.ALLOC_ACCESSIBLE, Mm.NUMA_NO_NODE);
        mb.caller("start_kernel+0x158/0x8d0").allocTryNid(len, SMP_CACHE_BYTES, 0, Memblock.ALLOC_ACCESSIBLE, Mm.NUMA_NO_NODE);
    }

    /** register_nosave_region: 32 bytes of memblock for a region that does not extend the last one. */
    private long nosave(long start, long end, long lastEnd) {
        if (start >= end) return lastEnd;
        if (start != lastEnd)
            mb.caller("register_nosave_region+0x57/0xe0").allocTryNid(32, SMP_CACHE_BYTES, 0, Memblock.ALLOC_ACCESSIBLE,
                    Mm.NUMA_NO_NODE);
        return end;
    }

    private void synthesizePercpuAndHashes() {
        int cpus = 0;
        for (Node n : k.nodes) cpus += Math.max(1, n.cpus);
        log.log(String.format(Locale.ROOT, "setup_percpu: NR_CPUS:8192 nr_cpumask_bits:%d nr_cpu_ids:%d nr_node_ids:%d",
                cpus, cpus, k.nodes.size()));
        // pcpu_build_alloc_info's pcpu_alloc_info and pcpu_embed_first_chunk's areas[] (one pointer per group)
        long mbAny = Memblock.ALLOC_ACCESSIBLE;
        long ai = mb.caller("pcpu_build_alloc_info+0x2e8/0x610").allocTryNid(Mm.PAGE_SIZE, Mm.PAGE_SIZE, 0, mbAny,
                Mm.NUMA_NO_NODE);
        long areasPtr = mb.caller("pcpu_embed_first_chunk+0x76/0x7e0").allocTryNid(
                Math.max(Mm.PAGE_SIZE, (8L * k.nodes.size() + Mm.PAGE_SIZE - 1) & -Mm.PAGE_SIZE), SMP_CACHE_BYTES, 0,
                mbAny, Mm.NUMA_NO_NODE);
        // pcpu_embed_first_chunk: one area per node for its CPUs' units; if one cannot be had, the areas taken so far
        // go back and x86's setup_per_cpu_areas falls back to the page first chunk; if that fails too, it panics
        List<long[]> areas = new ArrayList<>();
        boolean embedded = true;
        for (Node n : k.nodes) {
            int c = Math.max(1, n.cpus);
            long base = mb.caller("pcpu_fc_alloc+0x79/0x160").allocTryNid(c * PCPU_UNIT, PMD_SIZE, 16 * SZ_1M,
                    Memblock.ALLOC_ACCESSIBLE, n.nid);
            if (base == 0) {
                embedded = false;
                break;
            }
            areas.add(new long[] {base, c});
        }
        if (embedded) {
            for (long[] a : areas)
                for (int i = 0; i < a[1]; i++)
                    mb.caller("pcpu_embed_first_chunk+0x1f4/0x7e0").physFree(a[0] + i * PCPU_UNIT + PCPU_USED,
                            PCPU_UNIT - PCPU_USED);
            firstChunkAllocations(cpus);
        } else {
            for (long[] a : areas) mb.caller("pcpu_fc_free+0x2a/0x40").physFree(a[0], a[1] * PCPU_UNIT);
            log.log("setup_percpu: auto allocator failed (-12), falling back to page size");
            int cpu = 0;
            for (Node n : k.nodes) {
                for (int i = 0; i < Math.max(1, n.cpus); i++, cpu++) {
                    // pcpu_page_first_chunk: the unit's pages one by one (PAGE_SIZE aligned), here as one request
                    long pa = mb.caller("pcpu_fc_alloc+0x79/0x160").allocTryNid(PCPU_USED, Mm.PAGE_SIZE, 16 * SZ_1M,
                            Memblock.ALLOC_ACCESSIBLE, n.nid);
                    if (pa == 0) {
                        log.log(String.format(Locale.ROOT, "percpu: failed to allocate 4K page for cpu%d", cpu));
                        panic("cannot initialize percpu area (err=-12)");
                    }
                }
            }
            log.log(String.format(Locale.ROOT, "percpu: %d 4K pages/cpu", PCPU_USED / Mm.PAGE_SIZE));
        }
        // pcpu_free_alloc_info and the areas[] array go back; then the boot cpumasks (alloc_bootmem_cpumask_var)
        if (ai != 0) mb.caller("pcpu_embed_first_chunk+0x280/0x7e0").physFree(ai, Mm.PAGE_SIZE);
        if (areasPtr != 0) mb.caller("pcpu_embed_first_chunk+0x301/0x7e0").physFree(areasPtr,
                Math.max(Mm.PAGE_SIZE, (8L * k.nodes.size() + Mm.PAGE_SIZE - 1) & -Mm.PAGE_SIZE));
        long cpumask = 8L * ((cpus + 63) / 64);
        for (int i = 0; i < 2; i++)
            mb.caller("alloc_bootmem_cpumask_var+0x2e/0x70").allocTryNid(cpumask, SMP_CACHE_BYTES, 0, mbAny, Mm.NUMA_NO_NODE);
        // start_kernel's print_unknown_bootoptions: a buffer for the words nobody claimed, freed after printing them
        List<String> unknown = KernelParams.unknown(machine.options());
        if (!unknown.isEmpty()) {
            long len = 1;
            for (String u : unknown) len += 1 + u.length();
            long pa = mb.caller("start_kernel+0x6b5/0x8d0").allocTryNid(len, SMP_CACHE_BYTES, 0, mbAny, Mm.NUMA_NO_NODE);
            if (pa != 0) mb.caller("start_kernel+0x746/0x8d0").physFree(pa, len);
        }
        long kernelPages = 0;
        for (Memblock.Range r : mb.freeRanges(Mm.NUMA_NO_NODE, Memblock.FLAG_NONE, false))
            kernelPages += Mm.pfnDown(r.end()) - Mm.pfnUp(r.start());
        if (k.nodes.size() == 1) {
            // hashdist is off on one node: the dentry and inode hashes come from memblock (vfs_caches_init_early)
            largeSystemHash("Dentry cache", kernelPages >> 1, 8);
            largeSystemHash("Inode-cache", kernelPages >> 2, 8);
        }
        // the vsyscall / fixmap page tables set_pte_vaddr takes from memblock (spp_getpage) in mm_core_init
        for (int i = 0; i < 3; i++)
            mb.caller("spp_getpage+0x4e/0xa0").allocTryNid(Mm.PAGE_SIZE, Mm.PAGE_SIZE, 0, mbAny, Mm.NUMA_NO_NODE);
        if (machine.options().pageOwner()) largeSystemHash("stackdepot", Math.min(1L << 20, Math.max(1L << 12, kernelPages >> 2)), 16);
    }

    /**
     * pcpu_setup_first_chunk's bookkeeping (group offsets and sizes, the unit map and offsets, the chunk slots) and
     * pcpu_alloc_first_chunk's two chunks (the static+reserved one and the dynamic one) with their bitmaps: the sizes
     * of this kernel build's percpu layout (s233472 r8192 d28672 u1048576).
     */
    private void firstChunkAllocations(int cpus) {
        long any = Memblock.ALLOC_ACCESSIBLE;
        int groups = k.nodes.size();
        long[][] sizes = {
            {8L * groups, 0xc7}, {8L * groups, 0xf2}, {4L * cpus, 0x120}, {8L * cpus, 0x14f}, {352, 0x6b5}};
        for (long[] a : sizes)
            mb.caller(String.format(Locale.ROOT, "pcpu_setup_first_chunk+%#x/0x860", a[1])).allocTryNid(a[0],
                    SMP_CACHE_BYTES, 0, any, Mm.NUMA_NO_NODE);
        long[][] chunks = {{200, 0x7b}, {256, 0xdb}, {264, 0x10a}, {64, 0x136}, {200, 0x7b}, {896, 0xdb}, {904, 0x10a},
            {224, 0x136}};
        for (long[] a : chunks)
            mb.caller(String.format(Locale.ROOT, "pcpu_alloc_first_chunk+%#x/0x280", a[1])).allocTryNid(a[0],
                    SMP_CACHE_BYTES, 0, any, Mm.NUMA_NO_NODE);
    }

    /**
     * panic(): the kernel stops booting. mmkit refuses the boot with the kernel's sentence; the previous boot stays
     * (MemoryModelImpl.boot keeps it when a boot throws).
     */
    static void panic(String why) {
        throw new IllegalStateException("Kernel panic - not syncing: " + why);
    }

    private void largeSystemHash(String name, long entries, long bucket) {
        long n = Long.highestOneBit(Math.max(1, entries - 1)) << 1;
        long bytes = n * bucket;
        // HASH_ZERO hashes come zeroed (memblock_alloc), the stack depot's raw (memblock_alloc_raw)
        boolean raw = name.equals("stackdepot");
        Memblock c = mb.caller(raw ? "alloc_large_system_hash+0x253/0x2d0" : "alloc_large_system_hash+0x21b/0x2d0");
        long pa = raw ? c.allocTryNidRaw(bytes, SMP_CACHE_BYTES, 0, Memblock.ALLOC_ACCESSIBLE, Mm.NUMA_NO_NODE)
                : c.allocTryNid(bytes, SMP_CACHE_BYTES, 0, Memblock.ALLOC_ACCESSIBLE, Mm.NUMA_NO_NODE);
        // alloc_large_system_hash: a boot hash table that cannot be had is fatal
        if (pa == 0) panic("Failed to allocate " + name + " hash table");
        int order = 63 - Long.numberOfLeadingZeros(Math.max(1, bytes >> Mm.PAGE_SHIFT));
        String label = name.equals("stackdepot") ? "stackdepot hash table" : name + " hash table";
        log.log(String.format(Locale.ROOT, "%s entries: %d (order: %d, %d bytes, linear)", label, n, order, bytes));
    }
}
