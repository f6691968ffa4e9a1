package mm.reporting.internal;

import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void explore() throws Exception {
        for (String s : new String[] {"buddy", "bitmap", "array", "sync"}) {
            try (Guest g = new Guest("tiny", s)) {
                g.workloads.idle(40, 0);
                System.out.println(s + " after boot idle: " + g.core.status().text());
                g.core.resetStats();
                var r = g.workloads.freeStorm(0.125, 3, 1, 50, 1);
                System.out.println(r);
                g.workloads.idle(40, 0);
                System.out.println(g.core.status().text());
                System.out.println(g.core.statsReport().text());
                g.core.record(s);
                System.out.println(g.core.table().text());
                g.assertChecks();
            }
        }
    }
}
