package mm.core.internal.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import mm.core.api.UninitialisedPageException;
import mm.core.api.ZoneType;
import org.junit.jupiter.api.Test;

/**
 * The memmap's storage rules: a never-initialised page reads as NONE links without anyone writing them, and memmap
 * init of a page that was written before (re-init, poison, raw ZONE_DEVICE writes) resets every word.
 */
class MemmapTest {
    static final int NORMAL = ZoneType.NORMAL.ordinal();

    static MemmapImpl oneSection() {
        MemmapImpl mm = new MemmapImpl();
        mm.addSection(0);
        return mm;
    }

    @Test
    void memmapInitGivesTheKernelsFreshStructPage() {
        MemmapImpl mm = oneSection();
        mm.initRange(10, 20, 0, NORMAL, false, -1);
        for (long pfn = 10; pfn < 20; pfn++) {
            assertEquals(1, mm.refcount(pfn), "init_page_count");
            assertEquals(0, mm.privateField(pfn));
            assertEquals(MemmapImpl.NONE, mm.next(pfn), "empty lru list head");
            assertEquals(MemmapImpl.NONE, mm.prev(pfn));
        }
        assertThrows(UninitialisedPageException.class, () -> mm.refcount(20), "the page after the range is untouched");
    }

    @Test
    void reinitialisingAWrittenPageResetsEveryWord() {
        MemmapImpl mm = oneSection();
        mm.initRange(0, 64, 0, NORMAL, false, -1);
        mm.setNext(5, 1234);
        mm.setPrev(5, 99);
        mm.setPriv(5, 3);
        mm.setRef(5, 7);
        mm.initRange(0, 64, 0, NORMAL, false, -1);
        assertEquals(MemmapImpl.NONE, mm.next(5));
        assertEquals(MemmapImpl.NONE, mm.prev(5));
        assertEquals(0, mm.priv(5));
        assertEquals(1, mm.ref(5));
    }

    @Test
    void poisonedPagesComeBackClean() {
        MemmapImpl mm = oneSection();
        mm.initRange(0, 64, 0, NORMAL, false, -1);
        mm.setNext(40, 1234);
        mm.setPriv(40, 3);
        mm.poisonRange(32, 64);
        assertFalse(mm.initialised(40));
        // the section's init mark is past 64, so re-init looks at the pages themselves
        mm.initRange(32, 64, 0, NORMAL, false, -1);
        assertEquals(MemmapImpl.NONE, mm.next(40));
        assertEquals(0, mm.priv(40));
    }

    @Test
    void rawWritesToUninitialisedPagesAreNotMistakenForPristinePages() {
        MemmapImpl mm = oneSection();
        MemmapImpl.Section s = mm.section(0);
        s.materialiseForRawWrites();
        s.setNext(7, 4321); // memmap_init_zone_device's callback may write a field before the flags
        assertFalse(mm.initialised(7));
        mm.initRange(0, 16, 0, NORMAL, false, -1);
        assertEquals(MemmapImpl.NONE, mm.next(7));
        assertTrue(mm.initialised(7));
    }

    @Test
    void aFreePagesPrivateIsItsBuddyOrderAndNotPartOfItsFlags() {
        MemmapImpl mm = oneSection();
        mm.initRange(0, 1024, 0, NORMAL, false, -1);
        long before = mm.flags(512);
        MemmapImpl.Section s = mm.section(512);
        // what Zone.addToList does for an order-9 block at 512
        s.flags[512] |= Zone.BUDDY | 9L << MemmapImpl.BUDDY_ORDER_SHIFT;
        assertEquals(9, mm.privateField(512), "set_buddy_order");
        assertEquals(before | Zone.BUDDY, mm.flags(512), "the order is not a page flag");
        s.flags[512] &= ~(Zone.BUDDY | MemmapImpl.BUDDY_ORDER_MASK);
        assertEquals(0, mm.privateField(512), "private is 0 again once off the free list");
        mm.setPriv(513, 77);
        assertEquals(77, mm.privateField(513), "other private values are stored as given");
    }
}
