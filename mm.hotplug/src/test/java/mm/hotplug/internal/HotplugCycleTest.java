package mm.hotplug.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import mm.core.api.CallStack;
import mm.core.api.Gfp;
import mm.core.api.Mm;
import mm.core.api.ZoneInfo;
import mm.core.api.ZoneType;
import mm.hotplug.api.HotplugResult;
import mm.hotplug.api.MemoryBlock;
import mm.hotplug.api.OnlineType;
import org.junit.jupiter.api.Test;

/** add -> online -> offline -> remove, repeated, on one and two nodes, to Normal and Movable; check() after each. */
class HotplugCycleTest {
    static final long M = 1L << 20, G = 1L << 30;
    static final int BLOCK_PAGES = (int) (128 * M >>> Mm.PAGE_SHIFT);

    @Test
    void addOnlineOfflineRemoveOnOneNodeToNormalAndMovable() {
        Rig rig = Rig.builtin("tiny");
        long managed0 = rig.model.totalManagedPages();
        for (int round = 0; round < 2; round++) {
            for (OnlineType type : new OnlineType[] {OnlineType.ONLINE_KERNEL, OnlineType.ONLINE_MOVABLE}) {
                ZoneType zt = type == OnlineType.ONLINE_KERNEL ? ZoneType.NORMAL : ZoneType.MOVABLE;
                String step = "round " + round + " " + zt;
                // add: sections exist, blocks offline, no zone touched, nothing initialised
                HotplugResult add = rig.hp.add(0, 4 * G, 256 * M);
                assertTrue(add.ok(), add.toString());
                assertTrue(add.log().stream().anyMatch(l -> l.endsWith("init_memory_mapping: [mem 0x100000000-0x10fffffff]")));
                rig.clean(step + " add");
                assertEquals(List.of("offline", "offline"), List.of(rig.hp.block(32).state(), rig.hp.block(33).state()));
                assertEquals(0, rig.zone(0, zt).spannedPages());
                assertFalse(rig.model.memmap().initialised(4 * G >>> Mm.PAGE_SHIFT), "__add_pages leaves struct pages poisoned");
                assertTrue(rig.model.memmap().valid(4 * G >>> Mm.PAGE_SHIFT));

                // online both blocks: the zone appears, spans them, present and managed grow
                HotplugResult on = rig.hp.online(4 * G, 256 * M, type);
                assertTrue(on.ok(), on.toString());
                rig.clean(step + " online");
                ZoneInfo z = rig.zone(0, zt);
                assertEquals(4 * G >>> Mm.PAGE_SHIFT, z.zoneStartPfn());
                assertEquals(2L * BLOCK_PAGES, z.spannedPages());
                assertEquals(2L * BLOCK_PAGES, z.presentPages());
                assertEquals(2L * BLOCK_PAGES, z.managedPages());
                assertEquals(managed0 + 2L * BLOCK_PAGES, rig.model.totalManagedPages());
                assertEquals(zt.kernelName(), rig.hp.block(32).validZones());
                assertTrue(on.log().stream().anyMatch(l -> l.contains("Built 1 zonelists, mobility grouping on.")),
                        "a newly populated zone rebuilds the zonelists");

                // the new memory is allocatable: the zone comes first in the zonelist of its allocations
                int gfp = zt == ZoneType.MOVABLE ? Gfp.GFP_HIGHUSER_MOVABLE : Gfp.GFP_KERNEL;
                long pfn = rig.model.alloc(3, gfp, 0, CallStack.of("test_alloc"));
                assertTrue(pfn >= 4 * G >>> Mm.PAGE_SHIFT, "allocated from the hot-added zone: " + pfn);
                rig.model.free(pfn, 3);
                rig.clean(step + " alloc/free");

                // offline one block at a time: the span shrinks from the low end, then the zone is empty
                HotplugResult off = rig.hp.offline(4 * G, 128 * M);
                assertTrue(off.ok(), off.toString());
                rig.clean(step + " offline 1");
                z = rig.zone(0, zt);
                assertEquals((4 * G + 128 * M) >>> Mm.PAGE_SHIFT, z.zoneStartPfn());
                assertEquals(BLOCK_PAGES, z.spannedPages());
                assertEquals(BLOCK_PAGES, z.managedPages());
                assertFalse(rig.model.memmap().initialised(4 * G >>> Mm.PAGE_SHIFT), "offlined struct pages are poisoned");
                assertTrue(rig.hp.offline(4 * G + 128 * M, 128 * M).ok());
                rig.clean(step + " offline 2");
                z = rig.zone(0, zt);
                assertEquals(0, z.spannedPages());
                assertEquals(0, z.presentPages());
                assertEquals(0, z.managedPages());
                assertEquals(managed0, rig.model.totalManagedPages());
                assertEquals("offline", rig.hp.block(33).state());

                HotplugResult rm = rig.hp.remove(4 * G, 256 * M);
                assertTrue(rm.ok(), rm.toString());
                rig.clean(step + " remove");
                assertNull(rig.hp.block(32));
                assertFalse(rig.model.memmap().valid(4 * G >>> Mm.PAGE_SHIFT));
                assertEquals(2, rig.hp.blocks().size());
            }
        }
    }

    @Test
    void twoNodes() {
        Rig rig = Rig.builtin("tiny-2node");
        var boot1 = rig.model.nodes().get(1);
        long node1End = boot1.startPfn() + boot1.spannedPages();
        // node 1 ends at 512 MiB: a block right after it intersects no zone of node 1, so it is Normal
        assertTrue(rig.hp.add(1, 512 * M, 256 * M).ok());
        rig.clean("add node 1");
        assertEquals(1, rig.hp.block(4).nid());
        assertEquals("Normal Movable", rig.hp.block(4).validZones());
        assertTrue(rig.hp.online(512 * M, 128 * M, OnlineType.ONLINE).ok());
        assertTrue(rig.hp.online(640 * M, 128 * M, OnlineType.ONLINE_MOVABLE).ok());
        rig.clean("online node 1");
        assertEquals(BLOCK_PAGES, rig.zone(1, ZoneType.NORMAL).managedPages());
        assertEquals(BLOCK_PAGES, rig.zone(1, ZoneType.MOVABLE).managedPages());
        assertEquals(0, rig.zone(0, ZoneType.NORMAL).spannedPages(), "node 0 untouched");
        var n1 = rig.model.nodes().get(1);
        assertEquals((768 * M) >>> Mm.PAGE_SHIFT, n1.startPfn() + n1.spannedPages(), "node 1's span grew");

        // a node-0 block far above, with the node picked from the machine (first node)
        assertTrue(rig.hp.add(-1, 8 * G, 128 * M).ok());
        assertEquals(0, rig.hp.block(64).nid());
        assertTrue(rig.hp.online(8 * G, 128 * M, OnlineType.ONLINE).ok());
        rig.clean("online node 0");
        assertEquals(BLOCK_PAGES, rig.zone(0, ZoneType.NORMAL).managedPages());

        // allocations on node 1 prefer its new Normal zone; node 0's come from its own
        long p1 = rig.model.alloc(0, Gfp.GFP_KERNEL | Gfp.__GFP_THISNODE, 1, CallStack.of("n1"));
        assertTrue(p1 >= (512 * M >>> Mm.PAGE_SHIFT) && p1 < (640 * M >>> Mm.PAGE_SHIFT), "pfn " + p1);
        rig.model.free(p1, 0);

        for (long a : new long[] {512 * M, 640 * M, 8 * G}) {
            assertTrue(rig.hp.offline(a, 128 * M).ok());
            rig.clean("offline " + a);
        }
        assertTrue(rig.hp.remove(512 * M, 256 * M).ok());
        assertTrue(rig.hp.remove(8 * G, 128 * M).ok());
        rig.clean("remove");
        n1 = rig.model.nodes().get(1);
        assertEquals(node1End, n1.startPfn() + n1.spannedPages(), "node 1's span is back to its boot span");
        for (ZoneType t : new ZoneType[] {ZoneType.NORMAL, ZoneType.MOVABLE})
            for (int nid = 0; nid < 2; nid++) assertEquals(0, rig.zone(nid, t).spannedPages());
    }

    /** Issue 14: System RAM is never hot-added over a range the e820 map gives to something else (an NVDIMM). */
    @Test
    void hotAddOverPmemIsAResourceConflict() {
        Rig rig = Rig.builtin("hotplug-demo");
        String before = rig.snapshot(0, 16);
        HotplugResult r = rig.hp.add(-1, 16 * G, 128 * M);
        assertEquals(HotplugResult.EEXIST, r.errno(), r.toString());
        assertTrue(r.log().get(0).endsWith("Unable to reserve System RAM region: 0000000400000000->0000000408000000"));
        assertTrue(r.reason().contains("overlaps e820 persistent (type 7) [mem 0x400000000-0x7ffffffff]"), r.reason());
        assertEquals(before, rig.snapshot(0, 16), "nothing changed");
        assertTrue(rig.hp.add(-1, 4 * G, 128 * M).ok(), "the empty DIMM slot of node 1 still takes memory");
        rig.clean("pmem refusal");
    }

    @Test
    void refusals() {
        Rig rig = Rig.builtin("tiny");
        HotplugResult r = rig.hp.add(0, 4 * G + 64 * M, 128 * M);
        assertEquals(HotplugResult.EINVAL, r.errno());
        assertTrue(r.log().get(0).endsWith("Block size [0x8000000] unaligned hotplug range: start 0x104000000, size 0x8000000"));
        r = rig.hp.add(0, 128 * M, 128 * M);
        assertEquals(HotplugResult.EEXIST, r.errno(), "boot memory is already System RAM");
        assertTrue(r.log().get(0).endsWith("Unable to reserve System RAM region: 0000000008000000->0000000010000000"));
        assertTrue(rig.hp.add(0, 4 * G, 128 * M).ok());
        assertEquals(HotplugResult.EINVAL, rig.hp.offline(4 * G, 128 * M).errno(), "already offline");
        assertTrue(rig.hp.online(4 * G, 128 * M, OnlineType.ONLINE).ok());
        assertEquals(HotplugResult.EINVAL, rig.hp.online(4 * G, 128 * M, OnlineType.ONLINE).errno(), "already online");
        r = rig.hp.remove(4 * G, 128 * M);
        assertEquals(HotplugResult.EBUSY, r.errno());
        assertTrue(r.log().get(0).endsWith(
                "removing memory fails, because memory [0x0000000100000000-0x0000000107ffffff] is onlined"));
        assertThrows(IllegalArgumentException.class, () -> rig.hp.online(8 * G, 128 * M, OnlineType.ONLINE),
                "no such block");
        assertThrows(IllegalArgumentException.class, () -> rig.hp.add(5, 8 * G, 128 * M), "no such node");
        // the boot block 0 spans DMA and DMA32 and has holes
        r = rig.hp.offline(0, 128 * M);
        assertEquals(HotplugResult.EINVAL, r.errno());
        assertEquals("memory holes", r.reason());
        assertTrue(r.log().get(r.log().size() - 1).endsWith(
                "memory offlining [mem 0x00000000-0x07ffffff] failed due to memory holes"));
        rig.clean("refusals");
    }

    @Test
    void autoOnlineBlocks() {
        Rig rig = new Rig(Rig.withExtra(Rig.machine("tiny"), java.util.Map.of("memhp_default_state", "online_movable")));
        assertEquals("online_movable", rig.hp.autoOnlineBlocks());
        assertTrue(rig.hp.add(0, 4 * G, 256 * M).ok());
        List<MemoryBlock> b = rig.hp.blocks();
        assertEquals("online", b.get(2).state());
        assertEquals("Movable", b.get(3).validZones());
        assertEquals(2L * BLOCK_PAGES, rig.zone(0, ZoneType.MOVABLE).managedPages());
        rig.hp.setAutoOnlineBlocks("offline");
        assertTrue(rig.hp.add(0, 8 * G, 128 * M).ok());
        assertEquals("offline", rig.hp.block(64).state());
        rig.clean("auto online");
    }
}
