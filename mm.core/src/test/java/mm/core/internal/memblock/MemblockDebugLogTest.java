package mm.core.internal.memblock;

import static mm.core.internal.memblock.MemblockTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import mm.core.api.Memblock;
import mm.core.api.Mm;

/**
 * memblock=debug output, memblock_dump_all and the debugfs files. The expected lines are copied from a real
 * memblock=debug boot log (qemu, 2 GiB, one node, Linux 6.12, timestamps stripped); the emulator replays the same
 * operations with the same caller symbols and must print the same lines and reach the same state.
 */
class MemblockDebugLogTest {

    /** setup_arch up to the first memblock_dump_all of the real log; returns the log lines produced. */
    static List<String> bootUntilFirstDump(MemblockImpl mb) {
        List<String> log = new ArrayList<>();
        // reservations made before the first logged line (they show up in the first dump)
        mb.reserve(0, 0x10000);
        mb.reserve(0x9f000, 0x61000);
        mb.reserve(0x1000000, 0x2800000);
        mb.reserve(0x7fee4000, 0xfc000);
        mb.setDebug(true, log::add);
        mb.caller("smp_scan_config+0xca/0x150").reserve(0xf5ba0, 0x10);
        mb.caller("smp_scan_config+0x13a/0x150").reserve(0xf5bb0, 0xd0);
        mb.caller("setup_arch+0xc7e/0xe70").reserve(0x3800000, 0x11000);
        mb.allowResize();
        mb.caller("e820__memblock_setup+0x73/0xb0").add(0x1000, 0x9ec00);
        mb.caller("e820__memblock_setup+0x73/0xb0").add(0x100000, 0x7fee0000);
        mb.trimMemory(Mm.PAGE_SIZE);
        mb.dumpAllIfDebug();
        return log;
    }

    @Test
    void e820SetupAndFirstDump() {
        MemblockImpl mb = new MemblockImpl();
        List<String> log = bootUntilFirstDump(mb);
        assertEquals(List.of(
                "memblock_reserve: [0x00000000000f5ba0-0x00000000000f5baf] smp_scan_config+0xca/0x150",
                "memblock_reserve: [0x00000000000f5bb0-0x00000000000f5c7f] smp_scan_config+0x13a/0x150",
                "memblock_reserve: [0x0000000003800000-0x0000000003810fff] setup_arch+0xc7e/0xe70",
                "memblock_add: [0x0000000000001000-0x000000000009fbff] e820__memblock_setup+0x73/0xb0",
                "memblock_add: [0x0000000000100000-0x000000007ffdffff] e820__memblock_setup+0x73/0xb0",
                "MEMBLOCK configuration:",
                " memory size = 0x000000007ff7ec00 reserved size = 0x000000000297e000",
                " memory.cnt  = 0x2",
                " memory[0x0]\t[0x0000000000001000-0x000000000009efff], 0x000000000009e000 bytes flags: 0x0",
                " memory[0x1]\t[0x0000000000100000-0x000000007ffdffff], 0x000000007fee0000 bytes flags: 0x0",
                " reserved.cnt  = 0x4",
                " reserved[0x0]\t[0x0000000000000000-0x000000000000ffff], 0x0000000000010000 bytes flags: 0x0",
                " reserved[0x1]\t[0x000000000009f000-0x00000000000fffff], 0x0000000000061000 bytes flags: 0x0",
                " reserved[0x2]\t[0x0000000001000000-0x0000000003810fff], 0x0000000002811000 bytes flags: 0x0",
                " reserved[0x3]\t[0x000000007fee4000-0x000000007ffdffff], 0x00000000000fc000 bytes flags: 0x0"),
                log);
        // memory size still counts the 0xc00 bytes memblock_trim_memory cut off region 0
        assertEquals(0x7ff7ec00L, mb.phys_mem_size());
        assertEquals(0x9e000L + 0x7fee0000L, mb.memory().stream().mapToLong(Memblock.Region::size).sum());
    }

    @Test
    void reservationsAllocationsNumaAndSecondDump() {
        MemblockImpl mb = new MemblockImpl();
        List<String> log = bootUntilFirstDump(mb);
        log.clear();
        assertEquals(0x98000L, mb.caller("reserve_real_mode+0x57/0x90").physAllocRange(28672, 0x1000, 0, 0x100000));
        mb.caller("setup_arch+0x891/0xe70").reserve(0, 0x100000);
        assertEquals(0x7fc00000L,
                mb.caller("init_mem_mapping+0x1d5/0x3e0").physAllocRange(2097152, 0x200000, 0x100000, 0x7ffe0000));
        mb.caller("init_mem_mapping+0x1f5/0x3e0").physFree(0x7fc00000, 2097152);
        mb.setCurrentLimit(0x7ffe0000);
        long[][] acpi = {{0x7ffe19df, 0x74}, {0x7ffe0040, 0x199f}, {0x7ffe0000, 0x40}, {0x7ffe1a53, 0x80},
                {0x7ffe1ad3, 0x38}, {0x7ffe1b0b, 0x28}};
        for (long[] r : acpi) mb.caller("acpi_reserve_initial_tables+0x4a/0x70").reserve(r[0], r[1]);
        // x86 NUMA init (dummy node 0 from the start of DRAM): memory and the reservations inside it get nid 0
        mb.setNode(0x1000, 0x7ffdf000, false, 0);
        mb.setNode(0x1000, 0x7ffdf000, true, 0);
        // alloc_node_data: memblock_phys_alloc_try_nid prints no line of its own
        assertEquals(0x7feb9680L, mb.caller("alloc_node_data+0x3b/0x100").physAllocTryNid(0x2a980, 64, 0));
        mb.dumpAllIfDebug();
        assertEquals(List.of(
                "memblock_phys_alloc_range: 28672 bytes align=0x1000 from=0x0000000000000000 max_addr=0x0000000000100000 reserve_real_mode+0x57/0x90",
                "memblock_reserve: [0x0000000000098000-0x000000000009efff] memblock_alloc_range_nid+0xbd/0x180",
                "memblock_reserve: [0x0000000000000000-0x00000000000fffff] setup_arch+0x891/0xe70",
                "memblock_phys_alloc_range: 2097152 bytes align=0x200000 from=0x0000000000100000 max_addr=0x000000007ffe0000 init_mem_mapping+0x1d5/0x3e0",
                "memblock_reserve: [0x000000007fc00000-0x000000007fdfffff] memblock_alloc_range_nid+0xbd/0x180",
                "memblock_phys_free: [0x000000007fc00000-0x000000007fdfffff] init_mem_mapping+0x1f5/0x3e0",
                "memblock_reserve: [0x000000007ffe19df-0x000000007ffe1a52] acpi_reserve_initial_tables+0x4a/0x70",
                "memblock_reserve: [0x000000007ffe0040-0x000000007ffe19de] acpi_reserve_initial_tables+0x4a/0x70",
                "memblock_reserve: [0x000000007ffe0000-0x000000007ffe003f] acpi_reserve_initial_tables+0x4a/0x70",
                "memblock_reserve: [0x000000007ffe1a53-0x000000007ffe1ad2] acpi_reserve_initial_tables+0x4a/0x70",
                "memblock_reserve: [0x000000007ffe1ad3-0x000000007ffe1b0a] acpi_reserve_initial_tables+0x4a/0x70",
                "memblock_reserve: [0x000000007ffe1b0b-0x000000007ffe1b32] acpi_reserve_initial_tables+0x4a/0x70",
                "memblock_reserve: [0x000000007feb9680-0x000000007fee3fff] memblock_alloc_range_nid+0xbd/0x180",
                "MEMBLOCK configuration:",
                " memory size = 0x000000007ff7ec00 reserved size = 0x0000000002a394b3",
                " memory.cnt  = 0x2",
                " memory[0x0]\t[0x0000000000001000-0x000000000009efff], 0x000000000009e000 bytes on node 0 flags: 0x0",
                " memory[0x1]\t[0x0000000000100000-0x000000007ffdffff], 0x000000007fee0000 bytes on node 0 flags: 0x0",
                " reserved.cnt  = 0x6",
                " reserved[0x0]\t[0x0000000000000000-0x0000000000000fff], 0x0000000000001000 bytes flags: 0x0",
                " reserved[0x1]\t[0x0000000000001000-0x00000000000fffff], 0x00000000000ff000 bytes on node 0 flags: 0x0",
                " reserved[0x2]\t[0x0000000001000000-0x0000000003810fff], 0x0000000002811000 bytes on node 0 flags: 0x0",
                " reserved[0x3]\t[0x000000007feb9680-0x000000007fee3fff], 0x000000000002a980 bytes flags: 0x0",
                " reserved[0x4]\t[0x000000007fee4000-0x000000007ffdffff], 0x00000000000fc000 bytes on node 0 flags: 0x0",
                " reserved[0x5]\t[0x000000007ffe0000-0x000000007ffe1b32], 0x0000000000001b33 bytes flags: 0x0"),
                log);

        // mm_core_init-era allocations: every line and every address as in the real log
        log.clear();
        mb.caller("sparse_init+0x456/0x490").allocTryNid(2097152, 0x40, 0, 0, -1);
        mb.caller("sparse_index_alloc+0x40/0x70").allocTryNid(4096, 0x40, 0, 0, 0);
        mb.caller("sparse_init_nid+0x9f/0x5b0").allocTryNid(896, 0x40, 0x78000000L, 0x80000000L, 0);
        mb.caller("sparse_init_nid+0x111/0x5b0").allocExactNidRaw(33554432, 0x200000, 0x1000000, 0, 0);
        for (int i = 0; i < 3; i++)
            mb.caller("vmemmap_alloc_block_zero.constprop.0+0x11/0x50").allocTryNidRaw(4096, 0x1000, 0x1000000, 0, 0);
        mb.caller("acpi_parse_hpet+0x95/0x150").allocTryNid(73, 0x40, 0, 0, -1);
        mb.caller("io_apic_init_mappings+0x45/0x1f0").allocTryNid(75, 0x40, 0, 0, -1);
        mb.caller("e820__reserve_resources+0x32/0x1f0").allocTryNid(512, 0x40, 0, 0, -1);
        mb.caller("firmware_map_add_early+0x2f/0x60").allocTryNid(104, 0x40, 0, 0, -1);
        assertEquals(List.of(
                "memblock_alloc_try_nid: 2097152 bytes align=0x40 nid=-1 from=0x0000000000000000 max_addr=0x0000000000000000 sparse_init+0x456/0x490",
                "memblock_reserve: [0x000000007fcb9680-0x000000007feb967f] memblock_alloc_range_nid+0xbd/0x180",
                "memblock_alloc_try_nid: 4096 bytes align=0x40 nid=0 from=0x0000000000000000 max_addr=0x0000000000000000 sparse_index_alloc+0x40/0x70",
                "memblock_reserve: [0x000000007fcb8680-0x000000007fcb967f] memblock_alloc_range_nid+0xbd/0x180",
                "memblock_alloc_try_nid: 896 bytes align=0x40 nid=0 from=0x0000000078000000 max_addr=0x0000000080000000 sparse_init_nid+0x9f/0x5b0",
                "memblock_reserve: [0x000000007fcb8300-0x000000007fcb867f] memblock_alloc_range_nid+0xbd/0x180",
                "memblock_alloc_exact_nid_raw: 33554432 bytes align=0x200000 nid=0 from=0x0000000001000000 max_addr=0x0000000000000000 sparse_init_nid+0x111/0x5b0",
                "memblock_reserve: [0x000000007dc00000-0x000000007fbfffff] memblock_alloc_range_nid+0xbd/0x180",
                "memblock_alloc_try_nid_raw: 4096 bytes align=0x1000 nid=0 from=0x0000000001000000 max_addr=0x0000000000000000 vmemmap_alloc_block_zero.constprop.0+0x11/0x50",
                "memblock_reserve: [0x000000007fcb7000-0x000000007fcb7fff] memblock_alloc_range_nid+0xbd/0x180",
                "memblock_alloc_try_nid_raw: 4096 bytes align=0x1000 nid=0 from=0x0000000001000000 max_addr=0x0000000000000000 vmemmap_alloc_block_zero.constprop.0+0x11/0x50",
                "memblock_reserve: [0x000000007fcb6000-0x000000007fcb6fff] memblock_alloc_range_nid+0xbd/0x180",
                "memblock_alloc_try_nid_raw: 4096 bytes align=0x1000 nid=0 from=0x0000000001000000 max_addr=0x0000000000000000 vmemmap_alloc_block_zero.constprop.0+0x11/0x50",
                "memblock_reserve: [0x000000007fcb5000-0x000000007fcb5fff] memblock_alloc_range_nid+0xbd/0x180",
                "memblock_alloc_try_nid: 73 bytes align=0x40 nid=-1 from=0x0000000000000000 max_addr=0x0000000000000000 acpi_parse_hpet+0x95/0x150",
                "memblock_reserve: [0x000000007fcb8280-0x000000007fcb82c8] memblock_alloc_range_nid+0xbd/0x180",
                "memblock_alloc_try_nid: 75 bytes align=0x40 nid=-1 from=0x0000000000000000 max_addr=0x0000000000000000 io_apic_init_mappings+0x45/0x1f0",
                "memblock_reserve: [0x000000007fcb8200-0x000000007fcb824a] memblock_alloc_range_nid+0xbd/0x180",
                "memblock_alloc_try_nid: 512 bytes align=0x40 nid=-1 from=0x0000000000000000 max_addr=0x0000000000000000 e820__reserve_resources+0x32/0x1f0",
                "memblock_reserve: [0x000000007fcb8000-0x000000007fcb81ff] memblock_alloc_range_nid+0xbd/0x180",
                "memblock_alloc_try_nid: 104 bytes align=0x40 nid=-1 from=0x0000000000000000 max_addr=0x0000000000000000 firmware_map_add_early+0x2f/0x60",
                "memblock_reserve: [0x000000007fcb4f80-0x000000007fcb4fe7] memblock_alloc_range_nid+0xbd/0x180"),
                log);
    }

    @Test
    void addNodeRemoveAndDefaultCaller() {
        MemblockImpl mb = newMemblock();
        List<String> log = new ArrayList<>();
        mb.setDebug(true, log::add);
        mb.caller("numa_add+0x1/0x2").addNode(0x100000000L, 0x40000000L, 1, Memblock.FLAG_HOTPLUG);
        mb.remove(0x100000000L, 0x1000); // no caller: the default, and the one-shot caller was consumed
        mb.setDefaultCaller("e820__memblock_setup");
        mb.add(0x1000, 0x1000);
        mb.caller("x").markHotplug(0x1000, 0x1000); // not logged, but consumes the caller
        mb.reserve(0x1000, 0x10);
        assertEquals(List.of(
                "memblock_add_node: [0x0000000100000000-0x000000013fffffff] nid=1 flags=1 numa_add+0x1/0x2",
                "memblock_remove: [0x0000000100000000-0x0000000100000fff] setup_arch",
                "memblock_add: [0x0000000000001000-0x0000000000001fff] e820__memblock_setup",
                "memblock_reserve: [0x0000000000001000-0x000000000000100f] e820__memblock_setup"), log);
        log.clear();
        mb.setDebug(false, null);
        mb.reserve(0x2000, 0x10);
        mb.dumpAllIfDebug();
        assertTrue(log.isEmpty());
    }

    @Test
    void allocationWrappersPrintTheirKernelFunction() {
        MemblockImpl mb = new MemblockImpl();
        mb.add(0x100000, 0x10000000);
        List<String> log = new ArrayList<>();
        mb.setDebug(true, log::add);
        mb.caller("a").alloc(100, 0);
        mb.caller("b").allocRaw(100, 8);
        mb.caller("c").allocFrom(100, 8, 0x200000);
        mb.caller("d").allocLow(100, 8);
        mb.caller("e").allocNode(100, 8, 0);
        mb.caller("f").physAlloc(4096, 4096);
        mb.caller("g").physAllocTryNid(4096, 4096, 0);
        List<String> heads = log.stream().filter(l -> !l.startsWith("memblock_reserve")).toList();
        assertEquals(List.of(
                "memblock_alloc_try_nid: 100 bytes align=0x0 nid=-1 from=0x0000000000000000 max_addr=0x0000000000000000 a",
                "memblock_alloc_try_nid_raw: 100 bytes align=0x8 nid=-1 from=0x0000000000000000 max_addr=0x0000000000000000 b",
                "memblock_alloc_try_nid: 100 bytes align=0x8 nid=-1 from=0x0000000000200000 max_addr=0x0000000000000000 c",
                "memblock_alloc_try_nid: 100 bytes align=0x8 nid=-1 from=0x0000000000000000 max_addr=0x00000000ffffffff d",
                "memblock_alloc_try_nid: 100 bytes align=0x8 nid=0 from=0x0000000000000000 max_addr=0x0000000000000000 e",
                "memblock_phys_alloc_range: 4096 bytes align=0x1000 from=0x0000000000000000 max_addr=0x0000000000000000 f"),
                heads);
        // every allocation (even the silent physAllocTryNid, which falls back from node 0) reserved something
        assertEquals(7, log.size() - heads.size());
        // align 0 became SMP_CACHE_BYTES (64 on x86)
        assertTrue(log.get(1).startsWith("memblock_reserve: [0x00000000100fff80-0x00000000100fffe3]"), log.get(1));
    }

    @Test
    void dumpOfEmptyArraysShowsTheDummyEntry() {
        MemblockImpl mb = newMemblock();
        assertEquals("MEMBLOCK configuration:\n"
                + " memory size = 0x0000000000000000 reserved size = 0x0000000000000000\n"
                + " memory.cnt  = 0x1\n"
                + " memory[0x0]\t[0x0000000000000000-0xffffffffffffffff], 0x0000000000000000 bytes flags: 0x0\n"
                + " reserved.cnt  = 0x1\n"
                + " reserved[0x0]\t[0x0000000000000000-0xffffffffffffffff], 0x0000000000000000 bytes flags: 0x0\n",
                mb.dumpAll());
    }

    @Test
    void dumpShowsFlagsNodesAndHexIndices() {
        MemblockImpl mb = newMemblock();
        for (int i = 0; i < 17; i++) mb.addNode(i * 0x200000L, 0x100000, i % 3, i == 16 ? 0x5 : 0);
        String dump = mb.dumpAll();
        assertTrue(dump.contains(" memory.cnt  = 0x11\n"), dump);
        assertTrue(dump.contains(
                " memory[0x10]\t[0x0000000002000000-0x00000000020fffff], 0x0000000000100000 bytes on node 1 flags: 0x5\n"),
                dump);
    }

    @Test
    void debugfs() {
        MemblockImpl mb = newMemblock();
        assertEquals("   0: 0x0000000000000000..0xffffffffffffffff    x NONE\n", mb.debugfs(false));
        mb.addNode(0x1000, 0x9e000, 0, 0);
        mb.addNode(0x100000, 0x100000, 0, Memblock.FLAG_HOTPLUG);
        mb.addNode(0x200000, 0x100000, 12, Memblock.FLAG_NOMAP);
        mb.addNode(0x300000, 0x100000, 1, Memblock.FLAG_MIRROR | Memblock.FLAG_NOMAP);
        mb.addNode(0x400000, 0x100000, 1, Memblock.FLAG_DRIVER_MANAGED);
        mb.addNode(0x500000, 0x100000, 1, 0x10);
        mb.add(0x600000, 0x1000);
        mb.reserve(0x1000, 0x10);
        assertEquals("   0: 0x0000000000001000..0x000000000009efff    0 NONE\n"
                + "   1: 0x0000000000100000..0x00000000001fffff    0 HOTPLUG\n"
                + "   2: 0x0000000000200000..0x00000000002fffff   12 NOMAP\n"
                + "   3: 0x0000000000300000..0x00000000003fffff    1 MIRROR\n"
                + "   4: 0x0000000000400000..0x00000000004fffff    1 DRV_MNG\n"
                + "   5: 0x0000000000500000..0x00000000005fffff    1 UNKNOWN\n"
                + "   6: 0x0000000000600000..0x0000000000600fff    x NONE\n", mb.debugfs(false));
        assertEquals("   0: 0x0000000000001000..0x000000000000100f    x NONE\n", mb.debugfs(true));
    }

    @Test
    void failedDoublingIsReportedOnTheConsole() {
        MemblockImpl mb = newMemblock();
        mb.allowResize();
        List<String> console = new ArrayList<>();
        mb.setConsole(console::add);
        for (int i = 0; i < 128; i++) mb.reserve(i * 0x10000L, 0x100);
        assertEquals(-12, mb.reserve(0x1000000, 0x100)); // no memory to put the new array in
        assertEquals(List.of("memblock: Failed to double reserved array from 128 to 256 entries !"), console);
    }

    @Test
    void mirrorFallbackWarns() {
        MemblockImpl mb = new MemblockImpl();
        mb.setMirroredKernelcore(true);
        mb.add(0x100000, 0x100000);
        mb.markMirror(0x100000, 0x1000);
        List<String> console = new ArrayList<>();
        mb.setConsole(console::add);
        assertEquals(0x100000, mb.alloc(0x1000, 0x1000));
        assertTrue(console.isEmpty());
        assertEquals(0x1ff000, mb.alloc(0x1000, 0x1000));
        assertEquals(List.of("Could not allocate 0x0000000000001000 bytes of mirrored memory"), console);
    }
}
