package mm.hotplug.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mm.core.api.Mm;
import mm.core.api.PageFlags;
import mm.core.spi.MemoryHotplugSupport.Altmap;
import mm.core.spi.MemoryHotplugSupport.RawPage;
import mm.hotplug.api.DevPagemap;
import mm.hotplug.api.DeviceInitTime;
import mm.hotplug.api.DeviceMemmapInit;
import mm.hotplug.api.HotplugResult;
import mm.hotplug.api.MemoryBlock;
import mm.hotplug.api.MemoryHotplug;
import mm.hotplug.api.OnlineType;
import mm.hotplug.api.PgmapType;
import mm.hotplug.api.ReservedBitPolicy;
import mm.machine.api.E820Range;
import mm.machine.api.HotplugRange;
import mm.core.api.MemoryModel;
import mm.shell.api.Column;
import mm.shell.api.Help;
import mm.shell.api.Report;
import mm.shell.api.ReportPrinter;
import mm.shell.api.Table;
import mm.variant.api.VariantService;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code mm:memory}, {@code mm:hotplug}, {@code mm:memremap}, {@code mm:memunmap}. Each operation prints the kernel
 * log lines it produced, then one line saying what happened. A refusal by the kernel (EBUSY, EINVAL... as sysfs
 * would return it) is printed, not thrown, so a script goes on; malformed commands throw.
 */
@Component(service = HotplugCommands.class, immediate = true,
        property = Help.GROUP + "=memory hotplug and ZONE_DEVICE")
@GogoCommand(scope = "mm", function = {"memory", "hotplug", "memremap", "memunmap"})
public final class HotplugCommands {
    /** The kernel's line for a node's deferred init (mm_init.c deferred_init_memmap). */
    static final Pattern DEFERRED_LINE = Pattern.compile("node (\\d+) deferred pages initialised in (\\d+)ms");

    private final MemoryHotplug hp;
    private final MemoryModel model;
    private final VariantService variants;
    private final ReportPrinter out;

    @Activate
    public HotplugCommands(@Reference(name = "hotplug") MemoryHotplug hp, @Reference(name = "model") MemoryModel model,
                           @Reference(name = "variants") VariantService variants, @Reference ReportPrinter out) {
        this.hp = hp;
        this.model = model;
        this.variants = variants;
        this.out = out;
    }

    // ---------------------------------------------------------------------------------------------- mm:memory

    @Descriptor("list the memory blocks like /sys/devices/system/memory: state, valid_zones, phys_index, removable, node")
    public void memory() { print(memoryReport()); }

    @Descriptor("show one memory block (memoryN or N)")
    public void memory(@Descriptor("block: memoryN or N") String block) {
        MemoryBlock b = hp.block(blockId(block));
        if (b == null) throw new IllegalArgumentException("no memory block " + block + " (mm:memory lists them)");
        StringBuilder sb = new StringBuilder();
        sb.append(b.name()).append(": ").append(Units.mem(b.startAddress(), b.endAddress())).append(" node ")
                .append(b.nid()).append(b.early() ? " (boot memory)" : " (hot-added)").append('\n');
        sb.append(String.format(Locale.ROOT, "  %-12s %s%n", "state", b.state()));
        sb.append(String.format(Locale.ROOT, "  %-12s %s%n", "online", b.online() ? 1 : 0));
        sb.append(String.format(Locale.ROOT, "  %-12s %s%n", "phys_index", b.physIndex()));
        sb.append(String.format(Locale.ROOT, "  %-12s %s%n", "valid_zones", b.validZones()));
        sb.append(String.format(Locale.ROOT, "  %-12s %d%n", "removable", b.removable() ? 1 : 0));
        sb.append(String.format(Locale.ROOT, "  %-12s %d%n", "phys_device", 0));
        print(Report.of("memory-block", sb.toString(), blockRow(b)));
    }

    Report memoryReport() {
        List<MemoryBlock> blocks = hp.blocks();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "block_size_bytes=%x%n", hp.blockSizeBytes()));
        sb.append("auto_online_blocks=").append(hp.autoOnlineBlocks()).append('\n');
        sb.append("count=").append(blocks.size()).append('\n');
        sb.append("# block state valid_zones phys_index removable node\n");
        List<Object> rows = new ArrayList<>();
        for (MemoryBlock b : blocks) {
            sb.append(String.format(Locale.ROOT, "%s %s [%s] %s %d node%d%n", b.name(), b.state(), b.validZones(),
                    b.physIndex(), b.removable() ? 1 : 0, b.nid()));
            rows.add(blockRow(b));
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("block_size_bytes", hp.blockSizeBytes());
        d.put("auto_online_blocks", hp.autoOnlineBlocks());
        d.put("blocks", rows);
        return Report.of("memory", sb.toString(), d);
    }

    private static Map<String, Object> blockRow(MemoryBlock b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("block", b.name());
        m.put("state", b.state());
        m.put("valid_zones", b.validZones());
        m.put("phys_index", b.physIndex());
        m.put("removable", b.removable() ? 1 : 0);
        m.put("node", b.nid());
        m.put("start", b.startAddress());
        m.put("end", b.endAddress());
        m.put("early", b.early());
        return m;
    }

    // --------------------------------------------------------------------------------------------- mm:hotplug

    @Descriptor("show the hotplug state: block size, auto_online_blocks, the machine's hotpluggable ranges,"
            + " dev_pagemaps, active variants")
    public void hotplug() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "memory block size %s (block_size_bytes=%x), auto_online_blocks=%s%n",
                Units.human(hp.blockSizeBytes()), hp.blockSizeBytes(), hp.autoOnlineBlocks()));
        sb.append(rangesText());
        List<DevPagemap> pms = hp.pagemaps();
        sb.append("dev_pagemaps:").append(pms.isEmpty() ? " none\n" : "\n");
        for (DevPagemap pm : pms) sb.append("  ").append(pagemapLine(pm)).append('\n');
        sb.append("variants: reserved-bit=").append(variants.active(ReservedBitPolicy.SUBSYSTEM))
                .append(" device-init=").append(variants.active(DeviceMemmapInit.SUBSYSTEM)).append('\n');
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("block_size_bytes", hp.blockSizeBytes());
        d.put("auto_online_blocks", hp.autoOnlineBlocks());
        d.put("ranges", rangeRows());
        d.put("pagemaps", pms.stream().map(HotplugCommands::pagemapRow).toList());
        d.put("reserved_bit", variants.active(ReservedBitPolicy.SUBSYSTEM));
        d.put("device_init", variants.active(DeviceMemmapInit.SUBSYSTEM));
        print(Report.of("hotplug", sb.toString(), d));
    }

    @Descriptor("hotplug ranges | add (every absent hotplug range of the machine) | reserved-bit (run the PG_reserved"
            + " scenario under the active policy and print every policy's outcome side by side)")
    public void hotplug(@Descriptor("node to add the memory to (default: from the machine description)") @Parameter(names = {"-n", "--node"}, absentValue = "-1") int node,
                        @Descriptor("ranges | add | reserved-bit (alias: scenario)") String sub) {
        switch (sub) {
            case "ranges" -> print(Report.of("hotplug-ranges", rangesText(), Map.of("ranges", rangeRows())));
            case "add" -> addAbsentRanges(node);
            case "reserved-bit", "scenario" -> reservedBit();
            default -> throw usage(sub);
        }
    }

    @Descriptor("hotplug online|offline|remove BLOCK [--zone normal|movable|auto] | auto-online"
            + " offline|online|online_kernel|online_movable | scenario reserved-bit")
    public void hotplug(@Descriptor("zone to online to: normal, movable or auto (the kernel's choice)") @Parameter(names = {"-z", "--zone"}, absentValue = "auto") String zone,
                        @Descriptor("online | offline | remove | auto-online | scenario") String sub,
                        @Descriptor("memoryN or N; for auto-online the policy; for scenario reserved-bit") String arg) {
        if (sub.equals("auto-online")) {
            hp.setAutoOnlineBlocks(arg);
            print(Report.of("hotplug-auto-online", "auto_online_blocks=" + hp.autoOnlineBlocks() + "\n",
                    Map.of("auto_online_blocks", hp.autoOnlineBlocks())));
            return;
        }
        if (sub.equals("scenario")) {
            if (!arg.equals("reserved-bit")) throw new IllegalArgumentException("unknown scenario '" + arg
                    + "' (expected reserved-bit)");
            reservedBit();
            return;
        }
        if (!sub.equals("online") && !sub.equals("offline") && !sub.equals("remove")) throw usage(sub);
        long id = blockId(arg);
        long bs = hp.blockSizeBytes();
        if (id < 0 || id >= Mm.MAX_PHYS_ADDR / bs) {
            throw new IllegalArgumentException("memory block '" + arg + "' is not below 2^52, the end of the physical"
                    + " address space (memory blocks 0.." + (Mm.MAX_PHYS_ADDR / bs - 1) + ")");
        }
        operate(sub, id * bs, bs, zone, -1);
    }

    @Descriptor("hotplug add|online|offline|remove START SIZE [--node N] [--zone normal|movable|auto]:"
            + " a block-aligned physical range (hex or sizes like 4G)")
    public void hotplug(@Descriptor("node to add the memory to (default: from the machine description)") @Parameter(names = {"-n", "--node"}, absentValue = "-1") int node,
                        @Descriptor("zone to online to: normal, movable or auto (the kernel's choice)") @Parameter(names = {"-z", "--zone"}, absentValue = "auto") String zone,
                        @Descriptor("add | online | offline | remove") String sub,
                        @Descriptor("start address, e.g. 0x100000000 or 4G") String start,
                        @Descriptor("size, e.g. 1G") String size) {
        long[] r = Units.physRange(start, size);
        operate(sub, r[0], r[1], zone, node);
    }

    private void operate(String sub, long start, long size, String zone, int node) {
        HotplugResult r = switch (sub) {
            case "add" -> hp.add(node, start, size);
            case "online" -> hp.online(start, size, OnlineType.parse(zone));
            case "offline" -> hp.offline(start, size);
            case "remove" -> hp.remove(start, size);
            default -> throw usage(sub);
        };
        print(result(r));
    }

    private void addAbsentRanges(int node) {
        List<HotplugRange> todo = new ArrayList<>();
        for (HotplugRange h : hp.hotplugRanges()) {
            if (h.presentAtBoot() || added(h)) continue;
            todo.add(h);
        }
        if (todo.isEmpty()) {
            print(Report.of("hotplug-add", "no absent hotpluggable range left to add (mm:hotplug ranges)\n",
                    Map.of("added", List.of())));
            return;
        }
        for (HotplugRange h : todo) print(result(hp.add(node >= 0 ? node : h.node(), h.start(), h.end() - h.start())));
    }

    private boolean added(HotplugRange h) {
        long bs = hp.blockSizeBytes();
        for (long a = Mm.alignDown(h.start(), bs); a < h.end(); a += bs) if (hp.block(a / bs) != null) return true;
        return false;
    }

    private String rangesText() {
        List<HotplugRange> rs = hp.hotplugRanges();
        if (rs.isEmpty()) return "hotpluggable ranges: none in the machine description\n";
        StringBuilder sb = new StringBuilder("hotpluggable ranges (machine description):\n");
        for (HotplugRange h : rs) {
            sb.append(String.format(Locale.ROOT, "  %s node %d %s (%s)%s%n", Units.mem(h.start(), h.end()), h.node(),
                    h.presentAtBoot() ? "present at boot" : "absent at boot", Units.human(h.end() - h.start()),
                    !h.presentAtBoot() && added(h) ? ": added" : ""));
        }
        return sb.toString();
    }

    private List<Object> rangeRows() {
        List<Object> out = new ArrayList<>();
        for (HotplugRange h : hp.hotplugRanges()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("start", h.start());
            m.put("end", h.end());
            m.put("node", h.node());
            m.put("present_at_boot", h.presentAtBoot());
            m.put("added", !h.presentAtBoot() && added(h));
            out.add(m);
        }
        return out;
    }

    private void reservedBit() {
        Map<String, Map<String, Object>> all = hp.reservedBitScenario();
        String policy = new ArrayList<>(all.keySet()).get(all.size() - 1);
        String text = "reserved-bit scenario under '" + policy + "'"
                + (all.size() > 1 ? " (every policy run so far, side by side)" : "") + ":\n"
                + ReservedBitScenario.table(all);
        print(Report.of("reserved-bit-scenario", text, Map.of("outcomes", all)));
    }

    private static IllegalArgumentException usage(String sub) {
        return new IllegalArgumentException("unknown mm:hotplug subcommand '" + sub + "' (expected ranges, add,"
                + " online, offline, remove, auto-online, reserved-bit or scenario)");
    }

    static long blockId(String s) {
        String t = s.startsWith("memory") ? s.substring("memory".length()) : s;
        try {
            return Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a memory block like memory32 or 32, got '" + s + "'");
        }
    }

    /** The kernel lines of an operation, then one line of what happened. */
    Report result(HotplugResult r) {
        StringBuilder sb = new StringBuilder();
        for (String l : r.log()) sb.append(l).append('\n');
        sb.append(summary(r)).append('\n');
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("op", r.op());
        d.put("start", r.start());
        d.put("size", r.size());
        d.put("errno", r.errno());
        d.put("reason", r.reason());
        d.put("log", r.log());
        d.put("details", r.details());
        return Report.of("hotplug-" + r.op(), sb.toString(), d);
    }

    @SuppressWarnings("unchecked")
    static String summary(HotplugResult r) {
        String range = Units.mem(r.start(), r.start() + r.size());
        Map<String, Object> d = r.details();
        StringBuilder sb = new StringBuilder();
        switch (r.op()) {
            case "add" -> {
                sb.append("add_memory node ").append(d.getOrDefault("nid", "?")).append(' ').append(range);
                if (r.ok()) {
                    List<String> b = (List<String>) d.get("blocks");
                    sb.append(": ").append(b.size() == 1 ? b.get(0) : b.get(0) + ".." + b.get(b.size() - 1))
                            .append(" added").append(d.containsKey("auto_online") ? " and onlined (auto_online_blocks="
                                    + d.get("auto_online") + ")" : ", offline");
                    if (d.containsKey("auto_online")) sb.append(onlineTotal(d));
                }
            }
            case "online", "offline" -> {
                List<Object> parts = (List<Object>) d.getOrDefault("blocks_done", List.of());
                sb.append(r.op()).append(' ').append(range);
                for (Object o : parts) sb.append("\n  ").append(blockLine(r.op(), (Map<String, Object>) o));
                if (r.op().equals("online") && parts.size() > 1) sb.append(onlineTotal(d));
            }
            case "remove" -> {
                sb.append("remove_memory ").append(range);
                if (r.ok()) sb.append(": ").append(d.get("blocks")).append(" removed");
            }
            case "memremap" -> {
                sb.append("memremap_pages ").append(range);
                if (r.ok()) sb.append(memremapText(d));
            }
            case "memunmap" -> {
                sb.append("memunmap_pages pgmap ").append(d.get("pgmap")).append(' ').append(range);
                if (r.ok()) sb.append(": sections removed; ").append(zoneChange(d))
                        .append(" (the kernel does not shrink ZONE_DEVICE spans)");
            }
            default -> sb.append(r.op()).append(' ').append(range);
        }
        if (!r.ok()) sb.append(r.op().equals("online") || r.op().equals("offline") ? "\n" : ": ")
                .append("-> ").append(r.errnoText()).append(": ").append(r.reason());
        if (d.get("note") != null) sb.append("\n  note: ").append(d.get("note"));
        return sb.toString();
    }

    private static String blockLine(String op, Map<String, Object> b) {
        StringBuilder sb = new StringBuilder(String.valueOf(b.get("block")));
        Object errno = b.get("errno");
        if (errno instanceof Integer e && e != 0) {
            sb.append(": failed: ").append(b.get("reason"));
            if (b.get("unmovable_pfn") != null) sb.append(String.format(Locale.ROOT, " (unmovable page at pfn %#x)",
                    (Long) b.get("unmovable_pfn")));
            if (b.get("note") != null) {
                Object mp = b.get("migrated_pages");
                return sb.append("; ").append(mp == null ? "" : mp + " pages had been migrated out; ")
                        .append("the block stays online\n    note: ").append(b.get("note")).toString();
            }
            return sb.append("; nothing changed").toString();
        }
        if (op.equals("online")) {
            sb.append(" -> ").append(b.get("zone")).append(" (reserved-bit ").append(b.get("reserved_bit"))
                    .append("): ").append(b.get("pages_onlined")).append(" pages onlined in ")
                    .append(b.get("callback_chunks")).append(" online_page_callback calls, ")
                    .append(String.format(Locale.ROOT, "kernel time %.1f ms (modelled; measured %.1f ms); ",
                            (Double) b.get("online_modelled_ms"), (Long) b.get("online_ns") / 1e6))
                    .append(zoneChange(b));
        } else {
            sb.append(" (").append(b.get("zone")).append("): migrated ").append(b.get("migrated_pages"))
                    .append(" pages");
            List<?> moves = (List<?>) b.get("migrations");
            if (moves != null && !moves.isEmpty()) {
                sb.append(" in ").append(moves.size()).append(" blocks (");
                for (int i = 0; i < Math.min(4, moves.size()); i++) {
                    Map<?, ?> mv = (Map<?, ?>) moves.get(i);
                    sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%#x->%#x", (Long) mv.get("from"),
                            (Long) mv.get("to")));
                }
                sb.append(moves.size() > 4 ? ", ...)" : ")");
            }
            sb.append(", ").append(b.get("pages_taken_off_buddy")).append(" pages taken off the buddy; ")
                    .append(zoneChange(b));
        }
        return sb.toString();
    }

    /** The modelled kernel time of every online_pages of an online or an auto-onlining add, summed. */
    @SuppressWarnings("unchecked")
    static String onlineTotal(Map<String, Object> d) {
        double modelled = 0, measured = 0;
        long pages = 0;
        for (Object o : (List<Object>) d.getOrDefault("blocks_done", List.of())) {
            Map<String, Object> b = (Map<String, Object>) o;
            if (!(b.get("online_modelled_ms") instanceof Double m)) continue;
            modelled += m;
            measured += (Long) b.get("online_ns") / 1e6;
            pages += (Long) b.get("pages_onlined");
        }
        return String.format(Locale.ROOT, "%n  online_pages: %d pages onlined, kernel time %.1f ms (modelled: struct"
                + " page init + __free_pages_core in MAX_PAGE_ORDER chunks; measured %.1f ms)", pages, modelled, measured);
    }

    @SuppressWarnings("unchecked")
    static String zoneChange(Map<String, Object> d) {
        Map<String, Object> a = (Map<String, Object>) d.get("zone_before"), b = (Map<String, Object>) d.get("zone_after");
        if (a == null || b == null) return "";
        StringBuilder sb = new StringBuilder("Node " + b.get("node") + " " + b.get("zone") + ":");
        for (String k : new String[] {"start_pfn", "spanned", "present", "managed"}) {
            Object x = a.get(k), y = b.get(k);
            String fx = k.equals("start_pfn") ? String.format(Locale.ROOT, "%#x", (Long) x) : String.valueOf(x);
            String fy = k.equals("start_pfn") ? String.format(Locale.ROOT, "%#x", (Long) y) : String.valueOf(y);
            sb.append(' ').append(k).append(' ').append(x.equals(y) ? fy : fx + " -> " + fy);
            if (!k.equals("managed")) sb.append(',');
        }
        return sb.toString();
    }

    @SuppressWarnings("unchecked")
    private static String memremapText(Map<String, Object> d) {
        StringBuilder sb = new StringBuilder();
        sb.append(": pgmap ").append(d.get("pgmap")).append(" (").append(d.get("type")).append(", node ")
                .append(d.get("nid")).append(")");
        Map<String, Object> a = (Map<String, Object>) d.get("altmap");
        long first = (Long) d.get("first_device_pfn");
        if (a != null) {
            long base = (Long) a.get("base_pfn"), reserve = (Long) a.get("reserve"), free = (Long) a.get("free");
            long alloc = (Long) a.get("alloc");
            sb.append(String.format(Locale.ROOT, "%n  altmap: pfn %#x-%#x reserved (info block, %d pages), pfn %#x-%#x"
                            + " hold the memmap (%d pages, %d used = %s of struct pages)", base, base + reserve - 1,
                    reserve, base + reserve, base + reserve + free - 1, free, alloc, Units.human(alloc * Mm.PAGE_SIZE)));
        } else sb.append("\n  no altmap: the memmap of the range is in RAM");
        long pages = (Long) d.get("device_pages");
        sb.append(String.format(Locale.ROOT, "%n  device pages: pfn %#x-%#x (%d pages, %s), initialised by %s",
                first, first + pages - 1, pages, Units.human(pages * Mm.PAGE_SIZE), d.get("device_init")));
        sb.append(initTimeText(d));
        sb.append("\n  ").append(zoneChange(d));
        return sb.toString();
    }

    /** memmap_init_zone_device's measured and modelled time side by side, and the model's terms. */
    @SuppressWarnings("unchecked")
    static String initTimeText(Map<String, Object> d) {
        double measured = (Long) d.get("init_ns") / 1e6;
        Map<String, Object> m = (Map<String, Object>) d.get("init_model");
        if (m == null) return String.format(Locale.ROOT, "%n  memmap_init_zone_device: measured %.1f ms (no kernel"
                + " time model for variant %s)", measured, d.get("device_init"));
        String miss = d.get("device_init").equals(DeviceMemmapInit.CALLBACK)
                ? String.format(Locale.ROOT, "; the constructor pass finds %.0f%% of the struct pages out of cache",
                        100 * (Double) m.get("ctor_pass_miss")) : "";
        return String.format(Locale.ROOT, "%n  memmap_init_zone_device: %-8s %10.1f ms (the emulator)%n"
                        + "  memmap_init_zone_device: %-8s %10.1f ms (kernel time: compute %.1f ms + memory %.1f ms,"
                        + " struct pages to %s at %s GB/s%s)", "measured", measured, "modelled",
                (Double) d.get("init_modelled_ms"), (Double) m.get("compute_ms"), (Double) m.get("memory_ms"),
                m.get("memmap_in").equals("device") ? "the device" : "RAM", number((Double) m.get("memmap_bw_gbps")), miss);
    }

    private static String number(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    // -------------------------------------------------------------------------------------------- mm:memremap

    @Descriptor("list the dev_pagemaps (ZONE_DEVICE mappings) and the machine's pmem / device ranges")
    public void memremap() {
        StringBuilder sb = new StringBuilder();
        List<DevPagemap> pms = hp.pagemaps();
        sb.append("dev_pagemaps:").append(pms.isEmpty() ? " none\n" : "\n");
        for (DevPagemap pm : pms) sb.append("  ").append(pagemapLine(pm)).append('\n');
        List<Object> ranges = new ArrayList<>();
        for (E820Range r : hp.deviceRanges()) {
            sb.append("  e820 ").append(Units.mem(r.start(), r.end())).append(' ').append(r.type().kernelText())
                    .append(" (").append(Units.human(r.size())).append(")\n");
            ranges.add(Map.of("start", r.start(), "end", r.end(), "type", r.type().kernelText()));
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("pagemaps", pms.stream().map(HotplugCommands::pagemapRow).toList());
        d.put("device_ranges", ranges);
        print(Report.of("memremap-list", sb.toString(), d));
    }

    @Descriptor("memremap_pages: map START SIZE as ZONE_DEVICE memory; --altmap puts its memmap in the device")
    public void memremap(@Descriptor("node to add the memory to (default: from the machine description)") @Parameter(names = {"-n", "--node"}, absentValue = "-1") int node,
                         @Descriptor("put the range's memmap in the device itself (vmem_altmap)") @Parameter(names = {"-a", "--altmap"}, presentValue = "true", absentValue = "false") boolean altmap,
                         @Descriptor("pgmap type: fsdax (default), devdax or private") @Parameter(names = {"-t", "--type"}, absentValue = "fsdax") String type,
                         @Descriptor("start address, 2 MiB aligned") String start,
                         @Descriptor("size, 2 MiB aligned") String size) {
        long[] range = Units.physRange(start, size);
        HotplugResult r = hp.memremap(node, range[0], range[1], altmap, PgmapType.parse(type));
        Report rep = result(r);
        if (r.ok()) {
            DevPagemap pm = null;
            for (DevPagemap p : hp.pagemaps()) if (p.id() == (Integer) r.details().get("pgmap")) pm = p;
            if (pm != null) {
                String text = rep.text() + firstPagesText(pm);
                rep = Report.of(rep.kind(), text, rep.data());
            }
        }
        print(rep);
    }

    /** The struct pages at the start of a pgmap: what the altmap consumed and the first device page. */
    private String firstPagesText(DevPagemap pm) {
        StringBuilder sb = new StringBuilder("  struct pages:\n");
        List<Long> pfns = new ArrayList<>();
        Altmap a = pm.altmap();
        if (a != null) {
            pfns.add(a.basePfn());
            pfns.add(a.basePfn() + a.reserve());
        }
        pfns.add(pm.firstDevicePfn());
        for (long p : pfns) {
            RawPage pg = hp.structPage(p);
            String what = a != null && p < a.basePfn() + a.reserve() ? "altmap reserve"
                    : a != null && p < pm.firstDevicePfn() ? "memmap storage" : "device page";
            if (!pg.initialised()) sb.append(String.format(Locale.ROOT, "    pfn %#x (%s): uninitialised%n", p, what));
            else sb.append(String.format(Locale.ROOT, "    pfn %#x (%s): flags %s refcount %d%s%n", p, what,
                    PageFlags.names(pg.flags()), pg.refcount(), what.equals("device page")
                            ? " pgmap " + pg.pgmap() + " zone_device_data " + pg.zoneDeviceData() : ""));
        }
        return sb.toString();
    }

    @Descriptor("memremap times: this boot's modelled kernel times side by side, per node: deferred init (the boot"
            + " log's line), memmap_init_zone_device under each device-init variant that ran, and their ratio")
    public void memremap(@Descriptor("times") String sub) {
        if (!sub.equals("times")) throw new IllegalArgumentException("unknown mm:memremap subcommand '" + sub
                + "' (expected times, or START SIZE to map a range)");
        print(timesReport());
    }

    /**
     * Per node: the modelled deferred init time the boot logged, and per device-init variant the modelled
     * memmap_init_zone_device time of the node's ranges (the latest run of each range under that variant, summed
     * over the ranges); the ratio of callback to one-pass when both ran.
     */
    Report timesReport() {
        Map<Integer, Long> deferred = new TreeMap<>();
        for (String l : model.dmesg()) {
            Matcher m = DEFERRED_LINE.matcher(l);
            if (m.find()) deferred.put(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)));
        }
        // node -> variant -> range start -> the latest init of that range
        Map<Integer, Map<String, Map<Long, DeviceInitTime>>> runs = new TreeMap<>();
        List<String> order = new ArrayList<>();
        for (DeviceInitTime t : hp.deviceInitTimes()) {
            if (!order.contains(t.variant())) order.add(t.variant());
            runs.computeIfAbsent(t.nid(), x -> new LinkedHashMap<>()).computeIfAbsent(t.variant(), x -> new TreeMap<>())
                    .put(t.startPfn(), t);
        }
        boolean ratio = order.contains(DeviceMemmapInit.ONE_PASS) && order.contains(DeviceMemmapInit.CALLBACK);
        List<Column> cols = new ArrayList<>();
        cols.add(Column.number("node", "node").width(4).left());
        cols.add(Column.number("deferred_init_ms", "deferred init").width(13).absent("-")
                .format(v -> duration(((Number) v).doubleValue())));
        for (String v : order) {
            String key = v.replace('-', '_');
            cols.add(Column.number("pages_" + key, "pages (" + v + ")").width(12).absent("-"));
            cols.add(Column.number("device_init_ms_" + key, "pmem init " + v).width(16).absent("-")
                    .format(x -> duration(((Number) x).doubleValue())));
        }
        if (ratio) cols.add(Column.number("callback_over_one_pass", "callback : one-pass").width(19).absent("-")
                .format(x -> String.format(Locale.ROOT, "%.2fx", ((Number) x).doubleValue())));
        Table table = Table.of(cols.toArray(Column[]::new));
        TreeSet<Integer> nodes = new TreeSet<>(deferred.keySet());
        nodes.addAll(runs.keySet());
        StringBuilder measured = new StringBuilder();
        for (int nid : nodes) {
            List<Object> row = new ArrayList<>();
            row.add(nid);
            row.add(deferred.get(nid));
            Map<String, Double> ms = new LinkedHashMap<>();
            for (String v : order) {
                Map<Long, DeviceInitTime> byRange = runs.getOrDefault(nid, Map.of()).get(v);
                if (byRange == null) {
                    row.add(null);
                    row.add(null);
                    continue;
                }
                long pages = 0, ns = 0;
                double modelled = 0;
                for (DeviceInitTime t : byRange.values()) {
                    pages += t.devicePages();
                    ns += t.measuredNanos();
                    modelled += t.modelledMs();
                }
                row.add(pages);
                row.add(Double.isNaN(modelled) ? null : modelled);
                ms.put(v, modelled);
                measured.append(String.format(Locale.ROOT, "%s node %d %s %.0f ms", measured.length() == 0 ? "" : ",",
                        nid, v, ns / 1e6));
            }
            if (ratio) {
                Double a = ms.get(DeviceMemmapInit.ONE_PASS), b = ms.get(DeviceMemmapInit.CALLBACK);
                row.add(a == null || b == null || Double.isNaN(a) || Double.isNaN(b) || a == 0 ? null : b / a);
            }
            table.row(row.toArray());
        }
        StringBuilder sb = new StringBuilder("modelled kernel times of this boot (docs/timing-model.md), per node:\n");
        table.text().lines().forEach(l -> sb.append("  ").append(l).append('\n'));
        if (measured.length() > 0) sb.append("  measured (the emulator's own time of memmap_init_zone_device):")
                .append(measured).append('\n');
        if (order.isEmpty()) sb.append("  no memmap_init_zone_device in this boot yet (mm:memremap START SIZE)\n");
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("rows", table.rows());
        d.put("inits", hp.deviceInitTimes().stream().map(HotplugCommands::initRow).toList());
        return Report.of("memremap-times", sb.toString(), d);
    }

    /** A modelled time: ms below a second, else seconds (the seed's unit). */
    static String duration(double ms) {
        return ms < 1000 ? String.format(Locale.ROOT, "%.1f ms", ms) : String.format(Locale.ROOT, "%.2f s", ms / 1000);
    }

    private static Map<String, Object> initRow(DeviceInitTime t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pgmap", t.pgmapId());
        m.put("node", t.nid());
        m.put("start_pfn", t.startPfn());
        m.put("device_pages", t.devicePages());
        m.put("device_init", t.variant());
        m.put("altmap", t.altmap());
        m.put("measured_ns", t.measuredNanos());
        if (!Double.isNaN(t.modelledMs())) m.put("modelled_ms", t.modelledMs());
        return m;
    }

    @Descriptor("memunmap_pages: remove a dev_pagemap by id (or by its start address)")
    public void memunmap(@Descriptor("pgmap id, or the start address it was mapped at") String which) {
        int id;
        if (which.startsWith("0x") || which.matches(".*[KMGTkmgt]$")) {
            long addr = Units.parse(which);
            DevPagemap pm = null;
            for (DevPagemap p : hp.pagemaps()) if (pm == null && p.startPfn() << Mm.PAGE_SHIFT == addr) pm = p;
            if (pm == null) throw new IllegalArgumentException("no dev_pagemap starts at " + which);
            id = pm.id();
        } else {
            try {
                id = Integer.parseInt(which);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expected a pgmap id or a start address, got '" + which + "'");
            }
        }
        print(result(hp.memunmap(id)));
    }

    static String pagemapLine(DevPagemap pm) {
        String s = String.format(Locale.ROOT, "pgmap %d: %s node %d %s (%s), %d device pages from pfn %#x, %s",
                pm.id(), pm.type().word(), pm.nid(), Units.mem(pm.startPfn() << Mm.PAGE_SHIFT,
                        pm.endPfn() << Mm.PAGE_SHIFT), Units.human(pm.nrPages() << Mm.PAGE_SHIFT), pm.devicePages(),
                pm.firstDevicePfn(), pm.altmap() == null ? "memmap in RAM" : "memmap in the device (altmap)");
        return s + ", initialised by " + pm.initVariant();
    }

    static Map<String, Object> pagemapRow(DevPagemap pm) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", pm.id());
        m.put("type", pm.type().word());
        m.put("node", pm.nid());
        m.put("start_pfn", pm.startPfn());
        m.put("nr_pages", pm.nrPages());
        m.put("altmap", pm.altmap() != null);
        m.put("first_device_pfn", pm.firstDevicePfn());
        m.put("device_pages", pm.devicePages());
        m.put("device_init", pm.initVariant());
        m.put("init_ns", pm.initNanos());
        return m;
    }

    // ------------------------------------------------------------------------------------------------- output

    private void print(Report r) {
        out.print(r);
    }
}
