package mm.hotplug.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import mm.hotplug.api.HotplugResult;
import mm.hotplug.api.OnlineType;
import org.junit.jupiter.api.Test;

/**
 * What memory hotplug changes in the /proc views: arch_add_memory maps the range into the direct map
 * (init_memory_mapping, with 1 GiB pages where alignment allows) and its struct pages count in nr_memmap_pages;
 * arch_remove_memory takes both back; online memory shows in MemTotal.
 */
class HotplugViewsTest {
    static final long M = 1L << 20, G = 1L << 30;

    static Map<String, Long> meminfo(Rig rig) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String l : rig.model.meminfo().text().split("\n")) {
            String label = l.substring(0, l.indexOf(':'));
            out.put(label, Long.parseLong(l.substring(label.length() + 1).replace("kB", "").trim()));
        }
        return out;
    }

    static long vmstat(Rig rig, String item) {
        for (String l : rig.model.vmstat().text().split("\n")) if (l.startsWith(item + " ")) return Long.parseLong(l.split(" ")[1]);
        throw new AssertionError("no " + item + " in vmstat");
    }

    @Test
    void hotAddedMemoryIsInTheDirectMapAndItsStructPagesInNrMemmapPages() {
        Rig rig = Rig.builtin("tiny");
        Map<String, Long> boot = meminfo(rig);
        assertEquals(0, vmstat(rig, "nr_memmap_pages"));

        // 1 GiB at 4 GiB: one 1 GiB mapping, eight sections of struct pages (512 pages each)
        HotplugResult add = rig.hp.add(0, 4 * G, G);
        assertTrue(add.ok(), add.toString());
        Map<String, Long> added = meminfo(rig);
        assertEquals(boot.get("DirectMap1G") + (1L << 20), added.get("DirectMap1G"));
        assertEquals(boot.get("DirectMap2M"), added.get("DirectMap2M"));
        assertEquals(boot.get("DirectMap4k"), added.get("DirectMap4k"));
        assertEquals(8 * 512, vmstat(rig, "nr_memmap_pages"));
        assertEquals(boot.get("MemTotal"), added.get("MemTotal"), "offline memory is not managed");

        // online: the pages join the buddy, MemTotal and MemFree grow by the managed pages
        assertTrue(rig.hp.online(4 * G, G, OnlineType.ONLINE_MOVABLE).ok());
        assertEquals(boot.get("MemTotal") + (1L << 20), meminfo(rig).get("MemTotal"));
        rig.clean("online");

        // offline and remove the upper half: what stays mapped is 512 MiB of 2 MiB pages
        assertTrue(rig.hp.offline(4 * G, G).ok());
        HotplugResult rm = rig.hp.remove(4 * G + G / 2, G / 2);
        assertTrue(rm.ok(), rm.toString());
        Map<String, Long> half = meminfo(rig);
        assertEquals(boot.get("DirectMap1G"), half.get("DirectMap1G"));
        assertEquals(boot.get("DirectMap2M") + 512 * 1024, half.get("DirectMap2M"));
        assertEquals(4 * 512, vmstat(rig, "nr_memmap_pages"));

        // a failed add (the range is present) changes nothing
        assertTrue(!rig.hp.add(0, 4 * G, G / 2).ok());
        assertEquals(half.get("DirectMap2M"), meminfo(rig).get("DirectMap2M"));

        assertTrue(rig.hp.remove(4 * G, G / 2).ok());
        Map<String, Long> gone = meminfo(rig);
        for (String k : new String[] {"DirectMap4k", "DirectMap2M", "DirectMap1G", "MemTotal"})
            assertEquals(boot.get(k), gone.get(k), k);
        assertEquals(0, vmstat(rig, "nr_memmap_pages"));
        rig.clean("remove");
    }
}
