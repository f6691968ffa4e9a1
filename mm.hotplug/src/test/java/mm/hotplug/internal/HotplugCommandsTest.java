package mm.hotplug.internal;

import static mm.hotplug.internal.MemoryBlocksTest.print;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The mm: commands' text (Gogo parses the options; here the methods are called as Gogo would). */
class HotplugCommandsTest {
    static final long M = 1L << 20, G = 1L << 30;

    @Test
    void sizesAndBlocks() {
        assertEquals(4 * G, Units.parse("4G"));
        assertEquals(4 * G, Units.parse("0x100000000"));
        assertEquals(16 * M, Units.parse("0x10M"));
        assertEquals(0x1eL, Units.parse("0x1e"), "E is a hex digit after 0x");
        assertEquals(128 * M, Units.parse("134217728"));
        assertThrows(IllegalArgumentException.class, () -> Units.parse("4Q"));
        assertEquals(32, HotplugCommands.blockId("memory32"));
        assertEquals(7, HotplugCommands.blockId("7"));
        assertThrows(IllegalArgumentException.class, () -> HotplugCommands.blockId("mem7"));
        assertEquals("15.75 GiB", Units.human(4128256L * 4096));
        assertEquals("128 MiB", Units.human(128 * M));
    }

    @Test
    void eachOperationPrintsTheKernelLinesThenWhatHappened() {
        Rig rig = new Rig(Rig.machine("hotplug-demo"));
        HotplugCommands c = new HotplugCommands(rig.hp, rig.model, rig.variants, TextPrinter.INSTANCE);
        String out = print(() -> c.hotplug(-1, "ranges"));
        assertTrue(out.contains("[mem 0x0000000100000000-0x000000013fffffff] node 1 absent at boot (1 GiB)"), out);
        out = print(() -> c.hotplug(-1, "add"));
        assertTrue(out.matches("(?s)\\[ *\\d+\\.\\d{6}\\] init_memory_mapping: \\[mem 0x100000000-0x13fffffff\\]\n"
                + "add_memory node 1 \\[mem 0x0000000100000000-0x000000013fffffff\\]: memory32..memory39 added, offline\n"), out);
        out = print(() -> c.hotplug("movable", "online", "memory39"));
        // the kernel time of online_pages is modelled (32768 struct pages initialised and freed, hotplug-demo has
        // the default costs: 7 + 2.5 ns per page and 64 B at 40 GB/s = 0.364 ms); the emulator's own time varies
        assertTrue(out.matches("(?s).*  memory39 -> Movable \\(reserved-bit drop\\): 32768 pages onlined in 32"
                + " online_page_callback calls, kernel time 0\\.4 ms \\(modelled; measured \\d+\\.\\d ms\\);"
                + " Node 1 Movable: start_pfn 0x0 -> 0x138000, spanned 0 -> 32768, present 0 -> 32768,"
                + " managed 0 -> 32768\n.*"), out);
        out = print(() -> c.hotplug("auto", "offline", "39"));
        assertTrue(out.contains("  memory39 (Movable): migrated 0 pages, 32768 pages taken off the buddy;"), out);
        out = print(() -> c.hotplug(-1, "auto", "remove", "4G", "1G"));
        assertTrue(out.endsWith("remove_memory [mem 0x0000000100000000-0x000000013fffffff]: [memory32, memory33,"
                + " memory34, memory35, memory36, memory37, memory38, memory39] removed\n"), out);
        out = print(() -> c.hotplug(-1, "add"));
        assertTrue(out.contains("memory32..memory39 added"), "the slot is empty again: " + out);
        out = print(() -> c.memremap(-1, false, "devdax", "16G", "128M"));
        assertTrue(out.contains("memremap_pages [mem 0x0000000400000000-0x0000000407ffffff]: pgmap 1 (devdax, node 0)\n"
                + "  no altmap: the memmap of the range is in RAM\n"
                + "  device pages: pfn 0x400000-0x407fff (32768 pages, 128 MiB), initialised by one-pass\n"), out);
        assertTrue(out.contains("    pfn 0x400000 (device page): flags reserved|node=0|zone=4 refcount 1 pgmap 1"
                + " zone_device_data 0\n"), out);
        out = print(() -> c.memunmap("0x400000000"));
        assertTrue(out.startsWith("memunmap_pages pgmap 1 [mem 0x0000000400000000-0x0000000407ffffff]: sections removed"), out);
        rig.clean("commands");
        assertThrows(IllegalArgumentException.class, () -> c.hotplug("auto", "frobnicate", "1"));
        assertThrows(IllegalArgumentException.class, () -> c.hotplug("sideways", "online", "memory32"));
        assertThrows(IllegalArgumentException.class, () -> c.memremap(-1, false, "hbm", "16G", "128M"));
    }

    @Test
    void addressesAtOrAbove2To52AreRefusedNamingTheArgument() {
        Rig rig = new Rig(Rig.machine("hotplug-demo"));
        HotplugCommands c = new HotplugCommands(rig.hp, rig.model, rig.variants, TextPrinter.INSTANCE);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> c.hotplug(-1, "auto", "add", "4P", "1G"));
        assertEquals("start 4P: address 0x10000000000000 is at or above 2^52, the end of the physical address space"
                + " (MAX_PHYSMEM_BITS 52, 5-level paging)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> c.hotplug(-1, "auto", "online", "0x7fffffffffff0000", "1G"));
        assertTrue(e.getMessage().startsWith("start 0x7fffffffffff0000: address"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> c.memremap(-1, true, "fsdax", "4T", "0x10000000000000"));
        assertEquals("size 0x10000000000000: the range 0x40000000000+0x10000000000000 ends above 2^52, the end of the"
                + " physical address space (MAX_PHYSMEM_BITS 52, 5-level paging)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> c.hotplug("auto", "offline", "memory999999999999"));
        assertTrue(e.getMessage().startsWith("memory block 'memory999999999999' is not below 2^52"), e.getMessage());
        // 64 TiB, the end of 4-level paging, is addressable with 5-level paging
        String out = print(() -> c.hotplug(-1, "auto", "add", "64T", "1G"));
        assertTrue(out.contains("add_memory node 0 [mem 0x0000400000000000-0x000040003fffffff]: memory524288..memory524295 added"), out);
        rig.clean("after the refused commands");
    }
}
