package mm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** mm.hotplug in the real launcher (full profile): the repository's scripts, run as a user runs them. */
class HotplugIT {
    static String script(String name) {
        return Path.of("..", "scripts", name).toAbsolutePath().normalize().toString();
    }

    /** Out of the box (the reference 6.12 build onlines hot-added memory), mm:memory is the real sysfs listing. */
    @Test
    void qemu2gMemoryBlocksAreTheRealKernelsByteForByte() throws Exception {
        String expected;
        try (var in = HotplugIT.class.getResourceAsStream("/refdata/qemu-2g-memory-blocks.txt")) {
            expected = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        Mmkit.Result r = Mmkit.run("-c", "mm:boot -q --machine qemu-2g; mm:memory");
        assertEquals(0, r.rc(), r::toString);
        String out = r.out();
        assertTrue(out.endsWith("\n" + expected), out);
    }

    @Test
    void theHotplugTourRunsEveryStep() throws Exception {
        Mmkit.Result r = Mmkit.run(script("hotplug-tour.gogo"));
        assertEquals(0, r.rc(), r::toString);
        assertEquals("", r.err(), r::toString);
        String out = r.out();
        // hot-add: eight offline blocks of node 1 offering both zones
        assertTrue(out.contains("add_memory node 1 [mem 0x0000000100000000-0x000000013fffffff]: memory32..memory39 added, offline"), out);
        assertTrue(out.contains("memory34 offline [Normal Movable] 00000022 1 node1\n"), out);
        // online to Normal and Movable
        assertTrue(out.contains("memory32 online [Normal] 00000020 1 node1\n"), out);
        assertTrue(out.contains("memory33 online [Movable] 00000021 1 node1\n"), out);
        assertTrue(out.contains("  memory33 -> Movable (reserved-bit drop): 32768 pages onlined in 32 online_page_callback calls"), out);
        // the refused offline and the two that migrate
        assertTrue(out.contains("] page dumped because: unmovable page\n"), out);
        assertTrue(out.contains("] memory offlining [mem 0x100000000-0x107ffffff] failed due to failure to isolate range\n"), out);
        assertTrue(out.contains("-> EBUSY (Device or resource busy): failure to isolate range"), out);
        assertTrue(Pattern.compile("  memory33 \\(Movable\\): migrated 64 pages in 16 blocks \\(0x10fc00->0x1[0-9a-f]{5}, .*, \\.\\.\\.\\),"
                + " 32768 pages taken off the buddy").matcher(out).find(), out);
        assertTrue(Pattern.compile("  memory32 \\(Normal\\): migrated 64 pages in 16 blocks \\(.*\\), 32768 pages taken off the"
                + " buddy").matcher(out).find(), out);
        assertTrue(out.contains("remove_memory [mem 0x0000000100000000-0x000000013fffffff]"), out);
        // ZONE_DEVICE: 16 GiB with its memmap in the device, under both device-init variants
        assertEquals(2, Pattern.compile("\\] memmap_init_zone_device initialised 4128256 pages in \\d+ms\n").matcher(out)
                .results().count(), out);
        assertTrue(out.contains("device pages: pfn 0x410200-0x7fffff (4128256 pages, 15.75 GiB), initialised by one-pass"), out);
        assertTrue(out.contains("initialised by callback"), out);
        assertTrue(Pattern.compile("(?m)^0 +Device +4194304 +4194304 +0 +0 +0 ").matcher(out).find(), out);
        assertEquals(7, Pattern.compile("(?m)^OK$").matcher(out).results().count(), "every mm:check passed: " + out);
    }

    /**
     * scripts/seed002.gogo as a user runs it (no JVM options): seed 002's machine, both nodes' 3 TiB of pmem mapped
     * under both device-init variants, the modelled deferred and pmem init times in one table.
     */
    @Test
    void theSeed002ScriptPutsTheModelledTimesInTheSeedsTerms() throws Exception {
        Mmkit.Result r = Mmkit.run(script("seed002.gogo"));
        assertEquals(0, r.rc(), r::toString);
        assertEquals("", r.err(), r::toString);
        String out = r.out();
        // deferred init per node: seed 002's 1.06 s (the pages: what setup_arch's memblock calls leave, sparse_init's
        // roots, usemaps and vmemmap tables on each node included)
        assertTrue(Pattern.compile("deferred_init node 0 \\(98530849 pages\\) +\\d+\\.\\d +1037\\.9 \\(modelled\\)\n")
                .matcher(out).find(), out);
        assertTrue(Pattern.compile("deferred_init node 1 \\(99053597 pages\\) +\\d+\\.\\d +1043\\.4 \\(modelled\\)\n")
                .matcher(out).find(), out);
        // 3 TiB per node with its memmap in the device: 792722944 device pages; seed 002's 19.12 s after the series
        assertEquals(2, Pattern.compile("\\] memmap_init_zone_device initialised 792722944 pages in 19114ms\n").matcher(out)
                .results().count(), out);
        assertEquals(2, Pattern.compile("\\] memmap_init_zone_device initialised 792722944 pages in 30514ms\n").matcher(out)
                .results().count(), out);
        assertTrue(out.contains("seed 002, per node: deferred init 3.75 s -> 1.06 s, persistent memory init 24.17 s -> 19.12 s"), out);
        for (int node = 0; node < 2; node++) {
            assertTrue(Pattern.compile("(?m)^  " + node + " +1\\.04 s +792722944 +19\\.11 s +792722944 +30\\.51 s +1\\.60x$")
                    .matcher(out).find(), out);
        }
        assertTrue(out.strip().endsWith("OK"), "mm:check at the end: " + out);
    }

    @Test
    void theReservedBitScriptComparesBothPolicies() throws Exception {
        Mmkit.Result r = Mmkit.run(script("reserved-bit.gogo"));
        assertEquals(0, r.rc(), r::toString);
        String out = r.out();
        assertTrue(out.contains("reserved-bit scenario under 'drop' (every policy run so far, side by side):"), out);
        assertTrue(Pattern.compile("(?m)^policy +keep +drop$").matcher(out).find(), out);
        assertTrue(Pattern.compile("(?m)^2018 PFN walker \\(skips PG_reserved, like saveable_page\\): pages it would save +0 +32768$")
                .matcher(out).find(), out);
        assertTrue(Pattern.compile("(?m)^2018 online_pages_range \\(callback only if first pfn PG_reserved\\): callbacks +32 +0$")
                .matcher(out).find(), out);
        assertTrue(Pattern.compile("(?m)^check at the end +OK +OK$").matcher(out).find(), out);
    }

    @Test
    @SuppressWarnings("unchecked")
    void memoryBlocksAsJson() throws Exception {
        Mmkit.Result r = Mmkit.run("--json", "-c", "mm:boot -q --machine tiny; mm:memory");
        assertEquals(0, r.rc(), r::toString);
        String last = r.out().strip().lines().reduce((a, b) -> b).orElseThrow();
        Map<String, Object> j = Json.object(last);
        assertEquals("memory", j.get("report"));
        assertEquals(134217728L, ((Number) j.get("block_size_bytes")).longValue());
        List<Object> blocks = (List<Object>) j.get("blocks");
        assertEquals(2, blocks.size());
        assertEquals("none", ((Map<String, Object>) blocks.get(0)).get("valid_zones"));
    }
}
