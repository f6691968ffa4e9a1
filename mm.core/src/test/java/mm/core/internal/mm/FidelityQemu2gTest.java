package mm.core.internal.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mm.core.api.PageFlags;
import mm.core.api.PageInfo;
import mm.core.api.PageState;
import mm.core.api.ZoneType;
import mm.core.internal.deferred.DeferredInits;
import mm.machine.api.Machine;
import mm.machine.internal.MachineServiceImpl;
import mm.variant.internal.StandaloneVariants;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Fidelity against a real Linux 6.12 boot (refdata/qemu-2g-1node): import its console log, boot it, and compare
 * the zone layout, the free_area_init log blocks and the counts with what that kernel printed.
 */
class FidelityQemu2gTest {
    static MemoryModelImpl model;
    static List<String> log;
    static String console;

    @BeforeAll
    static void boot() throws Exception {
        console = resource("refdata/qemu-2g-1node/console.log");
        MachineServiceImpl ms = new MachineServiceImpl();
        Machine m = ms.importDmesgText("qemu-2g", console).machine();
        StandaloneVariants variants = new StandaloneVariants();
        DeferredInits.register(variants::register);
        model = new MemoryModelImpl(variants);
        log = model.boot(m).log().stream().map(l -> l.substring(l.indexOf("] ") + 2)).toList();
    }

    static String resource(String name) throws IOException {
        try (InputStream in = FidelityQemu2gTest.class.getClassLoader().getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The lines of the real console log's first boot that start with one of the prefixes, timestamps stripped. */
    static List<String> realLines(String from, int count) {
        List<String> out = new ArrayList<>();
        String[] lines = console.split("\r?\n");
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i].replaceFirst("^\\[[^]]*\\] ", "");
            if (l.equals(from)) {
                for (int j = 0; j < count; j++) out.add(lines[i + j].replaceFirst("^\\[[^]]*\\] ", ""));
                return out;
            }
        }
        throw new AssertionError("not in the real log: " + from);
    }

    static List<String> ourLines(String from, int count) {
        int i = log.indexOf(from);
        assertTrue(i >= 0, "mmkit did not print: " + from + "\n" + String.join("\n", log));
        return log.subList(i, i + count);
    }

    @Test
    void zoneRangesBlockIsIdentical() {
        assertEquals(realLines("Zone ranges:", 6), ourLines("Zone ranges:", 6));
    }

    @Test
    void earlyMemoryNodeRangesAndInitmemAreIdentical() {
        assertEquals(realLines("Early memory node ranges", 4), ourLines("Early memory node ranges", 4));
    }

    @Test
    void unavailableRangeLinesAreIdentical() {
        List<String> real = console.lines().map(l -> l.replace("\r", "")).map(l -> l.replace("\r", "").replaceFirst("^\\[[^]]*\\] ", ""))
                .filter(l -> l.contains("pages in unavailable ranges")).distinct().toList();
        List<String> ours = log.stream().filter(l -> l.contains("pages in unavailable ranges")).toList();
        assertEquals(List.of("On node 0, zone DMA: 1 pages in unavailable ranges",
                "On node 0, zone DMA: 97 pages in unavailable ranges",
                "On node 0, zone DMA32: 32 pages in unavailable ranges"), real);
        assertEquals(real, ours);
    }

    @Test
    void zonelistLineIsIdentical() {
        String real = realLines("Policy zone: DMA32", 1).get(0);
        assertTrue(log.contains(real));
        assertTrue(log.contains("Built 1 zonelists, mobility grouping on.  Total pages: 524158"), String.join("\n", log));
    }

    @Test
    void spannedAndPresentAreIdenticalAndManagedWithinHalfAPercent() throws IOException {
        Map<String, long[]> real = parseZoneinfo(resource("refdata/qemu-2g-1node/zoneinfo.txt"));
        Map<String, long[]> ours = parseZoneinfo(model.zoneinfo().text());
        assertEquals(real.keySet(), ours.keySet());
        for (String zone : real.keySet()) {
            long[] r = real.get(zone), o = ours.get(zone);
            assertEquals(r[0], o[0], zone + " spanned");
            assertEquals(r[1], o[1], zone + " present");
            assertEquals(r[3], o[3], zone + " start_pfn");
            assertTrue(Math.abs(r[2] - o[2]) <= Math.max(1, r[2] * 0.005), zone + " managed: real " + r[2] + ", mmkit " + o[2]);
        }
    }

    /** Each zone's pagesets as {count, high, batch} per CPU, from a zoneinfo text. */
    static Map<String, List<int[]>> pagesets(String zoneinfo) {
        Map<String, List<int[]>> out = new LinkedHashMap<>();
        String zone = null;
        String[] lines = zoneinfo.split("\n");
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i].trim();
            if (lines[i].startsWith("Node ")) zone = l.substring(l.lastIndexOf(' ') + 1);
            if (l.startsWith("cpu: ")) {
                int[] v = new int[3];
                for (int j = 0; j < 3; j++) v[j] = Integer.parseInt(lines[i + 1 + j].trim().replaceAll("^\\w+:\\s+", ""));
                out.computeIfAbsent(zone, z -> new ArrayList<>()).add(v);
            }
        }
        return out;
    }

    /**
     * The pagesets as 6.12 leaves them: DMA's were never refilled or freed to after setup_per_cpu_pageset, so they
     * keep per_cpu_pages_init's high 0 (batch 1), as in the real boot; DMA32's high lies between high_min (the low
     * watermark over 2 CPUs: 6986) and high_max (managed / 8 over 2 CPUs: 31352), with batch 63.
     */
    @Test
    void pagesetsFollowThePcpHighAutoTuning() throws IOException {
        Map<String, List<int[]>> real = pagesets(resource("refdata/qemu-2g-1node/zoneinfo.txt"));
        Map<String, List<int[]>> ours = pagesets(model.zoneinfo().text());
        for (Map<String, List<int[]>> zi : List.of(real, ours)) {
            assertEquals(2, zi.get("DMA").size());
            for (int[] cpu : zi.get("DMA")) assertEquals(List.of(0, 0, 1), List.of(cpu[0], cpu[1], cpu[2]));
            for (int[] cpu : zi.get("DMA32")) {
                assertEquals(63, cpu[2]);
                assertTrue(cpu[1] >= 6986 && cpu[1] <= 31352, "DMA32 high " + cpu[1]);
                assertTrue(cpu[0] <= cpu[1], "DMA32 count " + cpu[0] + " over high " + cpu[1]);
            }
        }
    }

    /** label -> the line, for a meminfo text. */
    static Map<String, String> meminfoLines(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String l : text.split("\n")) out.put(l.substring(0, l.indexOf(':')), l);
        return out;
    }

    static long kb(Map<String, String> lines, String label) {
        return Long.parseLong(lines.get(label).substring(label.length() + 1).replace("kB", "").trim());
    }

    /**
     * /proc/meminfo: the real file's 55 lines, in its order and columns; MemTotal exact, and the lines that follow from
     * the machine alone (CommitLimit, VmallocTotal, the huge page size, the size of the direct map) exact. MemFree
     * needs page_owner's page_ext tables (36 MiB here), which this bundle alone does not allocate: mm.pageowner's
     * fidelity test compares it.
     */
    @Test
    void meminfoHasTheRealLinesInOrderWithTheMachinesValues() throws IOException {
        Map<String, String> real = meminfoLines(resource("refdata/qemu-2g-1node/meminfo.txt"));
        Map<String, String> ours = meminfoLines(model.meminfo().text());
        assertEquals(55, real.size());
        assertEquals(new ArrayList<>(real.keySet()), new ArrayList<>(ours.keySet()));
        for (String label : real.keySet()) {
            String r = real.get(label), o = ours.get(label);
            if (!label.equals("VmallocTotal")) assertEquals(r.length(), o.length(), "the columns of\n" + r + "\n" + o);
            assertEquals(r.endsWith(" kB"), o.endsWith(" kB"), label);
        }
        assertEquals(real.get("MemTotal"), ours.get("MemTotal"));
        for (String same : List.of("CommitLimit", "VmallocTotal", "Hugepagesize", "HugePages_Total", "SwapTotal",
                "Buffers", "Unaccepted", "DirectMap1G"))
            assertEquals(real.get(same), ours.get(same));
        assertEquals(kb(real, "DirectMap4k") + kb(real, "DirectMap2M"), kb(ours, "DirectMap4k") + kb(ours, "DirectMap2M"),
                "the direct map covers the same memory");
        // what the boot's callers allocated shows where the kernel shows it
        for (String modelled : List.of("SReclaimable", "SUnreclaim", "KernelStack", "PageTables", "AnonPages", "Shmem",
                "VmallocUsed", "Percpu"))
            assertTrue(kb(ours, modelled) > 0, modelled + " " + ours.get(modelled));
        assertEquals(55, model.meminfo().data().size());
    }

    /** zoneinfo prints the real file's lines (names and layout; the counters are this boot's). */
    @Test
    void zoneinfoHasTheRealLinesWithPerNodeStatsAndNumaEvents() throws IOException {
        List<String> real = shape(resource("refdata/qemu-2g-1node/zoneinfo.txt"));
        List<String> ours = shape(model.zoneinfo().text());
        assertEquals(real, ours);
        Map<String, Long> node = ViewsTest.zoneBlock(model.zoneinfo().text(), 0, "DMA");
        for (String s : List.of("nr_slab_reclaimable", "nr_slab_unreclaimable", "nr_kernel_stack", "nr_page_table_pages",
                "nr_active_anon", "nr_anon_pages", "nr_file_pages", "nr_shmem"))
            assertTrue(node.get(s) > 0, s);
        Map<String, Long> dma32 = ViewsTest.zoneBlock(model.zoneinfo().text(), 0, "DMA32");
        // one node, so every allocation is a hit and local; the boot's interleave policy counted part of them
        assertTrue(dma32.get("numa_hit") > 0);
        assertEquals(dma32.get("numa_hit"), dma32.get("numa_local"));
        assertEquals(0, dma32.get("numa_miss") + dma32.get("numa_foreign") + dma32.get("numa_other"));
        assertTrue(dma32.get("numa_interleave") > 0 && dma32.get("numa_interleave") < dma32.get("numa_hit"));
        assertEquals(node.get("nr_active_anon"), dma32.get("nr_zone_active_anon"), "the anon LRU pages are all in DMA32");
    }

    /** The lines of a /proc file with every number taken out. */
    static List<String> shape(String text) {
        return text.lines().map(l -> l.replaceAll("\\d+", "N")).toList();
    }

    @Test
    void theInvariantsHold() {
        assertEquals(List.of(), model.check());
    }

    /** zone -> {spanned, present, managed, start_pfn}. */
    static Map<String, long[]> parseZoneinfo(String text) {
        Map<String, long[]> out = new LinkedHashMap<>();
        long[] cur = null;
        for (String l : text.split("\n")) {
            String t = l.trim();
            if (l.startsWith("Node ")) {
                cur = new long[4];
                out.put(l.trim().replaceAll("\\s+", " "), cur);
            } else if (cur != null && t.startsWith("spanned")) cur[0] = Long.parseLong(t.split("\\s+")[1]);
            else if (cur != null && t.startsWith("present")) cur[1] = Long.parseLong(t.split("\\s+")[1]);
            else if (cur != null && t.startsWith("managed")) cur[2] = Long.parseLong(t.split("\\s+")[1]);
            else if (cur != null && t.startsWith("start_pfn:")) cur[3] = Long.parseLong(t.split("\\s+")[1]);
        }
        return out;
    }

    /** hugetlb_init's report: both x86-64 huge page sizes, none pre-allocated, HVO's savings. */
    @Test
    void hugetlbLinesAreTheKernels() {
        assertEquals(realLines("HugeTLB: registered 1.00 GiB page size, pre-allocated 0 pages", 4),
                log.stream().filter(l -> l.startsWith("HugeTLB: ")).toList());
    }

    /** start_kernel's command line and the words no parameter claims (init/main.c print_unknown_bootoptions). */
    @Test
    void commandLineAndUnknownParametersAreTheKernels() {
        List<String> expected = new ArrayList<>();
        for (String l : console.split("\r?\n")) {
            String t = l.replaceFirst("^\\[[^]]*\\] ", "");
            if (t.startsWith("Kernel command line: ") || t.startsWith("Unknown kernel command line")) expected.add(t);
            if (expected.size() == 2) break;
        }
        assertEquals(expected, log.stream().filter(l -> l.startsWith("Kernel command line: ")
                || l.startsWith("Unknown kernel command line")).toList());
        assertEquals("Command line: console=ttyS0 page_owner=on memblock=debug loglevel=8 ignore_loglevel nokaslr",
                log.get(0));
    }

    /**
     * dma_atomic_pool_init: 128 KiB per GiB of RAM makes three 256 KiB pools (order 6), GFP_KERNEL and GFP_DMA32
     * from DMA32 (this machine has no Normal zone), GFP_DMA from ZONE_DMA at pfn 0x100 as in the kernel's
     * page_owner dump; so DMA's nr_free_pages is the kernel's.
     */
    @Test
    void dmaAtomicPoolsAreTheKernels() throws IOException {
        assertEquals(realLines("DMA: preallocated 256 KiB GFP_KERNEL pool for atomic allocations", 3),
                log.stream().filter(l -> l.startsWith("DMA: preallocated")).toList());
        String zi = resource("refdata/qemu-2g-1node/zoneinfo.txt");
        String dma = zi.substring(zi.indexOf("zone      DMA"), zi.indexOf("zone    DMA32"));
        long realFree = Long.parseLong(dma.replaceAll("(?s).*nr_free_pages\\s+(\\d+).*", "$1"));
        assertEquals(realFree, model.zone(0, ZoneType.DMA).freePages());
        PageInfo pool = model.page(0x100);
        assertEquals(PageState.ALLOCATED_HEAD, pool.pageState(), pool.state());
    }

    /**
     * mm:page of a free page (pfn 0x140, next to the GFP_DMA atomic pool at 0x100): page->flags carries only PG_ bits, node and zone
     * (what %pGp prints), PageBuddy is the page_type, and the allocator's view says the same as its words.
     */
    @Test
    void pageFlagsAndPageTypeAreApart() {
        PageInfo pi = model.page(0x140);
        assertEquals(0, pi.flags() & PageFlags.TYPE_MASK, "no page_type bits in page->flags");
        assertEquals(PageFlags.TYPE_BUDDY, pi.pageType());
        assertEquals(PageState.FREE_BUDDY, pi.pageState());
        assertTrue(pi.state().startsWith("free (buddy, order "), pi.state());
        assertEquals(ZoneType.DMA.ordinal(), PageFlags.zoneIdx(pi.flags()));
    }
}
