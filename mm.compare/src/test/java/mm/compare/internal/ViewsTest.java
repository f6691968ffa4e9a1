package mm.compare.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The parsers read every number of the real 6.12 files (the fixture copied beside this test). */
class ViewsTest {
    static String fixture(String name) throws IOException {
        try (InputStream in = ViewsTest.class.getResourceAsStream("/qemu-2g-1node/" + name)) {
            assertNotNull(in, name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void zoneinfoHasEveryZoneFieldOfTheRealFile() throws IOException {
        Map<String, Number> z = Views.zoneinfo(fixture("zoneinfo.txt"));
        assertEquals(501646L, z.get("node 0 DMA32 managed"));
        assertEquals(484361L, z.get("node 0 DMA32 pages free"));
        assertEquals(1951L, z.get("node 0 DMA protection[1]"));
        assertEquals(4096L, z.get("node 0 DMA32 start_pfn"));
        assertEquals(522L, z.get("node 0 nr_active_anon"), "per-node stats belong to the node");
        assertNull(z.get("node 0 DMA nr_active_anon"));
        assertEquals(889L + 2580L, z.get("node 0 DMA32 pagesets count"), "summed over the CPUs");
        assertEquals(7112L + 6986L, z.get("node 0 DMA32 pagesets high"));
        assertEquals(63L, z.get("node 0 DMA32 pagesets batch"));
        assertEquals(20L, z.get("node 0 DMA32 pagesets vm stats threshold"));
        assertEquals(32L, z.get("node 0 Movable min"), "empty zones too");
        assertEquals(0L, z.get("node 0 Device spanned"));
        // every line with a number is a field, but the per-cpu lines folded into four per zone with pagesets
        long numeric = fixture("zoneinfo.txt").lines().filter(l -> l.matches(".*\\s-?\\d+$")).count();
        long perCpu = fixture("zoneinfo.txt").lines()
                .filter(l -> l.matches("\\s+(count|high|batch):.*|\\s+vm stats threshold:.*")).count();
        long cpuLines = fixture("zoneinfo.txt").lines().filter(l -> l.matches("\\s+cpu: \\d+")).count();
        long protection = 5 * 5; // five zones, five entries each, on one line
        assertEquals(numeric - cpuLines - perCpu + 2 * 4 + protection, z.size());
    }

    @Test
    void buddyinfoAndPagetypeinfo() throws IOException {
        Map<String, Number> b = Views.buddyinfo(fixture("buddyinfo.txt"));
        assertEquals(22, b.size());
        assertEquals(468L, b.get("node 0 DMA32 order 10"));
        Map<String, Number> p = Views.pagetypeinfo(fixture("pagetypeinfo.txt"));
        assertEquals(9L, p.get("pageblock order"));
        assertEquals(512L, p.get("pages per block"));
        assertEquals(468L, p.get("node 0 DMA32 Movable order 10"));
        assertEquals(960L, p.get("node 0 DMA32 blocks Movable"));
        assertEquals(1L, p.get("node 0 DMA32 mixed Reclaimable"));
        assertEquals(2 + 2 * 5 * 11 + 2 * 5 + 2 * 5, p.size());
        Map<String, Number> capped = Views.pagetypeinfo("Node    0, zone   Normal, type      Movable >100000      3\n");
        assertEquals(100000L, capped.get("node 0 Normal Movable order 0"), "the kernel's capped count");
    }

    @Test
    void meminfoEveryLine() throws IOException {
        String text = fixture("meminfo.txt");
        Map<String, Number> m = Views.meminfo(text);
        assertEquals(text.lines().count(), m.size());
        assertEquals(2021944L, m.get("MemTotal"));
        assertEquals(0L, m.get("Active(file)"));
        assertEquals(2048L, m.get("Hugepagesize"));
    }

    @Test
    void theLogsMemoryLineEarlyCountsAndDumps() throws IOException {
        List<String> log = fixture("console.log").lines().toList();
        List<String> kernel = Views.kernelLines(log);
        assertTrue(kernel.size() < log.size(), "the dumps are cut off");
        Map<String, Number> mem = Views.memoryLine(kernel);
        assertEquals(2009324L, mem.get("available K"));
        assertEquals(2096632L, mem.get("total K"));
        assertEquals(16384L, mem.get("kernel code K"));
        assertEquals(0L, mem.get("cma-reserved K"));
        Map<String, Number> early = Views.pageOwnerEarly(log);
        assertEquals(Map.of("node 0 DMA early allocated pages", 0L, "node 0 DMA32 early allocated pages", 10228L),
                early);
        String vmstat = Views.section(log, "vmstat");
        assertNotNull(vmstat);
        assertTrue(Views.vmstat(vmstat).containsKey("pgalloc_dma32"));
        assertNull(Views.section(log, "no-such-dump"));
        Map<String, Number> blocks = Views.memoryBlocks(fixture("memory-blocks.txt"));
        assertEquals(Map.of("block_size_bytes", 0x8000000L, "blocks", 16L, "blocks online", 16L,
                "blocks on node 0", 16L), blocks);
        assertFalse(Views.isNumber("12K"));
    }
}
