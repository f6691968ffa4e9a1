package mm.hotplug.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import mm.core.api.MigrateType;
import mm.core.api.Mm;
import mm.core.api.PageFlags;
import mm.core.api.ZoneInfo;
import mm.core.api.ZoneType;
import mm.core.spi.MemoryHotplugSupport.Altmap;
import mm.core.spi.MemoryHotplugSupport.RawPage;
import mm.hotplug.api.DevPagemap;
import mm.hotplug.api.HotplugResult;
import mm.hotplug.api.PgmapType;
import org.junit.jupiter.api.Test;

/** memremap_pages with and without an altmap, memunmap_pages, and the two device-init variants. */
class MemremapTest {
    static final long M = 1L << 20, G = 1L << 30;
    static final long BASE = 8 * G >>> Mm.PAGE_SHIFT, NR = 1 * G >>> Mm.PAGE_SHIFT;

    @Test
    void withAnAltmapTheFirstPagesHoldTheMemmap() {
        Rig rig = Rig.builtin("tiny");
        int blocks = rig.hp.blocks().size();
        long managed = rig.model.totalManagedPages();
        HotplugResult r = rig.hp.memremap(0, 8 * G, 1 * G, true, PgmapType.FSDAX);
        assertTrue(r.ok(), r.toString());
        rig.clean("memremap");
        // 8 KiB info block, then 1 GiB * 64/4096 = 16 MiB of struct pages rounded up to 2 MiB: 18 MiB
        Altmap a = Memremap.altmapFor(BASE, NR);
        assertEquals(2, a.reserve());
        assertEquals(4096, a.alloc());
        assertEquals(18 * M >>> Mm.PAGE_SHIFT, a.offset());
        DevPagemap pm = rig.hp.pagemaps().get(0);
        assertEquals(NR - a.offset(), pm.devicePages());
        assertTrue(r.log().stream().anyMatch(l -> l.matches(
                ".*memmap_init_zone_device initialised " + (NR - a.offset()) + " pages in \\d+ms")), r.log().toString());
        // the reserve is not touched; the memmap pages are initialised ZONE_DEVICE pages without a pgmap
        assertFalse(rig.hs.readPage(BASE).initialised());
        RawPage memmap = rig.hs.readPage(BASE + 2);
        assertTrue(memmap.initialised());
        assertEquals(ZoneType.DEVICE.ordinal(), PageFlags.zoneIdx(memmap.flags()));
        assertEquals(-1, memmap.pgmap());
        RawPage dev = rig.hs.readPage(BASE + a.offset());
        assertTrue(dev.reserved(), "device pages stay PG_reserved");
        assertEquals(pm.id(), dev.pgmap());
        assertEquals(0, dev.zoneDeviceData());
        assertEquals(1, dev.refcount());
        assertEquals(MigrateType.MOVABLE, rig.hs.pageblockMigratetype(BASE + a.offset()));
        // ZONE_DEVICE spans the range, owns nothing; memory blocks and managed pages are unchanged
        ZoneInfo z = rig.zone(0, ZoneType.DEVICE);
        assertEquals(BASE, z.zoneStartPfn());
        assertEquals(NR, z.spannedPages());
        assertEquals(0, z.presentPages());
        assertEquals(0, z.managedPages());
        assertEquals(blocks, rig.hp.blocks().size());
        assertEquals(managed, rig.model.totalManagedPages());
        assertFalse(rig.hs.pfnToOnlinePage(BASE + a.offset()));
        assertTrue(rig.model.zoneinfo().text().contains("Node 0, zone   Device\n  pages free     0"));

        HotplugResult u = rig.hp.memunmap(pm.id());
        assertTrue(u.ok());
        rig.clean("memunmap");
        assertFalse(rig.model.memmap().valid(BASE));
        assertEquals(NR, rig.zone(0, ZoneType.DEVICE).spannedPages(), "the kernel never shrinks ZONE_DEVICE");
        assertTrue(rig.hp.pagemaps().isEmpty());
        // the range can be mapped again
        assertTrue(rig.hp.memremap(0, 8 * G, 1 * G, true, PgmapType.FSDAX).ok());
        rig.clean("memremap again");
    }

    @Test
    void withoutAnAltmapEveryPageIsADevicePage() {
        Rig rig = Rig.builtin("tiny");
        HotplugResult r = rig.hp.memremap(0, 8 * G, 1 * G, false, PgmapType.PRIVATE);
        assertTrue(r.ok());
        rig.clean("memremap private");
        assertEquals(NR, rig.hp.pagemaps().get(0).devicePages());
        assertFalse(r.log().stream().anyMatch(l -> l.contains("init_memory_mapping")), "private memory is not mapped");
        RawPage first = rig.hs.readPage(BASE);
        assertTrue(first.reserved());
        assertEquals(0, first.refcount(), "MEMORY_DEVICE_PRIVATE pages start with refcount 0");
        assertEquals(1, first.pgmap());
    }

    @Test
    void conflicts() {
        Rig rig = Rig.builtin("tiny");
        HotplugResult r = rig.hp.memremap(0, 128 * M, 128 * M, false, PgmapType.DEVDAX);
        assertEquals(HotplugResult.ENXIO, r.errno());
        // that section has a hole at 128 MiB and firmware at its top: part RAM, part not
        assertTrue(r.log().get(0).endsWith("WARNING: attempted on mixed region 0x8000000-0xfffffff"), r.log().toString());
        assertTrue(rig.hp.memremap(0, 8 * G, 64 * M, false, PgmapType.DEVDAX).ok());
        r = rig.hp.memremap(0, 8 * G + 64 * M, 64 * M, false, PgmapType.DEVDAX);
        assertEquals(HotplugResult.ENOMEM, r.errno(), "another pgmap in the same section");
        assertEquals(HotplugResult.EEXIST, rig.hp.add(0, 8 * G, 128 * M).errno(), "device memory is not hot-addable");
        assertEquals(HotplugResult.EINVAL, rig.hp.memremap(0, 9 * G + 4096, 2 * M, false, PgmapType.DEVDAX).errno());
        rig.clean("conflicts");
    }

    @Test
    void bothDeviceInitVariantsLeaveIdenticalStructPages() {
        Rig onePass = Rig.builtin("tiny"), callback = Rig.builtin("tiny");
        onePass.variants.select("device-init", "one-pass");
        callback.variants.select("device-init", "callback");
        for (PgmapType type : PgmapType.values()) {
            for (boolean altmap : new boolean[] {true, false}) {
                String[] pages = new String[2];
                int i = 0;
                for (Rig rig : new Rig[] {onePass, callback}) {
                    // a range inside one section, not starting on its boundary (subsection-aligned)
                    HotplugResult r = rig.hp.memremap(0, 8 * G + 2 * M, 64 * M, altmap, type);
                    assertTrue(r.ok(), r.toString());
                    rig.clean(type + " " + altmap);
                    DevPagemap pm = rig.hp.pagemaps().get(0);
                    assertEquals(rig == onePass ? "one-pass" : "callback", pm.initVariant());
                    pages[i++] = rig.snapshot(BASE, Mm.PAGES_PER_SECTION);
                    assertTrue(rig.hp.memunmap(pm.id()).ok());
                }
                assertEquals(pages[0], pages[1], type + (altmap ? " with" : " without") + " altmap");
            }
        }
    }
}
