package mm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/**
 * mm:map and mm:report as a user runs them: the pictures of the hotplug tour's machine (offline blocks while they
 * are offline, ZONE_DEVICE and a hole at the end) and of xeon-2x384g, decoded as PNG and parsed as SVG, and the
 * session's report as one self-contained page.
 */
class MapIT {
    @TempDir
    Path dir;

    static Document xml(Path file) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        return f.newDocumentBuilder().parse(file.toFile());
    }

    static String svgText(Document d) {
        return d.getDocumentElement().getTextContent();
    }

    @Test
    void theHotplugToursMachineOfflineThenWithItsNvdimmAndTheSessionsReport() throws Exception {
        String tour = Files.readString(Path.of("..", "scripts", "hotplug-tour.gogo"));
        String offlined = tour.substring(0, tour.indexOf("mm:hotplug offline memory33") + "mm:hotplug offline memory33".length());
        Path script = dir.resolve("map.gogo");
        Files.writeString(script, offlined + "\n"
                + "mm:map --png " + dir.resolve("offline.png") + " 0-6G\n"
                + "mm:map --plain 4G-5G\n"
                + tour.substring(offlined.length()) + "\n"
                + "mm:map --png " + dir.resolve("tour.png") + " --svg " + dir.resolve("tour.svg") + "\n"
                + "mm:report " + dir.resolve("session.html") + "\n");
        Mmkit.Result r = Mmkit.run(script.toString());
        assertEquals(0, r.rc(), r::toString);
        assertEquals("", r.err(), r::toString);
        String out = r.out();
        // while memory33..39 are offline: the plain map of the DIMM shows memory32 online, the rest offline ('o')
        assertTrue(Pattern.compile("(?m)^0x0100000000 +N1 +Normal +\\S{64}$").matcher(out).find(), out);
        assertTrue(Pattern.compile("(?m)^0x0108000000 .* o{64}$").matcher(out).find(), out);
        assertTrue(out.contains(" o  offline memory block: 896 MiB\n"), out);
        BufferedImage offline = ImageIO.read(dir.resolve("offline.png").toFile());
        assertEquals(1200, offline.getWidth());

        // the end of the tour: RAM, a hole where the DIMM was removed, the NVDIMM as ZONE_DEVICE
        BufferedImage png = ImageIO.read(dir.resolve("tour.png").toFile());
        assertEquals(1200, png.getWidth());
        assertTrue(png.getHeight() > 300, "rows and a legend: " + png.getHeight());
        Document svg = xml(dir.resolve("tour.svg"));
        assertEquals("svg", svg.getDocumentElement().getNodeName());
        String text = svgText(svg);
        assertTrue(text.contains("Physical memory of hotplug-demo"), text);
        assertTrue(text.contains("hole: no memory [mem 0x0200000000-0x03ffffffff], 8 GiB"), text);
        assertTrue(text.contains("ZONE_DEVICE: 16 GiB"), text);
        assertTrue(text.contains("memblock: kernel image"), text);
        assertFalse(text.contains("offline memory block"), "the DIMM is removed: nothing offline is left\n" + text);

        // the report: both maps of the session, one page that links nothing
        Path html = dir.resolve("session.html");
        String page = Files.readString(html);
        Document doc = xml(html); // well-formed (polyglot markup)
        assertEquals("html", doc.getDocumentElement().getNodeName());
        assertTrue(page.contains("<th>machine</th><td>hotplug-demo</td>"), page);
        assertTrue(page.contains("<th>mmkit</th><td>0.1.0"), page);
        assertEquals(1, count(page, "src=\"data:image/png;base64,"), "the PNG-only map as a data URI");
        assertEquals(1, count(page, "<svg"), "the map written as PNG and SVG appears once, as inline SVG");
        for (String external : new String[] {"src=\"http", "href=\"http", "<link", "<script", "url(http", "@import"}) {
            assertFalse(page.contains(external), external);
        }
    }

    @Test
    void xeon2x384gIsDrawnASectionPerCellWithBothNodes() throws Exception {
        Mmkit.Result r = Mmkit.run("-c", "mm:boot -q --machine xeon-2x384g; mm:map --png " + dir.resolve("x.png")
                + " --svg " + dir.resolve("x.svg") + "; mm:map --plain; mm:check");
        assertEquals(0, r.rc(), r::toString);
        String out = r.out();
        assertTrue(out.contains("one cell = 128 MiB (a section), one row = 8 GiB"), out);
        // the first 8 GiB: low memory, the PCI hole below 4 GiB as blank cells, then memory above 4 GiB
        assertTrue(Pattern.compile("(?m)^0x0000000000 +N0 +DMA32 +A+r? {10,}A+$").matcher(out).find(), out);
        assertTrue(Pattern.compile("(?m)^0x[0-9a-f]{10} +N1 +Normal ").matcher(out).find(), "node 1's rows: " + out);
        assertTrue(out.strip().endsWith("OK"), out);
        assertEquals(1200, ImageIO.read(dir.resolve("x.png").toFile()).getWidth());
        String text = svgText(xml(dir.resolve("x.svg")));
        assertTrue(text.contains("node 1"), text);
        assertTrue(text.contains("memblock: memmap (struct pages)"), text);
        assertTrue(text.contains("free: order 10"), text);
    }

    @Test
    void nothingRecordedNoReport() throws Exception {
        Mmkit.Result r = Mmkit.run("-c", "mm:report " + dir.resolve("r.html"));
        assertEquals(1, r.rc(), r::toString);
        assertTrue(r.err().contains("nothing to report: no comparison, sweep chart or map was recorded"), r.toString());
        assertFalse(Files.exists(dir.resolve("r.html")));
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) n++;
        return n;
    }
}
