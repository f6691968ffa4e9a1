package mm.hotplug.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import mm.core.api.CallStack;
import mm.core.api.Gfp;
import mm.core.api.MemmapVariants;
import mm.core.api.Mm;
import mm.hotplug.api.DeviceMemmapInit;
import mm.hotplug.api.HotplugResult;
import mm.hotplug.api.OnlineType;
import mm.hotplug.api.PgmapType;
import org.junit.jupiter.api.Test;

/**
 * The compact memmap is observably the dense one under hotplug and ZONE_DEVICE: the same scenario (memremap under
 * both device-init variants, with and without an altmap, memunmap, hot-add, online, allocations, offline, remove)
 * leaves every struct page of the range, every pageblock type and every zone counter the same under both storages,
 * while compact keeps the ZONE_DEVICE sections identical (O(1) heap).
 */
class MemmapVariantsHotplugDiffTest {
    static final long M = 1L << 20, G = 1L << 30;
    static final long BASE = 8 * G, SIZE = 512 * M;

    private record Run(List<String> steps, boolean deviceSectionsIdentical) {}

    private static Run run(String storage) {
        Rig rig = new Rig(Rig.machine("tiny"), storage);
        List<String> steps = new ArrayList<>();
        long basePfn = BASE >>> Mm.PAGE_SHIFT, nr = SIZE >>> Mm.PAGE_SHIFT;
        HotplugResult r = rig.hp.memremap(0, BASE, SIZE, true, PgmapType.FSDAX);
        assertTrue(r.ok(), r.toString());
        rig.clean("memremap one-pass");
        steps.add(rig.snapshot(basePfn, nr));
        // the last section of the range lies wholly past the altmap's memmap: device pages only
        boolean identical = rig.model.memmap().uniformlyReserved(basePfn + nr - 1);
        assertTrue(rig.hp.memunmap(rig.hp.pagemaps().get(0).id()).ok());
        rig.clean("memunmap");
        steps.add(rig.snapshot(basePfn, nr));

        rig.variants.select(DeviceMemmapInit.SUBSYSTEM, DeviceMemmapInit.CALLBACK);
        r = rig.hp.memremap(0, BASE, SIZE, false, PgmapType.DEVDAX);
        assertTrue(r.ok(), r.toString());
        rig.clean("memremap callback");
        steps.add(rig.snapshot(basePfn, nr));
        identical &= rig.model.memmap().uniformlyReserved(basePfn);
        assertTrue(rig.hp.memunmap(rig.hp.pagemaps().get(0).id()).ok());
        rig.clean("memunmap callback");

        assertTrue(rig.hp.add(0, BASE, SIZE).ok());
        rig.clean("add");
        steps.add(rig.snapshot(basePfn, nr));
        assertTrue(rig.hp.online(BASE, SIZE, OnlineType.ONLINE_MOVABLE).ok());
        rig.clean("online");
        List<Long> pfns = new ArrayList<>();
        for (int i = 0; i < 40; i++)
            pfns.add(rig.model.alloc(i % 4, Gfp.GFP_HIGHUSER_MOVABLE, 0, CallStack.of("diff", "test")));
        steps.add(pfns.toString());
        steps.add(rig.snapshot(basePfn, nr));
        for (int i = 0; i < pfns.size(); i += 2) rig.model.free(pfns.get(i), i % 4);
        rig.clean("allocations");
        HotplugResult off = rig.hp.offline(BASE, SIZE);
        // the log's timestamps follow the emulator's own elapsed time; the lines must be the same
        steps.add(off.ok() + " " + off.log().stream().map(l -> l.replaceFirst("^\\[ *[0-9.]+\\] ", "")).toList());
        rig.clean("offline");
        steps.add(rig.snapshot(basePfn, nr));
        return new Run(steps, identical);
    }

    @Test
    void compactAnswersAsDenseDoesUnderHotplugAndZoneDevice() {
        Run dense = run(MemmapVariants.DENSE);
        Run compact = run(MemmapVariants.COMPACT);
        assertEquals(dense.steps().size(), compact.steps().size());
        for (int i = 0; i < dense.steps().size(); i++)
            assertEquals(dense.steps().get(i), compact.steps().get(i), "step " + i + " differs between dense and compact");
        assertFalse(dense.deviceSectionsIdentical(), "dense keeps per-page arrays");
        assertTrue(compact.deviceSectionsIdentical(), "compact keeps whole ZONE_DEVICE sections as one struct page");
    }
}
