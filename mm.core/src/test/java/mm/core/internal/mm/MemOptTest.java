package mm.core.internal.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import mm.core.api.ZoneType;
import mm.core.internal.deferred.DeferredInits;
import mm.machine.api.Machine;
import mm.machine.internal.MachineServiceImpl;
import mm.variant.internal.StandaloneVariants;
import org.junit.jupiter.api.Test;

/** x86's mem=: an address limit on the e820 map (parse_memopt), not a RAM size; the zones follow the cut map. */
class MemOptTest {
    @Test
    void memCutsTheE820MapAtTheAddress() throws Exception {
        StandaloneVariants variants = new StandaloneVariants();
        DeferredInits.register(variants::register);
        MemoryModelImpl model = new MemoryModelImpl(variants);
        Machine m = new MachineServiceImpl().parse("qemu-1g", MachineServiceImpl.builtinText("qemu-2g").orElseThrow()
                + "\ncmdline mem=1G\n");
        List<String> log = model.boot(m).log().stream().map(l -> l.substring(l.indexOf("] ") + 2)).toList();
        int remove = log.indexOf("e820: remove [mem 0x40000000-0xfffffffffffffffe] usable");
        assertTrue(remove > 0, String.join("\n", log));
        assertEquals("user-defined physical RAM map:", log.get(remove + 1));
        assertEquals("user: [mem 0x0000000000100000-0x000000003fffffff] usable", log.get(remove + 5));
        assertTrue(log.contains("last_pfn = 0x40000 max_arch_pfn = 0x10000000000"));
        assertTrue(log.contains("  DMA32    [mem 0x0000000001000000-0x000000003fffffff]"), String.join("\n", log));
        // 1 GiB of address space: everything below it but page 0 and the legacy 640K-1M hole
        var dma32 = model.zone(0, ZoneType.DMA32);
        assertEquals(0x40000 - 0x1000, dma32.spannedPages());
        assertEquals(0x40000 - 0x1000, dma32.presentPages());
        assertEquals(List.of(), model.check());
    }

    /**
     * memmap=nn!ss carves legacy persistent memory (e820 type 12) out of System RAM, memmap=nn$ss a reserved range:
     * e820__update_table lets the higher type win, the zones lose those pages, and the carved sections have no memmap.
     */
    @Test
    void memmapEditsTheE820MapInCommandLineOrder() throws Exception {
        StandaloneVariants variants = new StandaloneVariants();
        DeferredInits.register(variants::register);
        MemoryModelImpl model = new MemoryModelImpl(variants);
        Machine m = new MachineServiceImpl().parse("qemu-pmem", MachineServiceImpl.builtinText("qemu-2g").orElseThrow()
                + "\ncmdline memmap=512M!0x40000000 memmap=16M$0x10000000\n");
        List<String> log = model.boot(m).log().stream().map(l -> l.substring(l.indexOf("] ") + 2)).toList();
        int user = log.indexOf("user-defined physical RAM map:");
        assertTrue(user > 0, String.join("\n", log));
        assertEquals(List.of(
                "user: [mem 0x0000000000100000-0x000000000fffffff] usable",
                "user: [mem 0x0000000010000000-0x0000000010ffffff] reserved",
                "user: [mem 0x0000000011000000-0x000000003fffffff] usable",
                "user: [mem 0x0000000040000000-0x000000005fffffff] persistent (type 12)",
                "user: [mem 0x0000000060000000-0x000000007ffdffff] usable"), log.subList(user + 4, user + 9));
        var dma32 = model.zone(0, ZoneType.DMA32);
        assertEquals(0x7ffe0 - 0x1000 - (16L << 20 >> 12) - (512L << 20 >> 12), dma32.presentPages());
        assertTrue(log.contains("On node 0, zone DMA32: 4096 pages in unavailable ranges"),
                "the reserved 16 MiB lie inside a section; the 512 MiB of pmem are whole sections without a memmap");
        assertEquals(false, model.memmap().valid(0x40000));
        assertEquals(List.of(), model.check());
    }

    /** hugepages=16: hugetlb_init takes 16 order-9 blocks from the buddy, and meminfo shows the pool. */
    @Test
    void hugepagesFillTheBootPoolFromTheBuddy() throws Exception {
        StandaloneVariants variants = new StandaloneVariants();
        DeferredInits.register(variants::register);
        MemoryModelImpl plain = new MemoryModelImpl(variants), huge = new MemoryModelImpl(variants);
        MachineServiceImpl ms = new MachineServiceImpl();
        String text = MachineServiceImpl.builtinText("tiny-2node").orElseThrow();
        plain.boot(ms.parse("tiny-2node", text));
        List<String> log = huge.boot(ms.parse("tiny-2node", text + "\ncmdline hugepages=16\n")).log().stream()
                .map(l -> l.substring(l.indexOf("] ") + 2)).toList();
        assertTrue(log.contains("HugeTLB: registered 2.00 MiB page size, pre-allocated 16 pages"), String.join("\n", log));
        assertTrue(log.contains("HugeTLB: 28 KiB vmemmap can be freed for a 2.00 MiB page"));
        String meminfo = huge.meminfo().text();
        assertTrue(meminfo.contains("HugePages_Total:      16\n"), meminfo);
        assertTrue(meminfo.contains("Hugetlb:           32768 kB\n"), meminfo);
        // the pool comes out of free memory, spread over both nodes
        long diff = plain.totalFreePages() - huge.totalFreePages();
        assertTrue(Math.abs(diff - 16 * 512) < 600, "free pages went down by the pool: " + diff);
        assertEquals(8, huge.kernel().hugetlb.pool.stream().filter(p -> huge.zoneOf(p[0]).nid() == 0).count());
        assertEquals(List.of(), huge.check());
    }

    /**
     * crashkernel=: 256M below 4 GiB at 16 MiB alignment, top-down, in the Memory: line's reserved; ",high" above
     * 4 GiB with the default 256 MiB low reservation.
     */
    @Test
    void crashkernelReservesAsX86Does() throws Exception {
        StandaloneVariants variants = new StandaloneVariants();
        DeferredInits.register(variants::register);
        MemoryModelImpl model = new MemoryModelImpl(variants);
        MachineServiceImpl ms = new MachineServiceImpl();
        List<String> log = model.boot(ms.parse("q", MachineServiceImpl.builtinText("qemu-2g").orElseThrow()
                + "\ncmdline crashkernel=256M\n")).log().stream().map(l -> l.substring(l.indexOf("] ") + 2)).toList();
        String line = log.stream().filter(l -> l.startsWith("crashkernel reserved: ")).findFirst().orElseThrow();
        assertTrue(line.matches("crashkernel reserved: 0x00000000[0-7][0-9a-f]000000 - 0x00000000[0-8][0-9a-f]000000"
                + " \\(256 MB\\)"), line);
        String memory = log.stream().filter(l -> l.startsWith("Memory: ")).findFirst().orElseThrow();
        assertTrue(memory.contains(" " + (83300 + 262144) + "K reserved"), "the plain boot reserves 83300K: " + memory);
        assertEquals(List.of(), model.check());

        log = model.boot(ms.parse("x", MachineServiceImpl.builtinText("xeon-2x384g").orElseThrow()
                + "\ncmdline crashkernel=512M,high\n")).log().stream().map(l -> l.substring(l.indexOf("] ") + 2)).toList();
        int low = -1, high = -1;
        for (int i = 0; i < log.size(); i++) {
            if (log.get(i).matches("crashkernel low memory reserved: 0x[0-9a-f]{8} - 0x[0-9a-f]{8} \\(256 MB\\)")) low = i;
            if (log.get(i).matches("crashkernel reserved: 0x000000[1-9a-f][0-9a-f]{9} - 0x[0-9a-f]{16} \\(512 MB\\)")) high = i;
        }
        assertTrue(low >= 0 && high > low, String.join("\n", log));
        assertEquals(List.of(), model.check());
    }
}
