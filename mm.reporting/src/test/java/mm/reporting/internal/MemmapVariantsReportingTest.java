package mm.reporting.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import mm.core.api.MemmapVariants;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Free page reporting and the balloon see the same guest under both memmap storages: the host's view right after
 * boot (the balloon's first-touch walk handles compact's uniformly free sections whole) and after the first
 * reports of an idle guest. (After a storm the counters depend on how the host schedules the emulated CPUs' threads,
 * under either storage, so only the invariants are compared there.)
 */
class MemmapVariantsReportingTest {
    /** Uniformly free sections right after the last boot observed. */
    static int uniformAfterBoot;

    static List<Object> observe(String machine, String memmap) throws Exception {
        try (Guest g = new Guest(machine, "buddy", null, memmap)) {
            uniformAfterBoot = g.model.kernel().mm.uniformSections();
            List<Object> seen = new ArrayList<>();
            g.clock().awaitQuiescent();
            seen.add("rss after boot " + g.balloon.hostRssPages());
            g.workloads.idle(40, 0);
            seen.add("rss idle " + g.balloon.hostRssPages() + " discarded " + g.balloon.discardedPages());
            seen.add("reported " + g.core.stats().reportedPages() + " in " + g.core.stats().batches() + " batches");
            g.workloads.freeStorm(0.125, 2, 2, 50, 3);
            g.workloads.idle(40, 0);
            g.assertChecks();
            return seen;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny", "tiny-2node", "grow-zone", "hotplug-demo"})
    void theHostAndTheCountersAreTheSame(String machine) throws Exception {
        assertEquals(observe(machine, MemmapVariants.DENSE), observe(machine, MemmapVariants.COMPACT));
        if (machine.equals("hotplug-demo"))
            org.junit.jupiter.api.Assertions.assertTrue(uniformAfterBoot > 0, "compact booted with uniform sections");
    }
}
