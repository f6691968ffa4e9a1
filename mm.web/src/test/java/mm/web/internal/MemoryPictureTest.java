package mm.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mm.core.api.Mm;
import mm.core.api.PageState;
import mm.core.api.ZoneType;
import org.junit.jupiter.api.Test;

class MemoryPictureTest {
    /** Two sections: the first DMA32 with its first quarter allocated, the second Normal and free; a hole after. */
    static final MemoryPicture.Pages PAGES = new MemoryPicture.Pages() {
        @Override
        public PageState state(long pfn) {
            if (pfn >= 2L * Mm.PAGES_PER_SECTION) return PageState.INVALID;
            if (pfn < Mm.PAGES_PER_SECTION / 4) return PageState.ALLOCATED_TAIL;
            return PageState.FREE_INSIDE_BUDDY_BLOCK;
        }

        @Override
        public ZoneType zoneOf(long pfn) {
            if (pfn >= 2L * Mm.PAGES_PER_SECTION) return null;
            return pfn < Mm.PAGES_PER_SECTION ? ZoneType.DMA32 : ZoneType.NORMAL;
        }
    };

    @Test
    void aSectionsShareCountsItsPagesByState() {
        MemoryPicture.Share s = MemoryPicture.share(PAGES, 0, Mm.PAGES_PER_SECTION, Mm.PAGES_PER_SECTION);
        assertEquals(new MemoryPicture.Share(3 * Mm.PAGES_PER_SECTION / 4, Mm.PAGES_PER_SECTION / 4, 0, 0), s);
        // sampled: the same shares from 64 pages of the section
        MemoryPicture.Share sampled = MemoryPicture.share(PAGES, 0, Mm.PAGES_PER_SECTION, 64);
        assertEquals(s, sampled);
    }

    @Test
    void oneStripPerNodeAndOneCellPerSectionColouredByZone() {
        String svg = MemoryPicture.svg(List.of(new MemoryPicture.Node(0, 0, 2L * Mm.PAGES_PER_SECTION),
                new MemoryPicture.Node(1, 2L * Mm.PAGES_PER_SECTION, Mm.PAGES_PER_SECTION)), PAGES);
        assertTrue(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\""), svg);
        assertEquals(2, count(svg, "<g class=\"node\""));
        assertEquals(3, count(svg, "<g class=\"cell\""));
        assertTrue(svg.contains("node 0: PFN 0x0-0x10000, 256 MiB, 2 sections"), svg);
        assertTrue(svg.contains("<title>PFN 0x0-0x8000 DMA32: free 75.0%, allocated 25.0%, reserved 0.0%, absent 0.0%"
                + "</title>"), svg);
        assertTrue(svg.contains("data-zone=\"Normal\"><title>PFN 0x8000-0x10000 Normal: free 100.0%"), svg);
        assertTrue(svg.contains("data-zone=\"no zone\"><title>PFN 0x10000-0x18000 no zone: free 0.0%, allocated 0.0%,"
                + " reserved 0.0%, absent 100.0%"), svg);
    }

    @Test
    void aBigNodeGroupsSectionsAndSamples() {
        long sections = 4096;
        MemoryPicture.Pages free = new MemoryPicture.Pages() {
            @Override
            public PageState state(long pfn) {
                return PageState.FREE_BUDDY;
            }

            @Override
            public ZoneType zoneOf(long pfn) {
                return ZoneType.NORMAL;
            }
        };
        String svg = MemoryPicture.svg(List.of(new MemoryPicture.Node(0, 0, sections * Mm.PAGES_PER_SECTION)), free);
        assertEquals(MemoryPicture.MAX_CELLS, count(svg, "<g class=\"cell\""));
        assertTrue(svg.contains("512 GiB, 4096 sections"), svg);
    }

    @Test
    void beforeABootThePictureSaysSo() {
        assertTrue(MemoryPicture.svg(List.of(), PAGES).contains("not booted"));
    }

    static int count(String s, String what) {
        Matcher m = Pattern.compile(Pattern.quote(what)).matcher(s);
        int n = 0;
        while (m.find()) n++;
        return n;
    }
}
