package mm.core.internal.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import mm.core.internal.deferred.DeferredInits;
import mm.variant.internal.StandaloneVariants;
import org.junit.jupiter.api.Test;

/**
 * The boot log's timestamps follow a kernel clock: 0 until time_init, never backwards, SMP bring-up at the machine's
 * cost, and each node's deferred-init line when its modelled time has passed, the Memory: line after the last.
 */
class TimelineTest {
    static long ns(String line) {
        String t = line.substring(1, line.indexOf(']')).trim();
        int dot = t.indexOf('.');
        return Long.parseLong(t.substring(0, dot)) * 1_000_000_000L + Long.parseLong(t.substring(dot + 1)) * 1000;
    }

    @Test
    void timestampsFollowTheModelledKernelTimes() {
        StandaloneVariants variants = new StandaloneVariants();
        DeferredInits.register(variants::register);
        MemoryModelImpl m = new MemoryModelImpl(variants);
        List<String> log = m.boot(TestMachines.twoNodes(2048, true)).log();
        long prev = 0;
        for (String l : log) {
            assertTrue(ns(l) >= prev, "the clock went backwards at: " + l);
            prev = ns(l);
        }
        String zonelists = log.stream().filter(l -> l.contains("Built 2 zonelists")).findFirst().orElseThrow();
        assertEquals(0, ns(zonelists), "before time_init printk prints 0");
        List<String> deferred = log.stream().filter(l -> l.contains("deferred pages initialised in")).toList();
        assertEquals(2, deferred.size());
        String memory = log.stream().filter(l -> l.contains("] Memory: ")).findFirst().orElseThrow();
        long smpBoot = (long) (TimingModel.SMP_BOOT_MS * 1e6);
        for (String d : deferred) {
            long ms = Long.parseLong(d.replaceAll(".* in (\\d+)ms$", "$1"));
            // started after SMP bring-up; done its modelled time later (to the microsecond the log prints)
            long start = ns(d) - ms * 1_000_000L;
            assertTrue(start >= smpBoot - 1_000_000L && start < smpBoot + 50_000_000L, d);
            assertTrue(ns(memory) >= ns(d), "Memory: comes after every node's line");
        }
        assertEquals(List.of(), m.check());
    }
}
