package mm.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import mm.core.api.MemoryModel;
import mm.shell.api.Artifacts;
import mm.variant.api.VariantService;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * mm:sweep in the framework, through Gogo as a user types it: a sweep of multithreaded deferred init's helper
 * threads on qemu-2g (2 CPUs) with a script after each boot writes a CSV, a PNG and an SVG, records the chart for
 * mm:report, and leaves the deferred-init selection as it was.
 */
@ExtendWith(ServiceExtension.class)
class SweepTest {
    @Test
    void aSweepOfHelperThreadsOnASmallMachineWritesTheTableAndTheChart(
            @InjectService(timeout = 60_000) CommandProcessor processor,
            @InjectService(timeout = 60_000) VariantService variants,
            @InjectService(timeout = 60_000) Artifacts artifacts,
            @InjectService(timeout = 60_000) MemoryModel model) throws Exception {
        Path dir = Files.createTempDirectory("sweep");
        Path script = dir.resolve("after-boot.gogo");
        Files.writeString(script, "# runs after each boot\nmm:alloc --order 3 --count 10\n");
        Path overlay = dir.resolve("published.csv");
        Files.writeString(overlay, "# made-up published points\nthreads,published_ms\n1,40\n2,25\n");
        String before = variants.selection().get("deferred-init");
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        CommandSession s = processor.createSession(InputStream.nullInputStream(),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            s.execute("mm:sweep --machine qemu-2g --param deferred-threads --range 1..2"
                    + " --with deferred-init=multithreaded --figures deferred_model_ms,memfree_kb,script_ms"
                    + " --script " + script + " --overlay " + overlay
                    + " --csv " + dir.resolve("s.csv") + " --png " + dir.resolve("s.png") + " --svg " + dir.resolve("s.svg"));
        } finally {
            s.close();
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("mm:sweep: 2 points of deferred-threads on qemu-2g"), text + err);

        List<String> csv = Files.readAllLines(dir.resolve("s.csv"));
        List<String> rows = csv.stream().filter(l -> !l.startsWith("#")).toList();
        assertEquals("deferred-threads,deferred_model_ms,memfree_kb,script_ms", rows.get(0));
        assertEquals(3, rows.size(), csv.toString());
        double one = Double.parseDouble(rows.get(1).split(",")[1]), two = Double.parseDouble(rows.get(2).split(",")[1]);
        assertTrue(two < one, "two helper threads finish deferred init sooner than one: " + rows);

        BufferedImage png = ImageIO.read(dir.resolve("s.png").toFile());
        assertNotNull(png, "the PNG decodes");
        assertEquals(900, png.getWidth());
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        String svgText = f.newDocumentBuilder().parse(dir.resolve("s.svg").toFile()).getDocumentElement()
                .getTextContent();
        assertTrue(svgText.contains("published_ms") && svgText.contains("deferred_model_ms"), svgText);

        Artifacts.Artifact a = artifacts.last("sweep");
        assertNotNull(a, "recorded for mm:report");
        assertEquals("mm:sweep deferred-threads on qemu-2g", a.title());
        assertTrue(artifacts.list().stream().anyMatch(x -> x.kind().equals("sweep") && x.mediaType().equals("image/png")
                && imageIoReads(x.content())));

        assertEquals(before, variants.selection().get("deferred-init"), "the selection is put back");
        assertEquals(List.of(), model.check());

        // a script command that fails stops the sweep at that point: nothing written, the selection put back
        Path bad = dir.resolve("bad.gogo");
        Files.writeString(bad, "mm:check\nmm:nosuch\n");
        CommandSession s2 = processor.createSession(InputStream.nullInputStream(),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> s2.execute(
                    "mm:sweep --machine tiny --param deferred-init --values two-pass,off --script " + bad
                            + " --csv " + dir.resolve("bad.csv")));
            assertTrue(e.getMessage().startsWith("mm:sweep stopped at point 1 of 2 (variant:deferred-init=two-pass),"
                    + " nothing written: --script " + bad + ":2: mm:nosuch:"), e.getMessage());
        } finally {
            s2.close();
        }
        assertTrue(Files.notExists(dir.resolve("bad.csv")));
        assertEquals(before, variants.selection().get("deferred-init"), "the selection is put back after a failure");
        assertEquals(List.of(), model.check());
    }

    private static boolean imageIoReads(byte[] png) {
        try {
            return ImageIO.read(new ByteArrayInputStream(png)) != null;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
