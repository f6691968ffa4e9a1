package mm.machine.internal;

import static mm.machine.internal.Machines.assertSameMachine;
import static mm.machine.internal.Machines.resource;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import mm.machine.api.BootWorkload;
import mm.machine.api.BootOptions;
import mm.machine.api.E820Range;
import mm.machine.api.E820Type;
import mm.machine.api.HotplugRange;
import mm.machine.api.KernelImage;
import mm.machine.api.LateFree;
import mm.machine.api.Machine;
import mm.machine.api.MachineFormatException;
import mm.machine.api.MachineService.ImportResult;
import mm.machine.api.MemblockOp;
import mm.machine.api.NumaNode;
import mm.machine.api.Reservation;
import org.junit.jupiter.api.Test;

class DmesgImportTest {
    static final String FIXTURE = "refdata/qemu-2g-1node/console.log";
    private final MachineServiceImpl svc = new MachineServiceImpl();

    private ImportResult fixture() throws MachineFormatException {
        return svc.importDmesgText("qemu-2g-1node/console.log", resource(FIXTURE));
    }

    @Test
    void e820MapOfTheReferenceBoot() throws Exception {
        Machine m = fixture().machine();
        assertEquals(List.of(
                new E820Range(0x0L, 0x9fc00L, E820Type.USABLE),
                new E820Range(0x9fc00L, 0xa0000L, E820Type.RESERVED),
                new E820Range(0xf0000L, 0x100000L, E820Type.RESERVED),
                new E820Range(0x100000L, 0x7ffe0000L, E820Type.USABLE),
                new E820Range(0x7ffe0000L, 0x80000000L, E820Type.RESERVED),
                new E820Range(0xfffc0000L, 0x100000000L, E820Type.RESERVED),
                new E820Range(0xfd00000000L, 0x10000000000L, E820Type.RESERVED)), m.e820());
        assertEquals("BIOS-e820: [mem 0x0000000000100000-0x000000007ffdffff] usable", m.e820().get(3).kernelLine());
    }

    @Test
    void oneNodeWithTwoCpusOwningAllUsableMemory() throws Exception {
        Machine m = fixture().machine();
        assertEquals("console", m.name());
        assertEquals("qemu-2g-1node/console.log", m.source());
        assertEquals(1, m.nodes().size());
        NumaNode n = m.nodes().get(0);
        assertEquals(0, n.id());
        assertEquals(2, n.cpus());
        assertEquals(2, n.ranges().size());
        assertArrayEquals(new long[] {0x0, 0x9fc00}, n.ranges().get(0));
        assertArrayEquals(new long[] {0x100000, 0x7ffe0000}, n.ranges().get(1));
        assertEquals(0x9fc00L + 0x7fee0000L, m.usableBytes());
        assertTrue(m.hotplug().isEmpty());
        assertEquals(20, m.distance(0, 1));
    }

    @Test
    void commandLineKernelImageAndLateFrees() throws Exception {
        Machine m = fixture().machine();
        BootOptions o = m.options();
        assertTrue(o.pageOwner());
        assertTrue(o.memblockDebug());
        assertTrue(o.deferredStructPageInit());
        assertFalse(o.earlyPageExt());
        assertEquals(Map.of("console", "ttyS0", "loglevel", "8"), o.extra());
        assertEquals("console=ttyS0 page_owner=on memblock=debug loglevel=8 ignore_loglevel nokaslr", o.cmdline(),
                "the command line as the kernel printed it");

        assertEquals(new KernelImage(16384, 2500, 6884, 4268, 4896), m.kernel());
        assertEquals(List.of(new Reservation("initrd", 0x7fee4000L, 0xfc000L)), m.reservations());
        assertEquals(List.of(
                new LateFree("smp-alternatives", 40, -1),
                new LateFree("initrd", 1008, 0x7fee4000L),
                new LateFree("decrypted", 2028, -1),
                new LateFree("initmem", 4268, -1),
                new LateFree("rodata-data-gap", 1308, -1)), m.lateFrees());
        assertArrayEquals(new int[] {80, 10, 6, 4}, m.workload().orderWeights());
    }

    @Test
    void memblockOpsInTheKernelsOrderWithAllocationsAndDumps() throws Exception {
        ImportResult r = fixture();
        List<MemblockOp> ops = r.machine().memblockOps();
        // logged before the first dump (before e820__memblock_setup): kept, they are in the log line for line
        assertEquals(new MemblockOp(MemblockOp.Kind.RESERVE, 0xf5ba0, 0x10, -1, "smp_scan_config+0xca/0x150"), ops.get(0));
        assertEquals(new MemblockOp(MemblockOp.Kind.RESERVE, 0x3800000, 0x11000, -1, "setup_arch+0xc7e/0xe70"), ops.get(2));
        List<MemblockOp> dump = ops.stream().filter(o -> o.kind() == MemblockOp.Kind.DUMP_RESERVED).toList();
        assertEquals(List.of(
                new MemblockOp(MemblockOp.Kind.DUMP_RESERVED, 0x0, 0x10000, -1, ""),
                new MemblockOp(MemblockOp.Kind.DUMP_RESERVED, 0x9f000, 0x61000, -1, ""),
                new MemblockOp(MemblockOp.Kind.DUMP_RESERVED, 0x1000000, 0x2811000, -1, ""),
                new MemblockOp(MemblockOp.Kind.DUMP_RESERVED, 0x7fee4000L, 0xfc000, -1, "")), dump);
        assertEquals(dump, ops.subList(3, 7), "then the first dump's reservations made before logging began");
        assertEquals(MemblockOp.point(MemblockOp.Kind.DUMP), ops.get(7), "then the first dump");
        List<MemblockOp> replay = ops.subList(8, ops.size());
        assertEquals(64, replay.size());
        assertEquals(48, replay.stream().filter(o -> o.kind() == MemblockOp.Kind.ALLOC).count());
        assertEquals(8, replay.stream().filter(o -> o.kind() == MemblockOp.Kind.RESERVE).count());
        assertEquals(6, replay.stream().filter(o -> o.kind() == MemblockOp.Kind.FREE).count());
        // an allocation: the function, size, alignment, bounds and caller the kernel printed, and where it went
        assertEquals(MemblockOp.alloc("memblock_phys_alloc_range", 0x98000, 0x7000, 0x1000, -1, 0, 0x100000,
                "reserve_real_mode+0x57/0x90"), replay.get(0));
        assertEquals(new MemblockOp(MemblockOp.Kind.RESERVE, 0x0, 0x100000, -1, "setup_arch+0x891/0xe70"), replay.get(1));
        assertEquals(new MemblockOp(MemblockOp.Kind.FREE, 0x7fc00000L, 0x200000, -1, "init_mem_mapping+0x1f5/0x3e0"),
                replay.get(3));
        // numa_init just before NODE_DATA(0)'s reservation, the second dump right after it
        int numa = replay.indexOf(MemblockOp.point(MemblockOp.Kind.NUMA_INIT));
        assertEquals(new MemblockOp(MemblockOp.Kind.RESERVE, 0x7feb9680L, 0x2a980, -1, "memblock_alloc_range_nid+0xbd/0x180"),
                replay.get(numa + 1));
        assertEquals(MemblockOp.point(MemblockOp.Kind.DUMP), replay.get(numa + 2));
        assertEquals(MemblockOp.alloc("memblock_alloc_try_nid_raw", 0x7d500000L, 0x200000, 0x40, -1, 0, 0,
                "alloc_large_system_hash+0x253/0x2d0"), replay.get(replay.size() - 1));
    }

    @Test
    void calibratesTheBootWorkloadFromThePageOwnerCountsOfBothBoots() throws Exception {
        // late page_ext: 10228 found - 9216 pages of page_ext storage = 1012 at the scan, of which the Memory: line
        // (2096632K - 83300K reserved - 2009324K available = 1002 pages) says 1002 were out of the buddy before it
        var late = fixture().machine().workload();
        assertEquals(1002, late.earlyPages() + late.midPages());
        assertEquals(90, late.earlyPages());
        // early_page_ext: 9306 - 9216 = 90 pages before the early page_ext point
        var early = new MachineServiceImpl().importDmesgText("early", resource("refdata/qemu-2g-1node/console-early_page_ext.log"))
                .machine().workload();
        assertEquals(90, early.earlyPages());
    }

    @Test
    void reportsWhatWasUsedAndSkipped() throws Exception {
        ImportResult r = fixture();
        Map<String, Integer> u = r.used();
        assertEquals(7, u.get("e820"));
        assertEquals(2, u.get("cmdline"));
        assertEquals(1, u.get("kernel-image"));
        assertEquals(1, u.get("initrd"));
        assertEquals(5, u.get("late-free"));
        assertEquals(3, u.get("numa")); // No NUMA configuration found, Faking a node, Initmem setup node 0
        assertEquals(9, u.get("cpus")); // 7 CPU topo lines, ".... node #0, CPUs:", "smp: Brought up"
        assertEquals(4, u.get("memblock-dump-reserved"));
        assertEquals(6, u.get("memblock-dump")); // header, sizes, 2 counts, 2 memory regions
        assertEquals(65, u.get("memblock-op")); // 3 before the first dump, 62 after it (allocations: their reservation line)
        assertEquals(48, u.get("memblock-alloc"));
        // allocated ... bytes of page_ext, 2 x page owner found early, node 0 deferred pages initialised
        assertEquals(4, u.get("workload-calibration"));
        assertEquals(1, u.get("version"));
        assertEquals("6.12", r.machine().config().version());
        assertEquals(List.of("version", "e820", "numa", "cpus", "cmdline", "kernel-image", "initrd", "late-free",
                "workload-calibration", "memblock-dump", "memblock-dump-reserved", "memblock-op", "memblock-alloc"), List.copyOf(u.keySet()));
        int nonBlank = (int) resource(FIXTURE).lines().filter(l -> !l.isBlank()).count();
        int used = u.values().stream().mapToInt(Integer::intValue).sum();
        assertEquals(nonBlank, used + r.skipped(), "every non-blank line is either used or skipped");
        assertTrue(r.skipped() > 5000, "the appended dumps are skipped: " + r.skipped());
    }

    @Test
    void importedMachineRendersAndParsesBack() throws Exception {
        Machine m = fixture().machine();
        assertSameMachine(m, svc.parse(m.source(), svc.render(m)));
    }

    @Test
    void earlyPageExtBoot() throws Exception {
        ImportResult r = svc.importDmesgText("console-early_page_ext.log",
                resource("refdata/qemu-2g-1node/console-early_page_ext.log"));
        Machine m = r.machine();
        assertEquals("console-early_page_ext", m.name());
        assertTrue(m.options().earlyPageExt());
        assertTrue(m.options().pageOwner());
        assertEquals(7, m.e820().size());
        assertEquals(2, m.nodes().get(0).cpus());
        assertEquals(72, m.memblockOps().size());
    }

    @Test
    void importDmesgFileNamesTheMachineAfterTheFile(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("my-box.dmesg");
        java.nio.file.Files.writeString(f, TWO_NODE);
        ImportResult r = svc.importDmesg(f);
        assertEquals("my-box", r.machine().name());
        assertEquals(f.toString(), r.machine().source());
        assertEquals("default", svc.current().name(), "importing does not change the current machine by itself");
    }

    // ---------------------------------------------------------------- a hand-made 2-node log with SRAT

    /** A two-socket box with SRAT (also read by mm.shell's MachineCommandsTest). */
    static final String TWO_NODE = resource("dmesg/two-node.log");

    static String resource(String name) {
        try (java.io.InputStream in = DmesgImportTest.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) throw new IllegalArgumentException("no test resource " + name);
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void twoNodeLogWithSrat() throws Exception {
        ImportResult r = svc.importDmesgText("srat-2node", TWO_NODE);
        Machine m = r.machine();
        assertEquals(8, m.e820().size());
        assertEquals(E820Type.ACPI, m.e820().get(4).type());
        assertEquals(E820Type.NVS, m.e820().get(5).type());
        assertEquals(E820Type.PMEM, m.e820().get(7).type());
        assertEquals(2, m.nodes().size());
        NumaNode n0 = m.nodes().get(0), n1 = m.nodes().get(1);
        assertEquals(4, n0.cpus());
        assertEquals(4, n1.cpus());
        assertEquals(3, n0.ranges().size());
        assertArrayEquals(new long[] {0x0, 0x9fc00}, n0.ranges().get(0));
        assertArrayEquals(new long[] {0x100000, 0xbffe0000L}, n0.ranges().get(1));
        assertArrayEquals(new long[] {0x100000000L, 0x140000000L}, n0.ranges().get(2));
        assertEquals(1, n1.ranges().size());
        assertArrayEquals(new long[] {0x140000000L, 0x240000000L}, n1.ranges().get(0));
        assertEquals(List.of(new HotplugRange(0x280000000L, 0x300000000L, 1, false)), m.hotplug());

        BootOptions o = m.options();
        assertEquals(25, o.movablecorePercent());
        assertEquals(1L << 30, o.kernelcoreBytes());
        assertTrue(o.movableNode());
        assertFalse(o.pageOwner());
        assertEquals(Map.of("BOOT_IMAGE", "/vmlinuz", "root", "/dev/sda1"), o.extra());

        assertEquals(new KernelImage(14336, 2000, 5000, 3000, 4000), m.kernel());
        assertEquals(List.of(new LateFree("initrd", 16384, 0x7f000000L), new LateFree("initmem", 3000, -1),
                new LateFree("text-rodata-gap", 2040, -1)), m.lateFrees());
        assertTrue(m.memblockOps().isEmpty());

        assertEquals(Map.of("version", 1, "e820", 8, "numa", 8, "cpus", 2, "cmdline", 2, "kernel-image", 1,
                "initrd", 1, "late-free", 3), r.used());
        assertEquals(6, r.skipped(), "banner, RAM map title, NX, 2 NODE_DATA");
        assertSameMachine(m, svc.parse(m.source(), svc.render(m)));
    }

    @Test
    void sratHotplugRangeThatIsPresentIsSplit() throws Exception {
        String log = """
                BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable
                BIOS-e820: [mem 0x0000000000100000-0x000000017fffffff] usable
                ACPI: SRAT: Node 0 PXM 0 [mem 0x00000000-0xffffffff]
                ACPI: SRAT: Node 1 PXM 1 [mem 0x100000000-0x1ffffffff] hotplug
                SRAT: PXM 0 -> APIC 0x00 -> Node 0
                SRAT: PXM 0 -> APIC 0x01 -> Node 0
                SRAT: PXM 0 -> APIC 0x02 -> Node 0
                SRAT: PXM 1 -> APIC 0x03 -> Node 1
                """;
        Machine m = svc.importDmesgText("x", log).machine();
        assertEquals(3, m.nodes().get(0).cpus(), "per-node CPUs from the SRAT processor lines");
        assertEquals(1, m.nodes().get(1).cpus());
        assertArrayEquals(new long[] {0x100000, 0x100000000L}, m.nodes().get(0).ranges().get(1));
        assertArrayEquals(new long[] {0x100000000L, 0x180000000L}, m.nodes().get(1).ranges().get(0));
        assertEquals(List.of(new HotplugRange(0x100000000L, 0x180000000L, 1, true),
                new HotplugRange(0x180000000L, 0x200000000L, 1, false)), m.hotplug());
        assertSameMachine(m, svc.parse(m.source(), svc.render(m)));
    }

    @Test
    void memoryNoNodeClaimsGoesToTheNeighbour() throws Exception {
        String log = """
                [    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable
                [    0.000000] BIOS-e820: [mem 0x0000000000100000-0x000000007fffffff] usable
                [    0.000000] Initmem setup node 0 [mem 0x0000000000001000-0x000000003fffffff]
                [    0.000000] Initmem setup node 1 [mem 0x0000000040000000-0x000000007fffffff]
                [    0.000000] Initmem setup node 2 as memoryless
                [    0.000000] smp: Brought up 3 nodes, 7 CPUs
                """;
        Machine m = svc.importDmesgText("x", log).machine();
        assertEquals(3, m.nodes().size());
        assertArrayEquals(new long[] {0x0, 0x9fc00}, m.nodes().get(0).ranges().get(0), "page 0 goes to node 0");
        assertTrue(m.nodes().get(2).ranges().isEmpty());
        assertEquals(List.of(3, 2, 2), m.nodes().stream().map(NumaNode::cpus).toList(), "7 CPUs split evenly");
        assertSameMachine(m, svc.parse(m.source(), svc.render(m)));
    }

    @Test
    void logWithoutE820IsRejected() {
        MachineFormatException e = assertThrows(MachineFormatException.class,
                () -> svc.importDmesgText("empty.log", "hello\nworld\n"));
        assertEquals("empty.log:3:1: expected 'BIOS-e820: [mem ...] usable' lines of a kernel boot log or dmesg,"
                + " found none", e.getMessage());
    }

    /** Issue 14, defect 6: contradicting facts are reported at the log's line that brought them, not its last. */
    @Test
    void contradictionNamesTheLogLineOfTheFact() {
        String[] lines = TWO_NODE.split("\n", -1);
        int srat = 0, freeing = 0;
        for (int i = 0; i < lines.length; i++) {
            if (srat == 0 && lines[i].contains("SRAT: Node 1 ")) srat = i;
            if (lines[i].contains("Freeing unused kernel image (initmem)")) freeing = i;
        }
        lines[srat] = lines[srat].replace("Node 1 ", "Node 5000 ");
        MachineFormatException e = assertThrows(MachineFormatException.class,
                () -> svc.importDmesgText("n.log", String.join("\n", lines)));
        assertEquals(srat + 1, e.line(), e.getMessage());
        assertEquals(lines[srat].indexOf("5000") + 1, e.column(), e.getMessage());
        assertTrue(e.getMessage().endsWith("the log does not describe a valid machine: expected a node id in 0..1023,"
                + " got '5000'"), e.getMessage());

        String[] big = TWO_NODE.split("\n", -1);
        big[freeing] = big[freeing].replaceAll("memory: [0-9]+K", "memory: 99999999K");
        e = assertThrows(MachineFormatException.class, () -> svc.importDmesgText("f.log", String.join("\n", big)));
        assertEquals(freeing + 1, e.line(), e.getMessage());
        assertTrue(e.getMessage().contains("late frees without an address add up to"), e.getMessage());
    }

    @Test
    void theVersionLineChoosesTheBuildAndACmaAreaTurnsCmaOn() throws Exception {
        String log = """
                [    0.000000] Linux version 6.1.0-28-amd64 (debian-kernel@lists.debian.org) #1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1
                [    0.000000] Command line: console=ttyS0 cma=64M
                [    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable
                [    0.000000] BIOS-e820: [mem 0x0000000000100000-0x000000007ffdffff] usable
                [    0.000000] cma: Reserved 64 MiB at 0x000000007b000000
                [    0.000000] Memory: 220000K/2096632K available (16384K kernel code, 2500K rwdata, 6884K rodata, 4268K init, 4896K bss, 83340K reserved, 65536K cma-reserved)
                [    0.946250] node 0 deferred pages initialised in 5ms
                """;
        ImportResult r = svc.importDmesgText("x", log);
        assertEquals("6.1", r.machine().config().version());
        assertTrue(r.machine().config().cma());
        assertEquals(1, r.used().get("version"));
        assertEquals(1, r.used().get("cma"));
        // printed before deferred init: the Memory: line calibrates nothing, the workload keeps its defaults
        assertEquals(BootWorkload.defaults().midPages(), r.machine().workload().midPages());
        assertEquals("6.12", svc.importDmesgText("y", log.replace("6.1.0-28-amd64", "6.12.117")).machine().config()
                .version());
        assertSameMachine(r.machine(), svc.parse("x", svc.render(r.machine())));
    }

    @Test
    void secondBootInTheSameLogIsIgnored() throws Exception {
        String one = """
                [    0.000000] Linux version 6.12
                [    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable
                [    0.000000] smp: Brought up 1 node, 2 CPUs
                """;
        ImportResult r = svc.importDmesgText("x", one + one.replace("2 CPUs", "4 CPUs"));
        assertEquals(2, r.machine().nodes().get(0).cpus());
        assertEquals(3, r.skipped()); // the second boot's lines (its Linux version line ends the import)
    }

    @Test
    void messagePrefixesAreRemoved() {
        assertEquals("BIOS-e820: x", DmesgImporter.message("[    0.000000] BIOS-e820: x"));
        assertEquals("BIOS-e820: x", DmesgImporter.message("junk\u001b[2J[   12.345678] BIOS-e820: x\r"));
        assertEquals("BIOS-e820: x", DmesgImporter.message("[Sat Nov 22 02:14:19 2026] BIOS-e820: x"));
        assertEquals("BIOS-e820: x", DmesgImporter.message("Nov 22 02:14:19 host kernel: BIOS-e820: x"));
        assertEquals(" memory size = 0x1", DmesgImporter.message("[    0.000000]  memory size = 0x1"));
        assertEquals("BIOS-e820: x", DmesgImporter.message("BIOS-e820: x"));
    }
}
