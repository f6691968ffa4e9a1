package mm.core.internal.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import mm.core.internal.deferred.DeferredInits;
import mm.variant.internal.StandaloneVariants;
import org.junit.jupiter.api.Test;

class BootSmokeTest {
    @Test
    void bootsAndChecks() {
        StandaloneVariants variants = new StandaloneVariants();
        DeferredInits.register(variants::register);
        MemoryModelImpl m = new MemoryModelImpl(variants);
        var r = m.boot(TestMachines.oneNode(512, true));
        r.log().forEach(System.out::println);
        System.out.println(m.zoneinfo().text());
        System.out.println(m.buddyinfo().text());
        System.out.println(m.pagetypeinfo().text());
        System.out.println(m.meminfo().text());
        assertEquals(java.util.List.of(), m.check());
    }
}
