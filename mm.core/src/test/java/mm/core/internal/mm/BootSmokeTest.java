package mm.core.internal.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import mm.core.internal.deferred.PerNodeDeferredInit;
import org.junit.jupiter.api.Test;

class BootSmokeTest {
    @Test
    void bootsAndChecks() {
        MemoryModelImpl m = new MemoryModelImpl();
        m.addDeferredInit(new PerNodeDeferredInit());
        var r = m.boot(TestMachines.oneNode(512, true));
        r.log().forEach(System.out::println);
        System.out.println(m.zoneinfo().text());
        System.out.println(m.buddyinfo().text());
        System.out.println(m.pagetypeinfo().text());
        System.out.println(m.meminfo().text());
        assertEquals(java.util.List.of(), m.check());
    }
}
