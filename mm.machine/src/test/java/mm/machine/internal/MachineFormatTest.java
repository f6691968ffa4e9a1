package mm.machine.internal;

import static mm.machine.internal.Machines.assertSameMachine;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import mm.machine.api.BootOptions;
import mm.machine.api.BootWorkload;
import mm.machine.api.E820Range;
import mm.machine.api.E820Type;
import mm.machine.api.HotplugRange;
import mm.machine.api.KernelImage;
import mm.machine.api.LateFree;
import mm.machine.api.Machine;
import mm.machine.api.MachineFormatException;
import mm.machine.api.MemblockOp;
import mm.machine.api.NumaNode;
import mm.machine.api.Reservation;
import mm.machine.api.Sizes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MachineFormatTest {
    private final MachineServiceImpl svc = new MachineServiceImpl();

    private static final String MINIMAL = """
            machine m
            node 0 cpus 1
            e820 0x0-0x9fbff usable node 0
            e820 0x100000-0x7ffffff usable node 0
            """;

    private Machine parse(String text) throws MachineFormatException {
        return svc.parse("t", text);
    }

    private void roundTrip(Machine m) throws MachineFormatException {
        String text = svc.render(m);
        Machine back = svc.parse(m.source(), text);
        assertSameMachine(m, back);
        assertEquals(text, svc.render(back), "render is stable");
    }

    // ---------------------------------------------------------------- shipped machines

    @ParameterizedTest
    @MethodSource("builtins")
    void everyShippedMachineParsesAndRoundTrips(String name) throws Exception {
        Machine m = svc.builtin(name).orElseThrow();
        assertEquals(name, m.name());
        assertEquals("machines/" + name, m.source());
        assertFalse(m.nodes().isEmpty());
        assertTrue(m.usableBytes() > 0);
        roundTrip(m);
    }

    static Stream<String> builtins() {
        return MachineServiceImpl.BUILTIN.stream();
    }

    @Test
    void machinesDirectoryHoldsExactlyTheBuiltins() throws IOException {
        Path dir = Path.of("../machines");
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(MachineServiceImpl.BUILTIN.stream().sorted().toList(),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void defaultMachineIsTheDescribedOne() throws Exception {
        Machine m = svc.builtin("default").orElseThrow();
        assertEquals(2, m.nodes().size());
        assertEquals(2, m.nodes().get(0).cpus());
        assertEquals(2, m.nodes().get(1).cpus());
        long gib = 1L << 30;
        long installed = 0;
        for (E820Range r : m.e820()) if (r.type() == E820Type.USABLE) installed += r.size();
        assertTrue(installed > 8 * gib - 8 * (1 << 20) && installed <= 8 * gib, "about 8 GiB usable: " + installed);
        assertEquals(new E820Range(0, 0x9fc00, E820Type.USABLE), m.e820().get(0));
        assertTrue(m.e820().stream().anyMatch(r -> r.type() == E820Type.ACPI));
        assertTrue(m.e820().stream().anyMatch(r -> r.type() == E820Type.NVS));
        assertTrue(m.e820().stream().anyMatch(r -> r.type().isRam() && r.start() == 1L << 32), "RAM above 4 GiB");
        assertTrue(m.e820().stream().noneMatch(r -> r.type().isRam() && r.start() < 1L << 32 && r.end() > 0xc0000000L),
                "32-bit PCI hole");
        assertEquals(new Reservation("kernel", 0x1000000, 0x2811000), m.reservations().get(0));
        Reservation initrd = m.reservations().get(1);
        assertEquals("initrd", initrd.name());
        assertTrue(m.nodes().get(0).contains(initrd.base()) && initrd.end() <= 0xc0000000L);
        assertTrue(m.options().deferredStructPageInit());
        assertFalse(m.options().pageOwner());
        assertEquals(20, m.distance(0, 1));
    }

    @Test
    void xeonHas52CpusPerNodeAnd384GiBEach() throws Exception {
        Machine m = svc.builtin("xeon-2x384g").orElseThrow();
        long gib = 1L << 30;
        for (NumaNode n : m.nodes()) {
            assertEquals(52, n.cpus());
            long b = n.ranges().stream().mapToLong(r -> r[1] - r[0]).sum();
            assertTrue(b > 383 * gib && b <= 384 * gib, "node " + n.id() + " has " + b);
        }
        assertEquals(21, m.distance(1, 0));
    }

    @Test
    void big32tHas16NodesOf2TiBAnd56CpusEach() throws Exception {
        Machine m = svc.builtin("big-32t").orElseThrow();
        long gib = 1L << 30, tib = 1L << 40;
        assertEquals(16, m.nodes().size());
        for (NumaNode n : m.nodes()) {
            assertEquals(56, n.cpus());
            long b = n.ranges().stream().mapToLong(r -> r[1] - r[0]).sum();
            assertTrue(b > 2 * tib - gib && b <= 2 * tib, "node " + n.id() + " has " + b);
        }
        assertTrue(m.usableBytes() > 32 * tib - gib && m.usableBytes() <= 32 * tib, "usable " + m.usableBytes());
        assertEquals(21, m.distance(0, 3));
        assertEquals(31, m.distance(0, 4));
        // firmware holes below 4 GiB, the vmemmap tables reserved on every node
        assertTrue(m.e820().stream().anyMatch(r -> r.type() == E820Type.NVS && r.end() <= 4 * gib));
        for (NumaNode n : m.nodes()) {
            long top = n.ranges().get(n.ranges().size() - 1)[1];
            assertTrue(m.reservations().stream().anyMatch(r -> r.name().equals("vmemmap-pmd-" + n.id())
                    && r.base() + r.size() == top), "node " + n.id());
        }
    }

    @Test
    void xeon4sHas512CpusAndPmem6tHas6TiBOfPmem() throws Exception {
        Machine x = svc.builtin("xeon-4s-512").orElseThrow();
        assertEquals(4, x.nodes().size());
        assertEquals(512, x.nodes().stream().mapToInt(NumaNode::cpus).sum());
        Machine p = svc.builtin("pmem-6t").orElseThrow();
        long pmem = p.e820().stream().filter(r -> r.type() == E820Type.PMEM).mapToLong(E820Range::size).sum();
        assertEquals(6L << 40, pmem);
        assertEquals(2, p.nodes().size());
    }

    @Test
    void duyck2018Has384GiBOfRamAnd3TiBOfPmemPerNodeAndItsCalibration() throws Exception {
        Machine m = svc.builtin("duyck-2018").orElseThrow();
        long gib = 1L << 30;
        assertEquals(2, m.nodes().size());
        for (NumaNode n : m.nodes()) {
            long b = n.ranges().stream().mapToLong(r -> r[1] - r[0]).sum();
            assertTrue(b > 383 * gib && b <= 384 * gib, "node " + n.id() + " has " + b);
        }
        List<E820Range> pmem = m.e820().stream().filter(r -> r.type() == E820Type.PMEM).toList();
        assertEquals(List.of(3L << 40, 3L << 40), pmem.stream().map(E820Range::size).toList());
        assertEquals(List.of(1L << 40, 4L << 40), pmem.stream().map(E820Range::start).toList());
        assertEquals(3.74, m.timing("device_bw_gbps", 0));
        assertEquals(6.38, m.timing("pfn_init_ns_per_page", 0));
        // the deferred-init parameters are xeon-2x384g's: both are fitted on seed 002's figures
        Machine x = svc.builtin("xeon-2x384g").orElseThrow();
        for (String k : x.timing().keySet()) assertEquals(x.timing(k, -1), m.timing(k, -2), k);
    }

    @Test
    void tinyMachinesAreSmall() throws Exception {
        Machine t = svc.builtin("tiny").orElseThrow();
        assertEquals(1, t.nodes().size());
        assertTrue(t.usableBytes() <= 256L << 20 && t.usableBytes() > 250L << 20);
        Machine t2 = svc.builtin("tiny-2node").orElseThrow();
        assertEquals(2, t2.nodes().size());
        assertEquals(List.of(0x10000000L, 0x1ffe0000L),
                List.of(t2.nodes().get(1).ranges().get(0)[0], t2.nodes().get(1).ranges().get(0)[1]));
    }

    // ---------------------------------------------------------------- the documented example

    static String docExample() throws IOException {
        String doc = Files.readString(Path.of("../docs/machine-format.md"));
        int at = doc.indexOf("## Complete example");
        int start = doc.indexOf("```\n", at) + 4;
        return doc.substring(start, doc.indexOf("```", start));
    }

    @Test
    void documentedExampleParsesWithEveryStatement() throws Exception {
        Machine m = svc.parse("docs/example", docExample());
        assertEquals("example", m.name());
        assertEquals(2, m.nodes().size());
        long g = 1L << 30;
        assertArrayEquals(new long[] {4 * g, 6 * g}, m.nodes().get(0).ranges().get(2));
        assertArrayEquals(new long[] {6 * g, 10 * g}, m.nodes().get(1).ranges().get(0));
        assertArrayEquals(new int[] {21, 10}, m.distance()[1]);
        assertTrue(m.e820().contains(new E820Range(10 * g, 11 * g, E820Type.PMEM)));
        assertTrue(m.e820().contains(new E820Range(11 * g, 11 * g + (512L << 20), E820Type.SOFT_RESERVED)));
        assertTrue(m.e820().contains(new E820Range(0xfed00000L, 0xfed00400L, E820Type.UNUSABLE)));
        assertEquals(List.of(new HotplugRange(9 * g, 10 * g, 1, true), new HotplugRange(12 * g, 16 * g, 1, false)),
                m.hotplug());
        assertEquals(new Reservation("kernel", 0x1000000, 0x2811000), m.reservations().get(0));
        assertEquals(List.of(new LateFree("initrd", 1008, 0x7fee4000), new LateFree("initmem", 4268, -1),
                new LateFree("rodata-data-gap", 1308, -1)), m.lateFrees());
        assertEquals(new KernelImage(16384, 2500, 6884, 4268, 4896), m.kernel());
        BootOptions o = m.options();
        assertTrue(o.pageOwner() && o.memblockDebug() && o.movableNode() && o.deferredStructPageInit());
        assertEquals(20, o.movablecorePercent());
        assertEquals(2 * g, o.kernelcoreBytes());
        assertEquals(-1, o.kernelcorePercent());
        assertEquals(Map.of("page_reporting.page_reporting_order", "9"), o.extra());
        BootWorkload w = m.workload();
        assertEquals(7, w.seed());
        assertArrayEquals(new int[] {70, 20, 10}, w.orderWeights());
        assertEquals(12.5, m.timing("init_ns_per_page", 0));
        assertEquals(6, m.memblockOps().size());
        assertEquals(new MemblockOp(MemblockOp.Kind.DUMP_RESERVED, 0x1000000, 0x2811000, 0, ""), m.memblockOps().get(1));
        assertEquals(new MemblockOp(MemblockOp.Kind.REMOVE, 0x7fe00000, 1 << 20, -1,
                "memblock_mem_limit_remove_map+0x51/0x70"), m.memblockOps().get(5));
        roundTrip(m);
    }

    // ---------------------------------------------------------------- syntax details

    @Test
    void minimalFileGetsDefaults() throws Exception {
        Machine m = parse(MINIMAL);
        assertEquals("m", m.name());
        assertNull(m.distance());
        assertEquals(10, m.distance(0, 0));
        assertEquals(KernelImage.defaults(), m.kernel());
        assertEquals(BootOptions.defaults(), m.options());
        assertArrayEquals(BootWorkload.defaults().orderWeights(), m.workload().orderWeights());
        assertEquals(0x9fc00 + 0x7f00000, m.usableBytes());
        roundTrip(m);
    }

    @Test
    void sizesAcceptHexDecimalAndSuffixes() throws Exception {
        assertEquals(4L << 30, Sizes.parse("4G"));
        assertEquals(4L << 30, Sizes.parse("4g"));
        assertEquals(0x100000, Sizes.parse("0x100000"));
        assertEquals(0x10L << 20, Sizes.parse("0x10M"));
        assertEquals(1048576, Sizes.parse("1048576"));
        assertEquals(1L << 40, Sizes.parse("1T"));
        assertEquals(-1, Sizes.parse("4Q"));
        assertEquals(-1, Sizes.parse("0x"));
        assertEquals(-1, Sizes.parse("16E"));
        assertEquals("1008K", Sizes.format(1008 * 1024));
        assertEquals("4G", Sizes.format(4L << 30));
        assertEquals("1000", Sizes.format(1000));
    }

    @Test
    void nameDefaultsToTheFileNameAndCommentsAndTabsAreIgnored() throws Exception {
        Machine m = svc.parse("some/dir/box.machine", "# a comment\n\n\tnode\t0 cpus 3   # trailing\n"
                + "e820 0+1M usable node 0\r\n");
        assertEquals("box", m.name());
        assertEquals(3, m.nodes().get(0).cpus());
        assertEquals(List.of(new E820Range(0, 1 << 20, E820Type.USABLE)), m.e820());
    }

    @Test
    void e820IsSortedAndNodeRangesFollowIt() throws Exception {
        Machine m = parse("""
                node 0 cpus 1
                node 1 cpus 1
                e820 1G+1G usable node 1
                e820 0+1G usable node 0
                """);
        assertEquals(0, m.e820().get(0).start());
        assertArrayEquals(new long[] {1L << 30, 2L << 30}, m.nodes().get(1).ranges().get(0));
    }

    @Test
    void extraOptionsAndLaterOptionsWin() throws Exception {
        Machine m = parse(MINIMAL + "cmdline movablecore=1G foo.bar=3 page_owner=on\ncmdline movablecore=10% "
                + "page_owner=off deferred_struct_page_init=off mem=0x40000000 early_page_ext\n");
        BootOptions o = m.options();
        assertEquals(10, o.movablecorePercent());
        assertEquals(0, o.movablecoreBytes());
        assertFalse(o.pageOwner());
        assertFalse(o.deferredStructPageInit());
        assertTrue(o.earlyPageExt());
        assertEquals(1L << 30, o.memLimit());
        assertEquals(Map.of("foo.bar", "3"), o.extra());
        // the command line as written, word by word (the kernel prints it so)
        assertEquals("movablecore=1G foo.bar=3 page_owner=on movablecore=10% page_owner=off "
                + "deferred_struct_page_init=off mem=0x40000000 early_page_ext", o.cmdline());
        assertEquals("deferred_struct_page_init=off early_page_ext movablecore=10% mem=1G foo.bar=3",
                new BootOptions(o.deferredStructPageInit(), o.pageOwner(), o.earlyPageExt(), o.movablecoreBytes(),
                        o.movablecorePercent(), o.kernelcoreBytes(), o.kernelcorePercent(), o.memLimit(),
                        o.memblockDebug(), o.movableNode(), o.extra()).cmdline(), "options made in code are rendered");
        roundTrip(m);
    }

    @Test
    void programmaticMachineRoundTrips() throws Exception {
        Machine m = new Machine("prog", "prog", List.of(new NumaNode(0, 2, List.of(new long[] {0x1000, 0x9f000})),
                new NumaNode(3, 0, List.of())), new int[][] {{10, 30}, {30, 10}},
                List.of(new E820Range(0x1000, 0x9f000, E820Type.USABLE), new E820Range(0x9f000, 0xa0000, E820Type.PRAM)),
                List.of(new HotplugRange(1L << 32, 2L << 32, 3, false)), List.of(new Reservation("fw", 0x9f000, 0x100)),
                List.of(new MemblockOp(MemblockOp.Kind.RESERVE, 0x2000, 0, 7, "x+0x1/0x2"),
                        new MemblockOp(MemblockOp.Kind.ADD, 0x2000, 0x1000, -1, "")),
                List.of(new LateFree("initmem", 12, -1)),
                new BootOptions(true, true, false, 3L << 30, -1, 0, 25, 0, false, false, Map.of("a", "b", "c", "")),
                new BootWorkload(-5, 1, 0, 0, 0, new int[] {1}), new KernelImage(1, 2, 3, 4, 5),
                Map.of("init_ns_per_page", 1e-9, "threads_per_core", 3.0, "ht_gain", 0.25, "free_ns_per_page", 0.0,
                        "mem_bw_gbps", 1e5));
        roundTrip(m);
    }

    // ---------------------------------------------------------------- broken input: file:line:column: what

    static Stream<Arguments> broken() {
        return Stream.of(
                // a bad size (the example of the brief)
                Arguments.of("""
                        machine bad
                        node 0 cpus 1
                        e820 0x0-0x9fbff usable node 0
                        # more memory
                        e820 0x100000+4M usable node 0

                        reserve initrd 4Q+1M
                        """, "bad:7:16: expected a size like 4G or 0x100000, got '4Q'"),
                Arguments.of(MINIMAL + "reserve kernel 0x1000000-4Q\n",
                        "bad:5:26: expected a size like 4G or 0x100000, got '4Q'"),
                // unknown keyword
                Arguments.of(MINIMAL + "  zone 0 DMA\n", "bad:5:3: unknown keyword 'zone' (expected one of "
                        + MachineParser.KEYWORDS + ")"),
                // overlapping e820 ranges
                Arguments.of(MINIMAL + "e820 0x7000000-0x8ffffff reserved\n",
                        "bad:5:6: e820 range 0x7000000-0x8ffffff overlaps 0x100000-0x7ffffff (line 4)"),
                // a usable range given to an unknown node
                Arguments.of(MINIMAL + "e820 1G+1G usable node 2\n", "bad:5:24: node 2 is not defined (defined: 0)"),
                // memory line to an unknown node
                Arguments.of("node 0 cpus 1\ne820 0+1G usable\nmemory 0+512M node 0\nmemory 512M+512M node 1\n",
                        "bad:4:23: node 1 is not defined (defined: 0)"),
                // usable memory without a node
                Arguments.of("node 0 cpus 1\ne820 0+1G usable\nmemory 0+512M node 0\n",
                        "bad:2:6: usable range 0x0-0x3fffffff does not belong to a node: expected 'node N' after"
                                + " 'usable' or 'memory' lines covering it"),
                // distance: not square (row too long), not square (missing row), not symmetric, diagonal
                Arguments.of("node 0 cpus 1\nnode 1 cpus 1\ndistance 10 20 30\ndistance 20 10\n" + "e820 0+1G usable node 0\n",
                        "bad:3:16: the distance table is not square: expected 2 distance(s) in this row (one per"
                                + " node), got 3"),
                Arguments.of("node 0 cpus 1\nnode 1 cpus 1\ndistance 10 20\ne820 0+1G usable node 0\n",
                        "bad:3:1: the distance table is not square: it has 1 row(s) but there are 2 nodes (one row"
                                + " per node, in node order)"),
                Arguments.of("node 0 cpus 1\nnode 1 cpus 1\ndistance 10 20\ndistance 21 10\ne820 0+1G usable node 0\n",
                        "bad:4:10: the distance table is not symmetric: node 1 to node 0 is 21 but node 0 to node 1"
                                + " is 20 (line 3)"),
                Arguments.of("node 0 cpus 1\nnode 1 cpus 1\ndistance 10 20\ndistance 20 11\ne820 0+1G usable node 0\n",
                        "bad:4:13: the distance of node 1 to itself must be 10, got 11"),
                // bad option values
                Arguments.of(MINIMAL + "cmdline crashkernel=256Q\n", "bad:5:21: expected crashkernel=SIZE, SIZE@OFFSET,"
                        + " SIZE,high, SIZE,low or START-[END]:SIZE[,...], got 'crashkernel=256Q'"),
                Arguments.of(MINIMAL + "cmdline hugepagesz=1G hugepages=2\n", "bad:5:33: 1 GiB huge pages allocated at"
                        + " boot (gigantic pages from memblock) are not modelled by mmkit; use hugepages= with 2M pages"),
                Arguments.of(MINIMAL + "cmdline hugepagesz=4M\n", "bad:5:20: expected hugepagesz=2M or hugepagesz=1G"
                        + " (the huge page sizes of x86-64), got 'hugepagesz=4M'"),
                Arguments.of(MINIMAL + "cmdline memmap=1G!4Q\n", "bad:5:19: expected an address like 4G or 0x100000000"
                        + " after '!' in memmap=, got '1G!4Q'"),
                Arguments.of(MINIMAL + "cmdline memmap=2G@4G\n", "bad:5:16: memmap=2G@4G is not supported by mmkit (it"
                        + " adds System RAM or retypes ranges; describe the map with e820 lines instead)"),
                Arguments.of(MINIMAL + "cmdline memmap=1G!0xffffff0000000\n", "bad:5:19: memmap=1G!0xffffff0000000 ends"
                        + " beyond 2^52 (the physical address limit, MAX_PHYSMEM_BITS = 52)"),
                Arguments.of(MINIMAL + "cmdline page_owner=yes\n",
                        "bad:5:20: expected page_owner=on or page_owner=off, got 'page_owner=yes'"),
                Arguments.of(MINIMAL + "cmdline movablecore=150%\n",
                        "bad:5:21: expected a percentage 0%..100% in movablecore=N%, got '150%'"),
                // bad e820 type, missing word, extra word
                Arguments.of(MINIMAL + "e820 1G+1G ram-ish\n", "bad:5:12: expected an e820 type (usable, reserved,"
                        + " acpi-data, acpi-nvs, unusable, pmem, pram, soft-reserved), got 'ram-ish'"),
                Arguments.of(MINIMAL + "node 1 cpus\n", "bad:5:12: expected a CPU count, got end of line"),
                Arguments.of(MINIMAL + "e820 1G+1G reserved node 0\n",
                        "bad:5:21: only usable ranges belong to a node, this one is reserved"),
                Arguments.of(MINIMAL + "timing ht_gain 0.5 ns\n", "bad:5:20: unexpected 'ns' after the value"),
                Arguments.of(MINIMAL + "timing init_ns_per_page -100\n",
                        "bad:5:25: timing init_ns_per_page -100 is out of range (0..1000000)"),
                Arguments.of(MINIMAL + "timing mem_bw_gbps 0\n", "bad:5:20: timing mem_bw_gbps 0 is out of range (0.001..1000000)"),
                Arguments.of(MINIMAL + "timing init_ns_per_pag 8\n", "bad:5:8: unknown timing parameter 'init_ns_per_pag'"
                        + " (known: cold_walk_ns_per_page, ctor_ns_per_page, deferred_threads, device_bw_gbps,"
                        + " free_ns_per_page, ht_gain, init_ns_per_page, llc_mib, mem_bw_gbps, page_owner_scan_ns_per_page,"
                        + " pfn_check_ns_per_page, pfn_init_ns_per_page, smp_boot_ms, thread_start_us, threads_per_core;"
                        + " docs/timing-model.md)"),
                Arguments.of(MINIMAL + "timing device_bw_gbps 0\n",
                        "bad:5:23: timing device_bw_gbps 0 is out of range (0.001..1000000)"),
                // range end below its start; node defined twice; no node at all
                Arguments.of(MINIMAL + "reserve x 0x2000-0x1000\n",
                        "bad:5:18: range end 0x1000 is below its start 0x2000 (the end is inclusive)"),
                Arguments.of(MINIMAL + "node 0 cpus 2\n", "bad:5:6: node 0 is defined twice (first on line 2)"),
                Arguments.of("# nothing\ne820 0+1G usable\n", "bad:2:1: expected at least one 'node ID cpus N'"
                        + " line, got none"),
                // late free not in whole KiB; hotplug present outside memory
                Arguments.of(MINIMAL + "latefree initrd 1000\n",
                        "bad:5:17: expected a size in whole KiB like 1008K, got '1000'"),
                Arguments.of(MINIMAL + "hotplug 1G+1G node 0 present\n",
                        "bad:5:9: hotplug range 0x40000000-0x7fffffff is 'present' but is not all usable memory of"
                                + " node 0"),
                Arguments.of(MINIMAL + "workload seed 1 orders 80,x,6\n",
                        "bad:5:27: expected a weight (a whole number), got 'x'"),
                // physical addresses end at 2^52 (5-level paging): every kind of range, and the latefree address
                Arguments.of(MINIMAL + "e820 0x10000000000000-0x10000000ffffff reserved\n",
                        "bad:5:6: address 0x10000000000000 is at or above " + MachineParser.MAX_PHYS_TEXT),
                Arguments.of(MINIMAL + "e820 0x100000-7E usable node 0\n",
                        "bad:5:15: range 0x100000-0x7000000000000000 ends above " + MachineParser.MAX_PHYS_TEXT),
                Arguments.of(MINIMAL + "reserve far 0x0-0x7ffffffffffffffe\n",
                        "bad:5:17: range 0x0-0x7ffffffffffffffe ends above " + MachineParser.MAX_PHYS_TEXT),
                Arguments.of(MINIMAL + "hotplug 4P+1G node 0 absent\n",
                        "bad:5:9: address 0x10000000000000 is at or above " + MachineParser.MAX_PHYS_TEXT),
                Arguments.of(MINIMAL + "memblock reserve 4095T+2T\n",
                        "bad:5:24: range 0xfff0000000000-0x1000ffffffffff ends above " + MachineParser.MAX_PHYS_TEXT),
                Arguments.of(MINIMAL + "latefree initrd 1024K at 5P\n",
                        "bad:5:26: address 0x14000000000000 is at or above " + MachineParser.MAX_PHYS_TEXT),
                // issue 14: memhp_default_state takes the kernel's four names; late frees of the image fit in it;
                // memory a memblock add brings belongs to a node
                Arguments.of(MINIMAL + "cmdline memhp_default_state=bogus\n", "bad:5:29: expected"
                        + " memhp_default_state=offline|online|online_kernel|online_movable, got"
                        + " 'memhp_default_state=bogus'"),
                Arguments.of(MINIMAL + "latefree initmem 4268K\nlatefree initmem 1000000000K\n",
                        "bad:6:18: the late frees without an address add up to 1000004268K here, more than the 34932K"
                                + " of the kernel image (the default kernel sizes) they are freed from; memory outside"
                                + " the image needs at ADDRESS"),
                Arguments.of(MINIMAL + "memblock add 1P+1G nid 0\n", "bad:5:14: memblock add"
                        + " 0x4000000000000-0x400003fffffff: 0x4000000000000-0x400003fffffff belongs to no node (usable"
                        + " e820 or memory lines give memory its node)"),
                // NR_CPUS
                Arguments.of(MINIMAL.replace("cpus 1", "cpus 8193"),
                        "bad:2:13: expected a CPU count in 0..8192, got '8193'"),
                Arguments.of(MINIMAL.replace("node 0 cpus 1", "node 0 cpus 8000\nnode 1 cpus 200"),
                        "bad:3:13: the machine has more than 8192 CPUs (NR_CPUS): node 1 brings the total to 8200"));
    }

    @ParameterizedTest
    @MethodSource("broken")
    void brokenInputIsRejectedWithFileLineAndColumn(String text, String message) {
        MachineFormatException e = assertThrows(MachineFormatException.class, () -> svc.parse("bad", text));
        assertEquals(message, e.getMessage());
        String[] parts = message.split(":", 4);
        assertEquals("bad", e.file());
        assertEquals(Integer.parseInt(parts[1]), e.line());
        assertEquals(Integer.parseInt(parts[2]), e.column());
    }

    @Test
    void theExampleOfTheDocs() {
        String text = MINIMAL.replace("machine m", "machine bad") + "\n# line 6\ne820 0x10000+4Q usable node 0\n";
        MachineFormatException e = assertThrows(MachineFormatException.class, () -> svc.parse("machines/bad", text));
        assertEquals("machines/bad:7:14: expected a size like 4G or 0x100000, got '4Q'", e.getMessage());
    }

    // ---------------------------------------------------------------- all-or-nothing

    @Test
    void failedLoadLeavesTheCurrentMachine(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Machine before = svc.current();
        assertEquals("default", before.name());
        Path bad = tmp.resolve("bad");
        Files.writeString(bad, MINIMAL + "e820 1G+1G usable node 9\n");
        assertThrows(MachineFormatException.class, () -> svc.load(bad));
        assertTrue(before == svc.current());

        Path good = tmp.resolve("good");
        Files.writeString(good, MINIMAL);
        Machine m = svc.load(good);
        assertTrue(m == svc.current());
        assertEquals(good.toString(), m.source());

        assertEquals("tiny-2node", svc.load(Path.of("machines/tiny-2node")).name());
        assertEquals("tiny", svc.load(Path.of("tiny")).name());
        assertEquals("tiny", svc.current().name());
        IllegalArgumentException nf = assertThrows(IllegalArgumentException.class, () -> svc.load(Path.of("nosuch")));
        assertTrue(nf.getMessage().startsWith("no machine file 'nosuch' and no built-in machine of that name"));
        assertEquals("tiny", svc.current().name());
    }

    @Test
    void kernelBuildConfiguration() throws Exception {
        String base = "node 0 cpus 1\ne820 0x0-0x7fffffff usable node 0\n";
        Machine d = MachineParser.parse("m", base);
        assertEquals("6.12", d.config().version());
        assertEquals("online", d.config().mhpDefaultOnlineType(), "Debian 6.12: CONFIG_MEMORY_HOTPLUG_DEFAULT_ONLINE=y");
        assertFalse(d.config().cma());
        Machine m = MachineParser.parse("m", base + "config 6.1\nconfig CONFIG_CMA=y\nconfig CONFIG_PAGE_OWNER=n\n");
        assertEquals("6.1", m.config().version());
        assertEquals("offline", m.config().mhpDefaultOnlineType());
        assertTrue(m.config().cma() && m.config().dmaCma());
        assertFalse(m.config().pageOwner());
        assertTrue(m.config().memoryLineBeforeDeferredInit());
        assertEquals(m.config(), MachineParser.parse("m", MachineRenderer.render(m)).config(), "render round trip");
        assertEquals("online_movable", MachineParser.parse("m", base
                + "config CONFIG_MHP_DEFAULT_ONLINE_TYPE_ONLINE_MOVABLE=y\n").config().mhpDefaultOnlineType());
        MachineFormatException e = assertThrows(MachineFormatException.class,
                () -> MachineParser.parse("m", base + "config 5.4\n"));
        assertEquals("m:3:8: unknown kernel version '5.4' (presets: 6.12, 6.1)", e.getMessage());
        e = assertThrows(MachineFormatException.class, () -> MachineParser.parse("m", base + "config CONFIG_CMA=m\n"));
        assertEquals("m:3:19: expected CONFIG_CMA=y or CONFIG_CMA=n, got 'CONFIG_CMA=m'", e.getMessage());
        e = assertThrows(MachineFormatException.class, () -> MachineParser.parse("m", base + "config CONFIG_SLUB=y\n"));
        assertTrue(e.getMessage().startsWith("m:3:8: unknown build option 'CONFIG_SLUB'"), e.getMessage());
        e = assertThrows(MachineFormatException.class,
                () -> MachineParser.parse("m", base + "config CONFIG_UNACCEPTED_MEMORY=y\nconfig 6.1\n"));
        assertEquals("m:3:8: CONFIG_UNACCEPTED_MEMORY does not exist in 6.1 (added in 6.5)", e.getMessage());
        e = assertThrows(MachineFormatException.class, () -> MachineParser.parse("m", base + "cmdline cma=64Q\n"));
        assertTrue(e.getMessage().startsWith("m:3:13: expected cma=SIZE"), e.getMessage());
    }
}
