package mm.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import mm.shell.api.Artifacts.Artifact;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/** mm:report's page: every recorded item once, in sections, with nothing linked from outside. */
class ReportCommandsTest {
    static Artifact a(String kind, String title, String type, byte[] content) {
        return new Artifact(kind, title, type, content, 1_700_000_000_000L);
    }

    @Test
    void thePageHoldsEveryItemInlineAndIsWellFormed() throws Exception {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};
        String svg = "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\">"
                + "<rect width=\"5\" height=\"5\"/></svg>";
        List<Artifact> all = List.of(
                a("map", "qemu-2g <after> tour", "image/png", png),
                a("map", "qemu-2g <after> tour", "image/svg+xml", svg.getBytes(StandardCharsets.UTF_8)),
                a("map", "xeon", "image/png", png),
                a("sweep", "threads", "text/csv", "threads,ms\n1,3.5\n".getBytes(StandardCharsets.UTF_8)),
                a("compare", "off vs per-node", "text/html", "<table><tr><td>1</td></tr></table>".getBytes(StandardCharsets.UTF_8)));
        String html = ReportCommands.html(all, "qemu-2g", Map.of("memmap", "compact", "deferred-init", "off"), "0.1.0", 0);
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        Document d = f.newDocumentBuilder().parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
        assertEquals("html", d.getDocumentElement().getNodeName());
        assertTrue(html.contains("<th>variants</th><td>deferred-init=off, memmap=compact</td>"), html);
        // compare first, then sweeps, then maps; the map drawn as PNG and SVG once (inline SVG), the other as data URI
        assertTrue(html.indexOf("Comparisons") < html.indexOf("Sweeps") && html.indexOf("Sweeps") < html.indexOf("Memory maps"), html);
        assertEquals(1, d.getElementsByTagName("svg").getLength());
        assertEquals(1, d.getElementsByTagName("img").getLength());
        assertTrue(html.contains("src=\"data:image/png;base64," + Base64.getEncoder().encodeToString(png) + "\""), html);
        assertTrue(html.contains("qemu-2g &lt;after&gt; tour"), "titles are escaped");
        assertTrue(html.contains("<pre>threads,ms\n1,3.5\n</pre>"), html);
        assertFalse(html.contains("<?xml version=\"1.0\"?>\n<svg"), "the SVG is inlined without its declaration");
        assertFalse(html.contains("<link") || html.contains("<script") || html.contains("src=\"http"), html);
    }
}
