package mm.map.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import mm.core.api.CallStack;
import mm.core.api.Gfp;
import mm.core.api.MemorySummary;
import mm.core.api.ZoneInfo;
import mm.core.internal.deferred.DeferredInits;
import mm.core.internal.mm.MemoryModelImpl;
import mm.machine.api.Machine;
import mm.machine.internal.MachineServiceImpl;
import mm.map.api.MapRenderer;
import mm.map.api.MemoryMap;
import mm.variant.internal.StandaloneVariants;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/** The picture of a booted qemu-2g: what the user reads in it is what the memmap holds. */
class MapRendererTest {
    static MemoryModelImpl boot(String name) throws Exception {
        StandaloneVariants v = new StandaloneVariants();
        DeferredInits.register(v::register);
        MemoryModelImpl m = new MemoryModelImpl(v);
        Machine machine = new MachineServiceImpl().builtin(name).orElseThrow();
        m.boot(machine);
        return m;
    }

    static MapRendererImpl renderer(MemoryModelImpl m) {
        StandaloneVariants v = new StandaloneVariants();
        DeferredInits.register(v::register);
        return new MapRendererImpl(m, v);
    }

    @Test
    void theWholeMachineSummaryAgreesWithTheZoneCounters() throws Exception {
        MemoryModelImpl m = boot("qemu-2g");
        MemorySummary s = m.summarize(0, m.memmap().maxPfn());
        // NR_FREE_PAGES counts the buddy's free lists, not the per-cpu lists nor pages isolated for reporting
        assertEquals(m.totalFreePages(), s.free() - s.freePcp(), "free pages: summary against MemFree");
        long managed = 0;
        for (var n : m.nodes()) for (var z : mm.core.api.ZoneType.VALUES) managed += m.zone(n.nid(), z).managedPages();
        assertEquals(managed, s.free() + s.allocated() + s.isolatedForReporting(),
                "managed pages are free or allocated, the rest reserved");
        assertEquals(s.pages(), s.noMemmap() + s.offline() + s.device() + s.uninitialised() + s.reserved() + s.allocated()
                + s.isolatedForReporting() + s.free(), "every page counted once");
    }

    @Test
    void pngSvgAndTextOfQemu2gShowWhatIsThere() throws Exception {
        MemoryModelImpl m = boot("qemu-2g");
        long pfn = m.alloc(3, Gfp.GFP_KERNEL, 0, CallStack.of("test_alloc"));
        assertTrue(pfn > 0);
        MemoryMap map = renderer(m).draw(MapRenderer.Request.whole());
        assertEquals(512, map.pagesPerCell(), "2 GiB: a cell per pageblock");
        List<String> legend = map.legend();
        assertTrue(legend.contains("zone DMA") && legend.contains("zone DMA32"), legend::toString);
        assertFalse(legend.contains("zone Normal"), "qemu-2g has no Normal zone: " + legend);
        assertTrue(legend.contains("memblock: kernel image"), legend::toString);
        assertTrue(legend.contains("memblock: memmap (struct pages)"), legend::toString);
        assertTrue(legend.contains("allocated: Unmovable"), legend::toString);
        assertTrue(legend.contains("free: order 10"), legend::toString);
        assertFalse(legend.contains("offline memory block"), legend::toString);
        assertFalse(legend.contains("ZONE_DEVICE"), legend::toString);

        BufferedImage img = ImageIO.read(new ByteArrayInputStream(map.png()));
        assertEquals(MapRenderer.DEFAULT_WIDTH, img.getWidth());
        String svg = map.svg();
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        assertEquals("svg", doc.getDocumentElement().getNodeName());
        int groups = doc.getElementsByTagName("g").getLength() - countNonCellGroups(doc);
        assertTrue(groups > 16 && groups < map.cells(), "a group per cell, or per run of cells of one kind: " + groups);
        assertTrue(svg.contains("memblock: kernel image"), "the legend is in the SVG");
        String text = map.text(false);
        Path dir = Path.of("target");
        Files.write(dir.resolve("qemu-2g-map.png"), map.png());
        Files.writeString(dir.resolve("qemu-2g-map.svg"), svg);
        Files.writeString(dir.resolve("qemu-2g-map.txt"), text);
        Files.writeString(dir.resolve("qemu-2g-map.ansi"), map.text(true));
        assertTrue(text.contains("0x0000000000   N0  DMA "), text);
        assertTrue(text.contains(" K "), "the plain legend has the kernel's letter: " + text);
        String ansi = map.text(true);
        assertTrue(ansi.contains("\u001b[48;2;0;104;55m"), "free order-10 cells on their colour");
        assertTrue(ansi.contains("\u2588"), "full blocks where the kernel image is");
        assertFalse(text.contains("\u001b"), "the plain map has no escapes");
        assertTrue(m.check().isEmpty(), m.check()::toString);
    }

    private static int countNonCellGroups(Document doc) {
        int n = 0;
        var gs = doc.getElementsByTagName("g");
        for (int i = 0; i < gs.getLength(); i++) {
            String id = ((org.w3c.dom.Element) gs.item(i)).getAttribute("id");
            if (!id.startsWith("c")) n++;
        }
        return n;
    }
}
