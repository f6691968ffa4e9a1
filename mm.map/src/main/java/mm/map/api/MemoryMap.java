package mm.map.api;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/** One laid-out picture of memory ({@link MapRenderer#draw}); each output is drawn from the same layout. */
@ProviderType
public interface MemoryMap {
    /** The title: machine, variants, time. */
    String title();

    /** The legend's entries, in drawing order: only what is present in the picture. */
    List<String> legend();

    /** Pages per cell (512: a pageblock; 32768 and more: sections). */
    long pagesPerCell();

    /** Cells drawn (hole bands not counted). */
    int cells();

    /** The picture as a PNG file's bytes (Java2D, ImageIO). */
    byte[] png();

    /** The same picture as an SVG document (Java2D, JFreeSVG). */
    String svg();

    /**
     * The terminal version: one character per cell with the row's start address, and a legend.
     *
     * @param ansi Unicode blocks with 24-bit ANSI colours; false: plain ASCII letters
     */
    String text(boolean ansi);
}
