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
    private final MachineServiceImpl svc = new MachineServiceImpl();
    private final MachineCommands cmd = new MachineCommands(svc, new ReportPrinterImpl(false));

    private String run(StdoutCapture.ThrowingRunnable r) throws Exception {
        return StdoutCapture.of(r);
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
        try (var in = MachineCommandsTest.class.getClassLoader().getResourceAsStream("dmesg/two-node.log")) {
            Files.write(log, in.readAllBytes());
        }
        out = run(() -> cmd.machine("import-dmesg", log.toString()));
        assertEquals("Imported machine box from " + log + ": 2 node(s), 8 CPU(s), 8191 MiB usable in 3 e820 range(s)\n"
                + "Lines used: version 1, e820 8, numa 8, cpus 2, cmdline 2, kernel-image 1, initrd 1, late-free 3\n"
                + "Lines skipped: 6\n", out);
        assertEquals("box", svc.current().name());
        // the command line as the kernel printed it
        assertTrue(run(() -> cmd.machine("show")).contains("Command line: BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro quiet "
                + "movablecore=25% kernelcore=0x40000000 movable_node\n"));
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
