package mm.map.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Draws the booted machine's physical memory: one cell per pageblock, or per section (or group of sections) on a big
 * machine, rows of cells along the address axis, long holes folded into one band. Each cell shows its node and zone
 * and what its pages are: holes, offline blocks, ZONE_DEVICE, memblock-reserved memory and what reserved it,
 * PG_reserved pages, allocated memory by migratetype, pages isolated for free page reporting, free memory by order.
 * Counts come from the memmap's per-section summaries ({@code MemoryModel.summarize}), never from every page of a big
 * machine.
 */
@ProviderType
public interface MapRenderer {
    /** The picture's width in pixels unless asked otherwise. */
    int DEFAULT_WIDTH = 1200;
    /** Cells per row unless asked otherwise. */
    int DEFAULT_COLUMNS = 64;

    /**
     * What to draw.
     *
     * @param startPfn first pfn (inclusive), 0 for the start of memory
     * @param endPfn last pfn (exclusive), -1 for the end of memory
     * @param width the picture's width in pixels (PNG and SVG), 400 to 8000
     * @param columns cells per row, 8 to 256
     */
    record Request(long startPfn, long endPfn, int width, int columns) {
        public Request {
            if (startPfn < 0) throw new IllegalArgumentException("the range starts below 0");
            if (endPfn != -1 && endPfn <= startPfn) throw new IllegalArgumentException("the range is empty");
            if (width < 400 || width > 8000)
                throw new IllegalArgumentException("width " + width + " is out of range (400 to 8000 pixels)");
            if (columns < 8 || columns > 256)
                throw new IllegalArgumentException("columns " + columns + " is out of range (8 to 256)");
        }

        /** The whole machine at the default size. */
        public static Request whole() {
            return new Request(0, -1, DEFAULT_WIDTH, DEFAULT_COLUMNS);
        }
    }

    /**
     * Lays out the booted machine's memory now (the drawing is a snapshot: later changes do not show).
     *
     * @throws IllegalStateException when nothing is booted or the range holds no memory (one sentence)
     */
    MemoryMap draw(Request request);
}
