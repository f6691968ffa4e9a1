package mm.hotplug.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import mm.core.api.Mm;
import mm.core.hook.MemoryNotifier.Action;
import mm.core.spi.MemoryHotplugSupport;
import mm.hotplug.api.HotplugResult;
import mm.hotplug.api.MemoryHotplug;
import mm.hotplug.api.OnlineType;
import mm.hotplug.api.PgmapType;
import org.junit.jupiter.api.Test;

/**
 * A hot-add, online or memremap that fails part-way changes nothing: the struct pages of the range, every zone's
 * counters and free lists, the memory blocks and dev_pagemaps are as before, check() passes, and the result says
 * why. Failures are injected where the kernel has error paths (a notifier) and where it has none (a primitive that
 * throws on a chosen pfn, an OutOfMemoryError).
 */
class RollbackTest {
    static final long M = 1L << 20, G = 1L << 30;
    static final long AT = 4 * G, PFN = AT >>> Mm.PAGE_SHIFT, BLOCK = 128 * M >>> Mm.PAGE_SHIFT;

    /** Everything a user can see of the model around the range: pages, zones, blocks, pgmaps, check(). */
    private static String state(Rig rig, MemoryHotplug hp) {
        boolean present = rig.model.memmap().valid(PFN);
        return (present ? rig.snapshot(PFN, 2 * BLOCK) : rig.snapshot(PFN, 0) + "absent") + hp.blocks() + hp.pagemaps() + rig.model.totalManagedPages()
                + " " + rig.model.totalFreePages() + " " + rig.model.check();
    }

    /** The facade on a MemoryHotplugSupport that throws {@code thrown} when {@code method} is called for {@code pfn}. */
    private static MemoryHotplug failingAt(Rig rig, String method, long pfn, RuntimeException thrownOr, Error error) {
        MemoryHotplugSupport real = rig.hs;
        MemoryHotplugSupport failing = (MemoryHotplugSupport) Proxy.newProxyInstance(
                MemoryHotplugSupport.class.getClassLoader(), new Class<?>[] {MemoryHotplugSupport.class},
                (proxy, m, args) -> {
                    if (m.getName().equals(method) && args != null && args[0] instanceof Long p && p == pfn) {
                        if (error != null) throw error;
                        throw thrownOr;
                    }
                    try {
                        return m.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        return new MemoryHotplugImpl(rig.model, failing, rig.variants);
    }

    @Test
    void aNotifierThatThrowsOnOnlineLeavesTheBlocksOfflineAndTheZonesAsTheyWere() {
        Rig rig = Rig.builtin("tiny");
        assertTrue(rig.hp.add(0, AT, 256 * M).ok());
        String before = state(rig, rig.hp);
        List<Action> heard = new ArrayList<>();
        rig.hs.addNotifier((action, nid, start, nr) -> {
            heard.add(action);
            // the second block's ONLINE: the first block is online by then and must go back too
            if (action == Action.ONLINE && start == PFN + BLOCK) throw new IllegalStateException("notifier bug");
            return null;
        });
        HotplugResult r = rig.hp.online(AT, 256 * M, OnlineType.ONLINE_MOVABLE);
        assertFalse(r.ok());
        assertEquals("notifier bug; nothing changed", r.reason());
        assertEquals(true, r.details().get("rolled_back"));
        assertEquals(before, state(rig, rig.hp));
        rig.clean("rolled-back online");
        // the notifiers heard both blocks go offline again, the second first
        assertEquals(List.of(Action.GOING_ONLINE, Action.ONLINE, Action.GOING_ONLINE, Action.ONLINE,
                Action.GOING_OFFLINE, Action.OFFLINE, Action.GOING_OFFLINE, Action.OFFLINE), heard);
    }

    @Test
    void aPrimitiveThatThrowsPartWayThroughOnlineIsUndone() {
        Rig rig = Rig.builtin("tiny");
        assertTrue(rig.hp.add(0, AT, 256 * M).ok());
        String before = state(rig, rig.hp);
        // generic_online_page of a chunk in the middle of the second block: half of it is in the buddy already
        MemoryHotplug hp = failingAt(rig, "genericOnlinePage", PFN + BLOCK + BLOCK / 2,
                new IllegalStateException("injected failure at pfn 0x108000"), null);
        HotplugResult r = hp.online(AT, 256 * M, OnlineType.ONLINE_KERNEL);
        assertFalse(r.ok());
        assertEquals(HotplugResult.EINVAL, r.errno());
        assertEquals("injected failure at pfn 0x108000; nothing changed", r.reason());
        assertEquals(before, state(rig, hp));
        rig.clean("rolled-back online");
        // nothing is left behind: the same range onlines and offlines cleanly afterwards
        assertTrue(rig.hp.online(AT, 256 * M, OnlineType.ONLINE_KERNEL).ok());
        rig.clean("online after rollback");
        assertTrue(rig.hp.offline(AT, 256 * M).ok());
        assertTrue(rig.hp.remove(AT, 256 * M).ok());
        rig.clean("remove after rollback");
    }

    @Test
    void whatOtherCodeAllocatedMeanwhileStaysAllocated() {
        Rig rig = Rig.builtin("tiny");
        assertTrue(rig.hp.add(0, AT, 256 * M).ok());
        // page_ext's notifier allocates its tables from memory that is already online (another zone's lists)
        long[] table = {-1};
        rig.hs.addNotifier((action, nid, start, nr) -> {
            if (action == Action.GOING_ONLINE && table[0] < 0)
                table[0] = rig.model.alloc(2, mm.core.api.Gfp.GFP_KERNEL, 0, mm.core.api.CallStack.of("page_ext_test"));
            return null;
        });
        MemoryHotplug hp = failingAt(rig, "genericOnlinePage", PFN + BLOCK / 2,
                new IllegalStateException("injected failure"), null);
        HotplugResult r = hp.online(AT, 256 * M, OnlineType.ONLINE_KERNEL);
        assertFalse(r.ok());
        rig.clean("rolled-back online with an allocation elsewhere");
        assertTrue(table[0] >= 0 && table[0] < PFN, "allocated below the range: " + table[0]);
        assertEquals("offline", rig.hp.block(PFN / BLOCK).state());
        assertFalse(rig.model.memmap().initialised(PFN));
        rig.model.free(table[0], 2);
        rig.clean("the table freed");
    }

    @Test
    void anOutOfMemoryErrorDuringAddIsAFailedResultAndTheSectionsGoAway() {
        Rig rig = Rig.builtin("tiny");
        String before = state(rig, rig.hp);
        // the second block's online_pages_range, after the first block was added and onlined
        MemoryHotplug hp = failingAt(rig, "onlinePagesRange", PFN + BLOCK, null, new OutOfMemoryError("Java heap space"));
        hp.setAutoOnlineBlocks("online_movable");
        HotplugResult r = hp.add(0, AT, 256 * M);
        assertFalse(r.ok());
        assertEquals(HotplugResult.ENOMEM, r.errno());
        assertTrue(r.reason().startsWith("the JVM ran out of heap"), r.reason());
        assertFalse(rig.model.memmap().valid(PFN), "add_memory's error path removes the sections again");
        assertEquals(before, state(rig, hp));
        rig.clean("rolled-back add");
        assertTrue(rig.hp.add(0, AT, 256 * M).ok(), "the range can be added afterwards");
        rig.clean("add after rollback");
    }

    @Test
    void aVetoDuringAutoOnlineFailsTheWholeAdd() {
        Rig rig = Rig.builtin("tiny");
        String before = state(rig, rig.hp);
        rig.hp.setAutoOnlineBlocks("online");
        rig.hs.addNotifier((action, nid, start, nr) ->
                action == Action.GOING_ONLINE && start == PFN + BLOCK ? "no page_ext" : null);
        HotplugResult r = rig.hp.add(0, AT, 256 * M);
        assertFalse(r.ok());
        assertEquals(HotplugResult.EBUSY, r.errno());
        assertEquals(true, r.details().get("rolled_back"));
        assertEquals(before, state(rig, rig.hp));
        rig.clean("vetoed add");
    }

    @Test
    void aDeviceInitThatThrowsLeavesNoPagemap() {
        Rig rig = Rig.builtin("tiny");
        String before = state(rig, rig.hp);
        MemoryHotplug hp = failingAt(rig, "setPageblockMigratetype", PFN + 10 * Mm.PAGEBLOCK_NR_PAGES,
                new IllegalArgumentException("bad pageblock"), null);
        HotplugResult r = hp.memremap(0, AT, 256 * M, false, PgmapType.DEVDAX);
        assertFalse(r.ok(), r.toString());
        assertEquals(before, state(rig, hp));
        rig.clean("rolled-back memremap");
        HotplugResult ok = rig.hp.memremap(0, AT, 256 * M, false, PgmapType.DEVDAX);
        assertTrue(ok.ok(), ok.toString());
        assertEquals(1, ok.details().get("pgmap"), "the failed memremap used no pgmap id");
        rig.clean("memremap after rollback");
    }

    /**
     * Hot-add far above the boot memory: at 8 TiB (pfn 2^31) and at 2^52 - 128 MiB. Each step either succeeds or
     * fails with a reason and changes nothing; either way check() passes and the range can be removed again.
     */
    @Test
    void hotAddFarAboveTheBootMemoryFailsCleanlyOrWorks() {
        Rig rig = Rig.builtin("tiny");
        for (long at : new long[] {8L << 40, (1L << 52) - 128 * M}) {
            String before = rig.snapshot(0, 0) + rig.hp.blocks();
            String blocksBefore = String.valueOf(rig.hp.blocks());
            long managedBefore = rig.model.totalManagedPages();
            HotplugResult add = rig.hp.add(0, at, 128 * M);
            rig.clean("add at " + at);
            if (!add.ok()) {
                assertTrue(add.reason() != null && !add.reason().isBlank());
                assertEquals(before, rig.snapshot(0, 0) + rig.hp.blocks(), "a failed add changes nothing");
                continue;
            }
            String added = rig.snapshot(0, 0) + rig.hp.blocks();
            HotplugResult on = rig.hp.online(at, 128 * M, OnlineType.ONLINE_MOVABLE);
            rig.clean("online at " + at);
            if (on.ok()) {
                assertTrue(rig.hp.offline(at, 128 * M).ok());
                rig.clean("offline at " + at);
            } else {
                assertEquals(true, on.details().get("rolled_back"), on.toString());
                assertEquals(added, rig.snapshot(0, 0) + rig.hp.blocks(), "a failed online changes nothing");
            }
            HotplugResult rm = rig.hp.remove(at, 128 * M);
            assertTrue(rm.ok(), rm.toString());
            rig.clean("remove at " + at);
            // a successful online + offline drains the per-cpu lists into the buddy, as the kernel's does: the
            // blocks and the managed memory are as before, the free lists need not be
            assertEquals(blocksBefore, String.valueOf(rig.hp.blocks()));
            assertEquals(managedBefore, rig.model.totalManagedPages());
        }
    }
}
