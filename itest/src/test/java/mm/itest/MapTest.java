package mm.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.List;
import javax.imageio.ImageIO;
import mm.core.api.MemoryModel;
import mm.machine.api.MachineService;
import mm.map.api.MapRenderer;
import mm.map.api.MemoryMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

/** mm.map in the framework: its renderer service draws the booted machine, and mm:map is a listed command. */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class MapTest {
    @InjectBundleContext
    BundleContext ctx;
    @InjectService(timeout = 60_000)
    MemoryModel model;
    @InjectService(timeout = 60_000)
    MachineService machines;
    @InjectService(timeout = 60_000)
    MapRenderer renderer;

    @Test
    void theRendererDrawsTheBootedMachineAsAValidPng() throws Exception {
        model.boot(Services.builtin(machines, "tiny"));
        MemoryMap map = renderer.draw(MapRenderer.Request.whole());
        assertTrue(map.title().startsWith("tiny - "), map.title());
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(map.png()));
        assertEquals(MapRenderer.DEFAULT_WIDTH, img.getWidth());
        assertTrue(map.svg().contains("<svg"), "an SVG document");
        assertTrue(map.legend().contains("free: order 10"), map.legend()::toString);
        assertEquals(List.of(), model.check());
    }

    @Test
    void mmMapIsACommandWithItsHelpGroup() throws Exception {
        List<ServiceReference<?>> found = new java.util.ArrayList<>();
        for (ServiceReference<?> r : ctx.getAllServiceReferences(null, "(osgi.command.function=map)")) found.add(r);
        assertEquals(1, found.size(), "one mm:map command");
        assertEquals("mm", found.get(0).getProperty("osgi.command.scope"));
        assertFalse(String.valueOf(found.get(0).getProperty("mm.help.group")).isBlank());
    }
}
