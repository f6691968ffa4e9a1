package mm.pageext.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import mm.core.api.Mm;
import org.junit.jupiter.api.Test;

/**
 * A page_ext table holds heap only where something was written, reads the kernel's zeroed table elsewhere, and
 * gives the same bytes whether entries were written one by one or as a run.
 */
class PageExtTableTest {
    static final long NR = 3;
    static final long START = NR << Mm.PFN_SECTION_SHIFT, END = START + Mm.PAGES_PER_SECTION;
    static final int ENTRY = 72, CHUNK = PageExtTable.CHUNK_PAGES;

    @Test
    void aTableNothingWroteHoldsNoHeapAndReadsZeros() {
        PageExtTable t = new PageExtTable(NR, ENTRY, true);
        assertEquals(72L * Mm.PAGES_PER_SECTION, t.bytes(), "the kernel's table size");
        for (long pfn = START; pfn < END; pfn += 97) {
            int e = t.entry(pfn);
            assertTrue(t.present(pfn));
            assertEquals(0, t.flags(e));
            assertEquals(0, t.getLong(e + 64));
            assertEquals(END, t.sameUntil(pfn));
        }
        t.clearFlags(t.entry(START + 5), 3);     // writes nothing new
        t.setFlags(t.entry(START + 5), 0);
        assertEquals(0, t.heapBytes());
        check(t);
    }

    @Test
    void aWriteCostsOneChunk() {
        PageExtTable t = new PageExtTable(NR, ENTRY, true);
        long pfn = START + 5 * CHUNK + 7;
        t.putLong(t.entry(pfn) + 8, 0x1122334455667788L);
        t.setFlags(t.entry(pfn), 3);
        assertEquals(0x1122334455667788L, t.getLong(t.entry(pfn) + 8));
        assertEquals(3, t.flags(t.entry(pfn)));
        assertEquals(0, t.getLong(t.entry(pfn + 1) + 8));
        long heap = t.heapBytes();
        assertTrue(heap > ENTRY * CHUNK && heap < 2 * ENTRY * CHUNK + 4096, "one chunk and the chunk list: " + heap);
        assertEquals(START + 5 * CHUNK, t.sameUntil(START), "unwritten chunks up to the written one");
        assertEquals(pfn + 1, t.sameUntil(pfn));
        check(t);
    }

    @Test
    void everyOffsetOfEveryEntrySizeLandsInItsOwnPlace() {
        for (int size : new int[] {1, 8, 24, 72, 136, 2048}) {
            PageExtTable t = new PageExtTable(NR, size, true);
            for (long pfn = START; pfn < END; pfn++) {
                int e = t.entry(pfn);
                if (size == 1) t.putBytes(e, new byte[] {(byte) pfn}, 1);
                else t.putShort(e + size - 2, (short) pfn);
            }
            for (long pfn = START; pfn < END; pfn++) {
                int e = t.entry(pfn);
                if (size == 1) {
                    byte[] b = new byte[1];
                    t.getBytes(e, b, 1);
                    assertEquals((byte) pfn, b[0]);
                } else {
                    assertEquals((short) pfn, t.getShort(e + size - 2), "size " + size + " pfn " + pfn);
                }
            }
        }
    }

    @Test
    void aRunReadsAsEntriesWrittenOneByOneAndSharesWholeChunks() {
        byte[] rec = new byte[44];
        for (int i = 0; i < rec.length; i++) rec[i] = (byte) (i * 7 + 1);
        long from = START + 3 * CHUNK + 10, to = START + 40 * CHUNK + 5;
        PageExtTable run = new PageExtTable(NR, ENTRY, true), each = new PageExtTable(NR, ENTRY, true);
        // something written before, inside and outside the run
        for (PageExtTable t : new PageExtTable[] {run, each}) {
            t.putInt(t.entry(from + 100) + 60, 42);
            t.setFlags(t.entry(from - 1), 4);
        }
        run.fill(from, to, 8, rec, 3);
        for (long pfn = from; pfn < to; pfn++) {
            each.putBytes(each.entry(pfn) + 8, rec, rec.length);
            each.setFlags(each.entry(pfn), 3);
        }
        assertSameEntries(each, run);
        assertTrue(run.heapBytes() <= 4 * (ENTRY * CHUNK + 16) + 4096,
                "the two partial chunks and the one written before: " + run.heapBytes());
        assertTrue(each.heapBytes() > 37 * ENTRY * CHUNK);
        assertEquals(START + 40 * CHUNK, run.sameUntil(START + 6 * CHUNK), "whole chunks of the run share one array");
        // writing inside a shared chunk gives it its own copy, the others keep sharing
        run.putInt(run.entry(START + 20 * CHUNK + 1) + 40, -5);
        each.putInt(each.entry(START + 20 * CHUNK + 1) + 40, -5);
        assertSameEntries(each, run);
        assertEquals(START + 20 * CHUNK, run.sameUntil(START + 6 * CHUNK));
        check(run);
    }

    @Test
    void aWholeSectionRunCostsNothingUntilAnEntryDiffers() {
        byte[] rec = {1, 2, 3, 4};
        PageExtTable t = new PageExtTable(NR, ENTRY, true);
        t.fill(START, END, 16, rec, 1);
        assertEquals(0, t.heapBytes());
        assertEquals(END, t.sameUntil(START));
        t.clearFlags(t.entry(END - 1), 1);
        assertEquals(0, t.flags(t.entry(END - 1)));
        assertEquals(1, t.flags(t.entry(END - 2)));
        assertEquals(0x04030201, t.getInt(t.entry(END - 1) + 16), "the rest of the entry as the run left it");
        assertTrue(t.heapBytes() < ENTRY * CHUNK + 4096);
        check(t);
    }

    @Test
    void initOnTouchEntriesBecomePresentWithoutHeap() {
        PageExtTable t = new PageExtTable(NR, ENTRY, false);
        assertFalse(t.present(START));
        t.initEntries(START, END);
        assertTrue(t.present(START) && t.present(END - 1));
        assertEquals(0, t.heapBytes());
        PageExtTable u = new PageExtTable(NR, ENTRY, false);
        u.initEntries(START + 1, START + 2 * CHUNK);
        assertFalse(u.present(START));
        assertTrue(u.present(START + 1) && u.present(START + 2 * CHUNK - 1));
        assertFalse(u.present(START + 2 * CHUNK));
        assertEquals(u.flags(u.entry(START + 1)), PageExtTable.PRESENT);
        assertTrue(u.heapBytes() < ENTRY * CHUNK + 4096, "one partial chunk; the whole one shares");
        check(u);
    }

    @Test
    void fieldsWrittenThroughTheEntrysArrayAreTheEntrysFields() {
        PageExtTable t = new PageExtTable(NR, ENTRY, true);
        long pfn = START + 3 * CHUNK + 5;
        int e = t.entry(pfn);
        assertEquals(null, t.readable(e), "a chunk nothing wrote reads as zeros");
        assertEquals(0, PageExtTable.getLong(t.readable(e), e + 16));
        byte[] w = t.writable(e);
        PageExtTable.putLong(w, e + 8, 77L);
        PageExtTable.putInt(w, e + 16, -3);
        PageExtTable.putShort(w, e + 20, (short) 9);
        PageExtTable.putLong(w, e, PageExtTable.getLong(w, e) | 1);
        assertEquals(77L, t.getLong(e + 8));
        assertEquals(-3, t.getInt(e + 16));
        assertEquals(9, t.getShort(e + 20));
        assertEquals(1, t.flags(e));
        assertEquals(0, t.getLong(t.entry(pfn + 1) + 8), "the next entry is untouched");
        // a chunk of a run written alike: writing one entry gives the chunk its own copy, the run keeps its array
        t.fill(START + 10 * CHUNK, START + 12 * CHUNK, 24, new byte[] {5, 6}, 2);
        int f = t.entry(START + 10 * CHUNK + 1);
        assertTrue(t.readable(f) == t.readable(t.entry(START + 11 * CHUNK)), "one shared array");
        PageExtTable.putShort(t.writable(f), f + 24, (short) 0x0101);
        assertEquals(0x0101, t.getShort(f + 24));
        assertEquals(0x0605, t.getShort(t.entry(START + 10 * CHUNK) + 24), "the rest of the chunk as the run left it");
        assertEquals(0x0605, t.getShort(t.entry(START + 11 * CHUNK) + 24));
        assertEquals(2, t.flags(t.entry(START + 11 * CHUNK)));
        check(t);
    }

    @Test
    void copiesReadZerosWhereNothingWasWritten() {
        PageExtTable a = new PageExtTable(NR, ENTRY, true), b = new PageExtTable(NR + 1, ENTRY, true);
        a.putLong(a.entry(START + 9) + 8, -1L);
        PageExtTable.copy(a, a.entry(START + 9) + 8, b, b.entry((NR + 1 << Mm.PFN_SECTION_SHIFT) + 3) + 8, 8);
        assertEquals(-1L, b.getLong(b.entry((NR + 1 << Mm.PFN_SECTION_SHIFT) + 3) + 8));
        b.copyWithin(b.entry((NR + 1 << Mm.PFN_SECTION_SHIFT) + 900) + 8, b.entry((NR + 1 << Mm.PFN_SECTION_SHIFT) + 3) + 8, 8);
        assertEquals(0L, b.getLong(b.entry((NR + 1 << Mm.PFN_SECTION_SHIFT) + 3) + 8));
        check(a);
        check(b);
    }

    static void assertSameEntries(PageExtTable want, PageExtTable got) {
        byte[] w = new byte[ENTRY], g = new byte[ENTRY];
        for (long pfn = START; pfn < END; pfn++) {
            want.getBytes(want.entry(pfn), w, ENTRY);
            got.getBytes(got.entry(pfn), g, ENTRY);
            assertArrayEquals(w, g, "pfn " + pfn);
        }
    }

    /**
     * The invariant: what sameUntil promises holds (every entry of the run equals the first), and the table's own
     * heap never exceeds a dense table plus its chunk list.
     */
    static void check(PageExtTable t) {
        long start = t.sectionNr() << Mm.PFN_SECTION_SHIFT;
        int size = t.entrySize();
        byte[] first = new byte[size], other = new byte[size];
        for (long pfn = start; pfn < start + Mm.PAGES_PER_SECTION; ) {
            long until = t.sameUntil(pfn);
            assertTrue(until > pfn && until <= start + Mm.PAGES_PER_SECTION);
            t.getBytes(t.entry(pfn), first, size);
            for (long p = pfn + 1; p < until; p++) {
                t.getBytes(t.entry(p), other, size);
                assertArrayEquals(first, other, "pfn " + p + " in the run from " + pfn);
            }
            pfn = until;
        }
        assertTrue(t.heapBytes() <= t.bytes() + 16L * (Mm.PAGES_PER_SECTION / PageExtTable.CHUNK_PAGES) + 4096);
    }
}
