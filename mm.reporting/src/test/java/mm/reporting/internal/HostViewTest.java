package mm.reporting.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import mm.core.api.Mm;
import org.junit.jupiter.api.Test;

/** The host view costs nothing for a section the host never backed a page of, and reads the same either way. */
class HostViewTest {
    static final long SECTION = Mm.PAGES_PER_SECTION;

    @Test
    void sectionsHoldWordsOnlyOnceSomethingIsStored() {
        long top = (1L << 40) - 1; // the highest pfn of a 2^52 address space
        HostView h = new HostView(top + 1);
        for (long nr = 0; nr < 64; nr++) h.add(nr * SECTION);
        h.add(top);
        assertTrue(h.covers(5 * SECTION + 7));
        assertTrue(h.covers(top));
        assertFalse(h.covers(64 * SECTION), "a section the guest does not have");
        assertEquals(0, h.word(3 * SECTION + 100));
        h.setWord(3 * SECTION + 100, 0); // storing the zero state allocates nothing
        assertTrue(h.cas(4 * SECTION, 0, 0));
        assertFalse(h.cas(4 * SECTION, 1, 2), "an empty section holds zeros");
        assertEquals(0, h.allocatedSections());

        assertTrue(h.cas(9 * SECTION + 40, 0, 0b01L << 16));
        h.setWord(top, 0b10L << 62);
        assertEquals(2, h.allocatedSections());
        assertEquals(0b01L << 16, h.word(9 * SECTION + 33), "pfns 32-63 of the section share the word");
        assertEquals(0b10L << 62, h.word(top));
        assertEquals(0, h.word(10 * SECTION + 40), "the neighbour section stays empty");
        assertFalse(h.cas(9 * SECTION + 40, 0, 1), "the stored word is no longer 0");
    }
}
