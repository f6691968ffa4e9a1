package mm.core.internal.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import mm.core.api.ZoneInfo;
import mm.core.api.ZoneType;
import mm.core.internal.deferred.DeferredInits;
import mm.variant.internal.StandaloneVariants;
import org.junit.jupiter.api.Test;

/** mm:check's progress line: every zone with pages is announced once, in order, with a growing share below 1. */
class CheckProgressTest {
    @Test
    void everyZoneIsAnnouncedWithAGrowingShare() {
        StandaloneVariants variants = new StandaloneVariants();
        DeferredInits.register(variants::register);
        MemoryModelImpl m = new MemoryModelImpl(variants);
        m.boot(TestMachines.twoNodes(1024, true));
        List<String> zones = new ArrayList<>();
        List<Double> shares = new ArrayList<>();
        List<String> v = m.check((f, nid, zone) -> {
            zones.add(nid + " " + zone.kernelName());
            shares.add(f);
        });
        assertEquals(List.of(), v);
        List<String> expected = new ArrayList<>();
        for (var n : m.nodes())
            for (ZoneType t : ZoneType.VALUES) {
                ZoneInfo z = m.zone(n.nid(), t);
                if (z.spannedPages() > 0 || z.managedPages() > 0) expected.add(n.nid() + " " + t.kernelName());
            }
        assertEquals(expected, zones);
        assertEquals(0.0, shares.get(0));
        for (int i = 1; i < shares.size(); i++) assertTrue(shares.get(i) > shares.get(i - 1), shares.toString());
        assertTrue(shares.get(shares.size() - 1) < 1.0);
    }
}
