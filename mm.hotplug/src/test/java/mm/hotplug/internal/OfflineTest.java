package mm.hotplug.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import mm.core.api.CallStack;
import mm.core.api.Gfp;
import mm.core.api.Mm;
import mm.core.api.Task;
import mm.core.api.ZoneType;
import mm.core.hook.PageAllocHook;
import mm.core.hook.PageMigrateHook;
import mm.hotplug.api.HotplugResult;
import mm.hotplug.api.OnlineType;
import org.junit.jupiter.api.Test;

/** offline_pages: refused by an unmovable page (nothing changes), or migrating movable pages out of the block. */
class OfflineTest {
    static final long M = 1L << 20, G = 1L << 30;
    static final long BLOCK = 4 * G >>> Mm.PAGE_SHIFT, NR = 128 * M >>> Mm.PAGE_SHIFT;

    @Test
    void anUnmovablePageRefusesTheOfflineWithEbusyAndNothingChanges() {
        Rig rig = Rig.builtin("tiny");
        assertTrue(rig.hp.add(0, 4 * G, 128 * M).ok());
        assertTrue(rig.hp.online(4 * G, 128 * M, OnlineType.ONLINE_KERNEL).ok());
        // the block is the only Normal memory: GFP_KERNEL allocations (unmovable) come from it first
        long pinned = rig.model.alloc(0, Gfp.GFP_KERNEL, 0, CallStack.of("pin_me", "test"));
        assertTrue(pinned >= BLOCK && pinned < BLOCK + NR, "pfn " + pinned);
        List<Long> movable = new ArrayList<>();
        for (int i = 0; i < 8; i++) movable.add(rig.model.alloc(2, Gfp.GFP_KERNEL | Gfp.__GFP_MOVABLE, 0, CallStack.of("m")));
        rig.clean("allocations");
        rig.hs.drainAllPages(); // offline_pages drains the pcp lists first; snapshot after that
        String before = rig.snapshot(BLOCK, NR);

        HotplugResult r = rig.hp.offline(4 * G, 128 * M);
        assertEquals(HotplugResult.EBUSY, r.errno());
        assertEquals("failure to isolate range", r.reason());
        assertTrue(r.log().stream().anyMatch(l -> l.endsWith(String.format(
                "page: refcount:1 mapcount:0 mapping:0000000000000000 index:0x0 pfn:%#x", pinned))), r.log().toString());
        assertTrue(r.log().stream().anyMatch(l -> l.endsWith("page dumped because: unmovable page")));
        assertTrue(r.log().get(r.log().size() - 1).endsWith(
                "memory offlining [mem 0x100000000-0x107ffffff] failed due to failure to isolate range"));
        rig.clean("refused offline");
        assertEquals(before, rig.snapshot(BLOCK, NR), "memmap, pageblocks and zones are as they were");
        assertEquals("online", rig.hp.block(32).state());

        // without the pinned page the block goes, and the movable pages move out
        rig.model.free(pinned, 0);
        r = rig.hp.offline(4 * G, 128 * M);
        assertTrue(r.ok(), r.toString());
        rig.clean("offline after unpinning");
        assertEquals(0, rig.zone(0, ZoneType.NORMAL).managedPages());
    }

    /** page_owner's side of migration, as a whiteboard hook pair would keep it. */
    static final class Owners implements PageAllocHook, PageMigrateHook {
        final Map<Long, String> owner = new HashMap<>();
        final List<long[]> migrations = new ArrayList<>();

        @Override public void postAlloc(long pfn, int order, int gfp, CallStack stack, Task task, long ts) {
            owner.put(pfn, stack + " order " + order + " gfp " + Gfp.names(gfp));
        }

        @Override public void preFree(long pfn, int order, CallStack stack, Task task, long ts) { owner.remove(pfn); }

        @Override public void onMigrate(long oldPfn, long newPfn, int order) {
            migrations.add(new long[] {oldPfn, newPfn, order});
            owner.put(newPfn, owner.get(oldPfn)); // __folio_copy_owner
        }
    }

    @Test
    void movablePagesAreMigratedAndTheirOwnersFollow() {
        Rig rig = new Rig(Rig.withExtra(Rig.machine("tiny"), Map.of()).withOptions(
                Rig.machine("tiny").options().withPageOwner(true)));
        Owners owners = new Owners();
        rig.model.addAllocHook(owners);
        rig.hs.addMigrateHook(owners);
        assertTrue(rig.hp.add(0, 4 * G, 128 * M).ok());
        assertTrue(rig.hp.online(4 * G, 128 * M, OnlineType.ONLINE_MOVABLE).ok());
        // movable allocations prefer ZONE_MOVABLE, i.e. the new block
        Map<Long, Integer> mine = new HashMap<>();
        Map<Long, String> stacks = new HashMap<>();
        for (int i = 0; i < 40; i++) {
            int order = i % 4;
            long p = rig.model.alloc(order, Gfp.GFP_HIGHUSER_MOVABLE, 0, CallStack.of("user_page_" + i, "handle_mm_fault"));
            assertTrue(p >= BLOCK && p < BLOCK + NR);
            mine.put(p, order);
            stacks.put(p, owners.owner.get(p));
        }
        long pages = mine.values().stream().mapToLong(o -> 1L << o).sum();
        rig.clean("allocations");
        long managedBefore = rig.model.totalManagedPages();

        HotplugResult r = rig.hp.offline(4 * G, 128 * M);
        assertTrue(r.ok(), r.toString());
        rig.clean("offline with migration");
        @SuppressWarnings("unchecked")
        Map<String, Object> block = (Map<String, Object>) ((List<Object>) r.details().get("blocks_done")).get(0);
        assertEquals(pages, block.get("migrated_pages"));
        assertEquals(40, owners.migrations.size());
        for (long[] m : owners.migrations) {
            long from = m[0], to = m[1];
            assertTrue(mine.containsKey(from));
            assertEquals((int) mine.get(from), (int) m[2], "same order");
            assertTrue(to < BLOCK || to >= BLOCK + NR, "migrated out of the block");
            assertEquals(m[2], rig.hs.allocatedOrder(to), "the new block is allocated with the same order");
            assertTrue(rig.model.page(to).flags() != -1 && (rig.model.page(to).flags() & (1L << 5)) != 0,
                    "the new page is on the LRU (movable)");
            assertEquals(stacks.get(from), owners.owner.get(to), "the page_owner record followed the page");
            assertFalse(owners.owner.containsKey(from), "the old page was freed");
        }
        assertEquals(managedBefore - NR, rig.model.totalManagedPages(), "the block's pages left the buddy");
        assertEquals(0, rig.zone(0, ZoneType.MOVABLE).managedPages());
        // free the migrated pages where they are now
        for (long[] m : owners.migrations) rig.model.free(m[1], (int) m[2]);
        rig.clean("free migrated");
        assertNotEquals(0, owners.migrations.size());
    }

    @Test
    void aPinnedMovablePageKeepsTheOfflineRetryingUntilInterrupted() {
        Rig rig = Rig.builtin("tiny");
        assertTrue(rig.hp.add(0, 4 * G, 128 * M).ok());
        assertTrue(rig.hp.online(4 * G, 128 * M, OnlineType.ONLINE_MOVABLE).ok());
        long p = rig.model.alloc(0, Gfp.GFP_HIGHUSER_MOVABLE, 0, CallStack.of("gup"));
        long q = rig.model.alloc(1, Gfp.GFP_HIGHUSER_MOVABLE, 0, CallStack.of("plain"));
        rig.hs.setPageRefcount(p, 2); // get_user_pages: an extra reference, migration cannot move it
        HotplugResult r = rig.hp.offline(4 * G, 128 * M);
        assertEquals(HotplugResult.EINTR, r.errno());
        assertEquals("signal backoff", r.reason());
        assertTrue(r.log().stream().anyMatch(l -> l.endsWith(String.format("migrating pfn %x failed ret:-11", p))));
        assertTrue(r.log().get(r.log().size() - 1).endsWith("failed due to signal backoff"));
        rig.clean("interrupted offline");
        assertEquals("online", rig.hp.block(32).state());
        assertEquals(mm.core.api.MigrateType.MOVABLE, rig.hs.pageblockMigratetype(p), "isolation undone");
        assertTrue(q >= BLOCK && q < BLOCK + NR);
        assertEquals(-1, rig.hs.allocatedOrder(q), "the unpinned page was migrated in the first pass");
        rig.hs.setPageRefcount(p, 1);
        rig.model.free(p, 0);
        assertTrue(rig.hp.offline(4 * G, 128 * M).ok());
        rig.clean("offline");
    }
}
