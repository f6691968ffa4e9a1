package mm.pageowner.internal;

import mm.core.api.Machine;
import org.junit.jupiter.api.Test;

class ExploreTest {
    @Test
    void explore() throws Exception {
        Rig rig = new Rig();
        Machine m = rig.imported("refdata/qemu-2g-1node/console.log");
        System.out.println(m.workload() + " " + m.options().cmdline());
        for (String[] v : new String[][] {{"late", "per-node"}, {"late", "off"}, {"early", "off"}, {"on-touch", "per-node"}, {"early", "per-node"}}) {
            var r = rig.boot(m, v[0], v[1]);
            System.out.println("== " + v[0] + "/" + v[1]);
            Rig.lines(r).stream().filter(l -> l.contains("page_ext") || l.contains("page owner") || l.contains("deferred pages")).forEach(System.out::println);
            System.out.println(r.timings().keySet());
            System.out.println(rig.model.check());
        }
        Machine m2 = rig.imported("refdata/qemu-2g-1node/console-early_page_ext.log");
        System.out.println(m2.workload() + " " + m2.options().cmdline());
        var r = rig.boot(m2, "early", "off");
        Rig.lines(r).stream().filter(l -> l.contains("page_ext") || l.contains("page owner")).forEach(System.out::println);
    }
}
