package mm.core.internal.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import mm.core.api.MigrateType;
import mm.core.api.Mm;
import mm.core.api.ZoneType;
import mm.core.internal.deferred.DeferredInits;
import mm.machine.api.BootWorkload;
import mm.variant.internal.StandaloneVariants;
import org.junit.jupiter.api.Test;

/**
 * Changing one pageblock's type while a free MAX_ORDER block covers two pageblocks (hotplug isolates and un-isolates
 * a range one pageblock at a time, and the zone lock is dropped between two). The block must be split so that no
 * free block ever sits on a list other than its pageblocks' type: an allocation between two steps used to leave a
 * free list whose head was an allocated page (mm:stress --guest: "Bad page state: pfn 0xfffffffffffffffe").
 */
class PageblockIsolationTest {
    static final int MOVABLE = MigrateType.MOVABLE.ordinal();
    static final int ISOLATE = MigrateType.ISOLATE.ordinal();

    @Test
    void isolatingHalfOfAFreeMaxOrderBlockSplitsItAndUndoingMergesItAgain() {
        StandaloneVariants variants = new StandaloneVariants();
        DeferredInits.register(variants::register);
        MemoryModelImpl m = new MemoryModelImpl(variants);
        m.boot(TestMachines.oneNode(1024, false).withWorkload(new BootWorkload(1, 1, 0, 0, 0, new int[] {1})));
        Zone z = m.kernel().node(0).zones[ZoneType.DMA32.ordinal()];
        long head = z.listHead(Mm.MAX_PAGE_ORDER, MOVABLE);
        assertNotEquals(MemmapImpl.NONE, head, "a fresh 1 GiB machine has free MAX_ORDER movable blocks");
        long upper = head + Mm.PAGEBLOCK_NR_PAGES;
        long free = z.freePages();

        // isolate the upper pageblock only, as offline_pages does one pageblock after the other
        z.setPageblockMigratetype(upper, ISOLATE);
        assertTrue(z.isBuddy(head, Mm.PAGEBLOCK_ORDER), "the lower half is a free pageblock-sized block");
        assertTrue(z.isBuddy(upper, Mm.PAGEBLOCK_ORDER), "the upper half is one too");
        assertEquals(upper, z.listHead(Mm.PAGEBLOCK_ORDER, ISOLATE), "the upper half is on the isolate list");
        assertEquals(free, z.freePages(), "splitting frees and takes nothing");
        assertEquals(List.of(), m.check());

        // the lower half can be allocated while the upper one is isolated: nothing of the upper one leaks out
        synchronized (z) {
            List<Long> before = new java.util.ArrayList<>(); // blocks ahead of it on the list go back afterwards
            long got;
            while ((got = z.rmqueueSmallestLocked(Mm.PAGEBLOCK_ORDER, MOVABLE)) != head) {
                assertTrue(got >= 0, "the lower half is handed out at last");
                assertTrue(got < upper || got >= upper + Mm.PAGEBLOCK_NR_PAGES, "never a page of the isolated half");
                before.add(got);
            }
            z.freeOneLocked(got, Mm.PAGEBLOCK_ORDER, MOVABLE, false, false);
            for (long b : before) z.freeOneLocked(b, Mm.PAGEBLOCK_ORDER, MOVABLE, false, false);
        }
        // un-isolating merges the two halves again (unset_migratetype_isolate)
        z.setPageblockMigratetype(upper, MOVABLE);
        assertTrue(z.isBuddy(head, Mm.MAX_PAGE_ORDER), "the halves merged back into one MAX_ORDER block");
        assertEquals(List.of(), m.check());
    }
}
