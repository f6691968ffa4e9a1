package mm.hotplug.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import mm.core.api.ZoneType;
import mm.hotplug.api.HotplugResult;
import mm.hotplug.api.MemoryBlock;
import mm.hotplug.api.OnlineType;
import mm.machine.api.BootOptions;
import mm.machine.api.Machine;
import org.junit.jupiter.api.Test;

/** Boot memory blocks: kernel-zone ones hold unmovable boot allocations; ZONE_MOVABLE ones (movablecore=) can go. */
class BootMemoryTest {
    static final long M = 1L << 20;

    @Test
    void kernelZoneBootBlocksRefuseToGo() {
        Machine base = Rig.machine("tiny-2node");
        BootOptions o = base.options();
        // movablecore=128M: the top of each node goes to ZONE_MOVABLE
        Machine m = base.withOptions(new BootOptions(o.deferredStructPageInit(), o.pageOwner(), o.earlyPageExt(),
                256 * M, -1, 0, -1, o.memLimit(), o.memblockDebug(), o.movableNode(), o.extra()));
        Rig rig = new Rig(m);
        long movable = rig.zone(1, ZoneType.MOVABLE).managedPages();
        assertTrue(movable > 0, "node 1 has boot memory in ZONE_MOVABLE");
        MemoryBlock b3 = rig.hp.block(3);
        // node 1's ZONE_MOVABLE starts inside memory3 and the block ends in the firmware hole: not all System RAM
        HotplugResult r = rig.hp.offline(b3.startAddress(), 128 * M);
        assertEquals(HotplugResult.EINVAL, r.errno());
        assertTrue(r.reason().equals("memory holes") || r.reason().equals("multizone range"), r.reason());
        // a kernel-zone boot block holds the boot allocations of its node: isolation fails
        r = rig.hp.offline(2 * 128 * M, 128 * M);
        assertEquals(HotplugResult.EBUSY, r.errno(), r.toString());
        assertEquals("failure to isolate range", r.reason());
        rig.clean("refused boot offlines");
        assertEquals("online", rig.hp.block(2).state());
    }

    @Test
    void aWholeBootBlockOfZoneMovableGoesAndComesBack() {
        Machine base = Rig.machine("hotplug-demo");
        BootOptions o = base.options();
        Machine m = base.withOptions(new BootOptions(o.deferredStructPageInit(), o.pageOwner(), o.earlyPageExt(),
                512 * M, -1, 0, -1, o.memLimit(), o.memblockDebug(), o.movableNode(), o.extra()));
        Rig rig = new Rig(m);
        // movablecore=512M: the top 256 MiB of each node are ZONE_MOVABLE boot memory
        assertEquals("Movable", rig.hp.block(7).validZones());
        assertEquals("Movable", rig.hp.block(14).validZones());
        // memblock allocated node 0's boot structures top-down, inside its ZONE_MOVABLE: such a page never
        // migrates, the kernel retries until interrupted (movable_node would have kept memblock out of there)
        HotplugResult r = rig.hp.offline(7 * 128 * M, 128 * M);
        assertEquals(HotplugResult.EINTR, r.errno());
        assertEquals("signal backoff", r.reason());
        String summary = HotplugCommands.summary(r);
        assertTrue(summary.contains("memory7: failed: signal backoff; "), summary);
        assertTrue(summary.contains("stays busy (reserved): the kernel retries until the writer is interrupted"), summary);
        rig.clean("refused");
        // node 1's memory14 holds only free and movable pages: it goes
        long managed = rig.model.totalManagedPages();
        MemoryBlock b14 = rig.hp.block(14);
        r = rig.hp.offline(b14.startAddress(), 128 * M);
        assertTrue(r.ok(), r.toString());
        rig.clean("offline boot block");
        assertEquals(managed - 32768, rig.model.totalManagedPages());
        assertTrue(rig.hp.remove(b14.startAddress(), 128 * M).ok());
        rig.clean("remove boot block");
        assertEquals(null, rig.hp.block(14));
        // added again it intersects neither DMA32's nor Movable's span any more: the default is the kernel zone
        assertTrue(rig.hp.add(1, b14.startAddress(), 128 * M).ok());
        assertEquals("Normal Movable", rig.hp.block(14).validZones());
        assertTrue(rig.hp.online(b14.startAddress(), 128 * M, OnlineType.ONLINE_MOVABLE).ok());
        rig.clean("re-added");
        assertEquals(managed, rig.model.totalManagedPages());
        assertEquals("Movable", rig.hp.block(14).validZones());
        assertTrue(!rig.hp.block(14).early(), "it is hot-added memory now");
    }
}
