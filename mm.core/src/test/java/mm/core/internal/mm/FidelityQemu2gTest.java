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
