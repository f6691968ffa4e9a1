package mm.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import mm.machine.api.MachineFormatException;
import mm.machine.internal.MachineServiceImpl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MachineCommandsTest {
    /** A two-node console log (as in mm.machine's DmesgImportTest). */
    static final String TWO_NODE = """
            \u001b[0mSeaBIOS (version 1.16)
            Booting from ROM...
            [    0.000000] Linux version 6.6.9 (builder@host) #1 SMP
            [    0.000000] Command line: BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro quiet movablecore=25% kernelcore=0x40000000 movable_node
            [    0.000000] BIOS-provided physical RAM map:
            [    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable
            [    0.000000] BIOS-e820: [mem 0x000000000009fc00-0x000000000009ffff] reserved
            [    0.000000] BIOS-e820: [mem 0x00000000000f0000-0x00000000000fffff] reserved
            [    0.000000] BIOS-e820: [mem 0x0000000000100000-0x00000000bffdffff] usable
            [    0.000000] BIOS-e820: [mem 0x00000000bffe0000-0x00000000bfffffff] ACPI data
            [    0.000000] BIOS-e820: [mem 0x00000000fed1c000-0x00000000fed1ffff] ACPI NVS
            [    0.000000] BIOS-e820: [mem 0x0000000100000000-0x000000023fffffff] usable
            [    0.000000] BIOS-e820: [mem 0x0000000240000000-0x000000027fffffff] persistent (type 7)
            [    0.000000] NX (Execute Disable) protection: active
            [    0.000000] ACPI: SRAT: Node 0 PXM 0 [mem 0x00000000-0x0009ffff]
            [    0.000000] ACPI: SRAT: Node 0 PXM 0 [mem 0x00100000-0xbfffffff]
            [    0.000000] ACPI: SRAT: Node 0 PXM 0 [mem 0x100000000-0x13fffffff]
            [    0.000000] ACPI: SRAT: Node 1 PXM 1 [mem 0x140000000-0x23fffffff]
            [    0.000000] ACPI: SRAT: Node 1 PXM 1 [mem 0x280000000-0x2ffffffff] hotplug
            [    0.000000] NUMA: Node 0 [mem 0x00000000-0x0009ffff] + [mem 0x00100000-0xbfffffff] -> [mem 0x00000000-0xbfffffff]
            [    0.000000] NODE_DATA(0) allocated [mem 0x13fffb000-0x13fffffff]
            [    0.000000] NODE_DATA(1) allocated [mem 0x23fff9000-0x23fffdfff]
            [    0.000000] Initmem setup node 0 [mem 0x0000000000001000-0x000000013fffffff]
            [    0.000000] Initmem setup node 1 [mem 0x0000000140000000-0x000000023fffffff]
            [    0.000000] smpboot: Allowing 8 CPUs, 0 hotplug CPUs
            [    0.000000] RAMDISK: [mem 0x7f000000-0x7fffffff]
            [    0.000000] Kernel command line: BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro quiet movablecore=25% kernelcore=0x40000000 movable_node
            [    0.210000] smp: Brought up 2 nodes, 8 CPUs
            [    0.300000] Memory: 8000000K/8388088K available (14336K kernel code, 2000K rwdata, 5000K rodata, 3000K init, 4000K bss, 300000K reserved, 0K cma-reserved)
            [    1.000000] Freeing initrd memory: 16384K
            [    1.100000] Freeing unused kernel image (initmem) memory: 3000K
            [    1.100001] Freeing unused kernel image (text/rodata gap) memory: 2040K
            """;

    private final MachineServiceImpl svc = new MachineServiceImpl();
    private final MachineCommands cmd = new MachineCommands(svc, new ReportPrinterImpl(false));

    private String run(ThrowingRunnable r) throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void showPrintsTheE820MapAsTheKernelDoesThenNodes() throws Exception {
        String out = run(() -> cmd.machine("show"));
        assertTrue(out.startsWith("Machine default (machines/default)\nBIOS-provided physical RAM map:\n"
                + "BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\n"
                + "BIOS-e820: [mem 0x000000000009fc00-0x000000000009ffff] reserved\n"), out);
        assertTrue(out.contains("BIOS-e820: [mem 0x0000000100000000-0x000000023fffffff] usable\n"), out);
        assertTrue(out.contains("Node 0: cpus 2, [mem 0x0000000000000000-0x000000000009fbff], "
                + "[mem 0x0000000000100000-0x00000000bfecffff], [mem 0x0000000100000000-0x000000013fffffff]\n"), out);
        assertTrue(out.contains("Node 1: cpus 2, [mem 0x0000000140000000-0x000000023fffffff]\n"), out);
        assertTrue(out.contains("node    0   1\n   0:  10  20\n   1:  20  10\n"), out);
        assertTrue(out.contains("Reserved: kernel [mem 0x0000000001000000-0x0000000003810fff] 41028K\n"), out);
        assertTrue(out.contains("Command line: \n"), out);
        assertTrue(out.contains("Workload: seed 1, 40 callers, pages early 600 mid 400 late 2000, order weights "
                + "80,10,6,4\n"), out);
        assertEquals(out, run(() -> cmd.machine()));
    }

    @Test
    void loadAndImportMakeTheMachineCurrent(@TempDir Path tmp) throws Exception {
        String out = run(() -> cmd.machine("load", "tiny-2node"));
        assertEquals("Machine tiny-2node loaded from machines/tiny-2node: 2 node(s), 2 CPU(s), 511 MiB usable in 2"
                + " e820 range(s)\n", out);
        assertEquals("tiny-2node", svc.current().name());

        Path log = tmp.resolve("box.log");
        Files.writeString(log, TWO_NODE);
        out = run(() -> cmd.machine("import-dmesg", log.toString()));
        assertEquals("Imported machine box from " + log + ": 2 node(s), 8 CPU(s), 8191 MiB usable in 3 e820 range(s)\n"
                + "Lines used: e820 8, numa 8, cpus 2, cmdline 2, kernel-image 1, initrd 1, late-free 3\n"
                + "Lines skipped: 7\n", out);
        assertEquals("box", svc.current().name());
        assertTrue(run(() -> cmd.machine("show")).contains("Command line: movablecore=25% kernelcore=1G movable_node "
                + "BOOT_IMAGE=/vmlinuz root=/dev/sda1\n"));
    }

    @Test
    void errorsCarryThePreciseMessage(@TempDir Path tmp) throws Exception {
        Path bad = tmp.resolve("bad");
        Files.writeString(bad, "node 0 cpus 1\ne820 0+4Q usable node 0\n");
        MachineFormatException e = assertThrows(MachineFormatException.class, () -> cmd.machine("load", bad.toString()));
        assertEquals(bad + ":2:8: expected a size like 4G or 0x100000, got '4Q'", e.getMessage());
        assertEquals("default", svc.current().name());
        IllegalArgumentException u = assertThrows(IllegalArgumentException.class, () -> cmd.machine("frob"));
        assertEquals("unknown subcommand 'frob' (expected show, list, load FILE or import-dmesg FILE)", u.getMessage());
        assertThrows(IllegalArgumentException.class, () -> cmd.machine("load"));
    }

    @Test
    void jsonReportHasTheSameFacts() throws Exception {
        String json = Render.json(MachineCommands.show(svc.current()));
        assertTrue(json.startsWith("{\"report\":\"machine\",\"name\":\"default\",\"source\":\"machines/default\","
                + "\"e820\":[{\"start\":0,\"end\":654336,\"type\":\"usable\"}"), json);
        assertTrue(json.contains("\"distance\":[[10,20],[20,10]]"), json);
        assertTrue(json.contains("\"order_weights\":[80,10,6,4]"), json);
        assertTrue(run(() -> cmd.machine("list")).startsWith("Built-in machines: default qemu-2g xeon-2x384g tiny"));
    }
}
