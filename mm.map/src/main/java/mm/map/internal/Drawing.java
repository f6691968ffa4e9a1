package mm.map.internal;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import mm.map.api.MemoryMap;
import org.jfree.svg.SVGGraphics2D;

/** {@link MemoryMap}: a {@link Layout} and the width to draw it at; each output paints it again. */
final class Drawing implements MemoryMap {
    private final Layout layout;
    private final int width;

    Drawing(Layout layout, int width) {
        this.layout = layout;
        this.width = width;
    }

    @Override
    public String title() {
        return layout.title;
    }

    @Override
    public List<String> legend() {
        List<String> out = new ArrayList<>();
        for (var z : layout.zones) out.add("zone " + z.kernelName());
        for (Kind k : layout.present()) out.add(k.label);
        return out;
    }

    @Override
    public long pagesPerCell() {
        return layout.cellPages;
    }

    @Override
    public int cells() {
        return layout.cellCount;
    }

    @Override
    public byte[] png() {
        Painter p = new Painter(layout, width);
        BufferedImage img = new BufferedImage(width, p.height(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            p.paint(g);
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in memory: does not happen
        }
        return out.toByteArray();
    }

    @Override
    public String svg() {
        Painter p = new Painter(layout, width);
        SVGGraphics2D g = new SVGGraphics2D(width, p.height());
        g.setDefsKeyPrefix("mmmap");
        p.paint(g);
        // no DOCTYPE (SVG 2 has none): a parser never fetches a DTD, and the element inlines into HTML as it is
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + g.getSVGElement("mm-map") + "\n";
    }

    @Override
    public String text(boolean ansi) {
        return Terminal.text(layout, ansi);
    }
}
