package mm.sweep.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** The chart's files are real pictures: the PNG decodes, the SVG is well-formed XML with the chart's text. */
class SweepChartTest {
    private static SweepChart chart(List<String> labels) {
        return new SweepChart("mm:sweep deferred-threads on skylake-2x384g", List.of("deferred-init multithreaded",
                "Daniel Jordan, 2020"), "deferred-threads", labels, "ms",
                List.of(new SweepChart.Line("deferred_model_ms", new double[] {1, 2, 3}, new double[] {1785.7, 900,
                    Double.NaN})),
                List.of(new SweepChart.Line("published deferred init", new double[] {1, 3}, new double[] {1717.7,
                    359.3})));
    }

    @Test
    void thePngDecodesToAnImageOfTheAskedSize() throws Exception {
        byte[] png = chart(null).png(640, 400);
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertNotNull(img, "ImageIO decodes it");
        assertEquals(640, img.getWidth());
        assertEquals(400, img.getHeight());
        // not a blank page: the white background, and the lines and markers in other colours
        int white = 0, other = 0;
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                if ((img.getRGB(x, y) & 0xffffff) == 0xffffff) white++;
                else other++;
            }
        }
        assertTrue(white > other, "mostly background");
        assertTrue(other > 1000, "something drawn: " + other);
    }

    @Test
    void theSvgParsesAsXmlAndCarriesTheTitleTheAxisAndBothSeries() throws Exception {
        String svg = chart(null).svg(640, 400);
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        // JFreeSVG writes the SVG 1.1 DOCTYPE: parse offline, without fetching its DTD
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        Document d = f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        Element root = d.getDocumentElement();
        assertEquals("svg", root.getLocalName());
        assertEquals("http://www.w3.org/2000/svg", root.getNamespaceURI());
        String text = root.getTextContent();
        for (String s : List.of("mm:sweep deferred-threads on skylake-2x384g", "deferred-threads", "ms",
                "deferred_model_ms", "published deferred init", "Daniel Jordan, 2020")) {
            assertTrue(text.contains(s), "the SVG shows '" + s + "'");
        }
    }

    @Test
    void wordsGoOnASymbolAxis() throws Exception {
        String svg = new SweepChart("variants", List.of(), "deferred-init", List.of("two-pass", "per-node"), "ms",
                List.of(new SweepChart.Line("deferred_model_ms", new double[] {0, 1}, new double[] {3700, 1040})),
                List.of()).svg(400, 300);
        assertTrue(svg.contains("two-pass") && svg.contains("per-node"));
    }

    @Test
    void theUnitComesFromTheFigureNames() {
        assertEquals("ms", SweepChart.unit(List.of("deferred_ms", "deferred_model_ms_node1")));
        assertEquals("kB", SweepChart.unit(List.of("memfree_kb")));
        assertEquals("value", SweepChart.unit(List.of("deferred_ms", "memfree_kb")));
    }
}
