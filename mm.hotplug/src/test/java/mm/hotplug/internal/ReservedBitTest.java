package mm.hotplug.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mm.core.api.Mm;
import mm.core.hook.MemoryNotifier;
import mm.hotplug.api.OnlineType;
import org.junit.jupiter.api.Test;

/** The two PG_reserved policies and what depends on the bit (seeds 002/003). */
class ReservedBitTest {
    static final long M = 1L << 20, G = 1L << 30;
    static final long NR = 128 * M >>> Mm.PAGE_SHIFT;

    @Test
    void theScenarioShowsWhatDependsOnTheBit() {
        Rig rig = Rig.builtin("tiny");
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (String policy : new String[] {"keep", "drop"}) {
            rig.variants.select("reserved-bit", policy);
            out.put(policy, rig.hp.reservedBitScenario().get(policy));
            rig.clean("scenario " + policy);
        }
        Map<String, Object> keep = out.get("keep"), drop = out.get("drop");
        assertEquals(NR + "/" + NR, keep.get("after move_pfn_range_to_zone: PG_reserved pages"));
        assertEquals("0/" + NR, drop.get("after move_pfn_range_to_zone: PG_reserved pages"));
        // the 2018 PFN walker: reserved pages are off limits; without the bit it would save memory not yet online
        String walker = "2018 PFN walker (skips PG_reserved, like saveable_page): pages it would save";
        assertEquals(0L, keep.get(walker));
        assertEquals(NR, drop.get(walker));
        // the 6.x walker asks pfn_to_online_page first: the bit does not matter
        String walker6 = "6.x PFN walker (pfn_to_online_page first): pages it would save";
        assertEquals(0L, keep.get(walker6));
        assertEquals(0L, drop.get(walker6));
        // the 2018 online_pages_range only calls the online callback if the first pfn is reserved
        String cb = "2018 online_pages_range (callback only if first pfn PG_reserved): callbacks";
        assertEquals(NR / Mm.MAX_ORDER_NR_PAGES, keep.get(cb), "one callback per MAX_PAGE_ORDER chunk");
        assertEquals(0L, drop.get(cb), "without the bit the 2018 kernel would never online the block");
        // each policy's own online works and leaves no reserved page behind
        for (Map<String, Object> m : List.of(keep, drop)) {
            assertEquals((NR / Mm.MAX_ORDER_NR_PAGES) + " / " + NR, m.get("online under the policy: callbacks / pages onlined"));
            assertTrue(String.valueOf(m.get("online: managed pages of the zone")).endsWith("(+" + NR + ")"));
            assertEquals("0/" + NR, m.get("after online: PG_reserved pages"));
            assertEquals("OK", m.get("check in that window"), "initialised pages of an offline section are fine");
            assertEquals("OK", m.get("check after online"));
            assertEquals("OK", m.get("check at the end"));
        }
        String table = ReservedBitScenario.table(out);
        assertTrue(table.lines().anyMatch(l -> l.startsWith(walker) && l.matches(".*\\b0\\s+" + NR + "$")), table);
        assertEquals(2, rig.hp.blocks().size(), "the scenario leaves the machine as it found it");
    }

    @Test
    void thePolicyCanBeSwappedBetweenOperations() {
        Rig rig = Rig.builtin("tiny");
        // what a memory notifier sees at MEM_GOING_ONLINE: the struct pages between init and the buddy
        List<String> seen = new ArrayList<>();
        rig.hs.addNotifier((action, nid, start, nr) -> {
            if (action == MemoryNotifier.Action.GOING_ONLINE)
                seen.add(ReservedBitScenario.countReserved(rig.hs, start, nr) + " reserved");
            return null;
        });
        assertTrue(rig.hp.add(0, 4 * G, 256 * M).ok());
        rig.variants.select("reserved-bit", "keep");
        assertTrue(rig.hp.online(4 * G, 128 * M, OnlineType.ONLINE).ok());
        rig.variants.select("reserved-bit", "drop");
        assertTrue(rig.hp.online(4 * G + 128 * M, 128 * M, OnlineType.ONLINE).ok());
        assertEquals(List.of(NR + " reserved", "0 reserved"), seen);
        rig.clean("both online");
        assertFalse(rig.hs.readPage(4 * G >>> Mm.PAGE_SHIFT).reserved(), "the buddy owns them now");
    }

    @Test
    void aVetoingNotifierCancelsTheOnline() {
        Rig rig = Rig.builtin("tiny");
        rig.hs.addNotifier((action, nid, start, nr) -> action == MemoryNotifier.Action.GOING_ONLINE ? "no page_ext" : null);
        assertTrue(rig.hp.add(0, 4 * G, 128 * M).ok());
        var r = rig.hp.online(4 * G, 128 * M, OnlineType.ONLINE);
        assertEquals(16, r.errno());
        assertTrue(r.log().get(r.log().size() - 1).endsWith("online_pages [mem 0x100000000-0x107ffffff] failed"));
        assertEquals("offline", rig.hp.block(32).state());
        assertEquals(0, rig.zone(0, mm.core.api.ZoneType.NORMAL).spannedPages());
        rig.clean("cancelled online");
    }
}
