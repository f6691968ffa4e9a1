package mm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 14's live stress test: {@code mm:stress} on hotplug-demo (two nodes, an empty DIMM slot) for 40 s: four
 * workers allocate and free mixed orders on both nodes while the slot's blocks are hot-added, onlined and offlined,
 * reporting is switched on, off and between strategies, the next boot's variants are switched and the machine
 * reboots every 8 s, and a guest workload of movable pages runs for hotplug offline to migrate. It must end with
 * mm:check OK, no page handed out twice and no error in any actor; the figures show that every kind of operation
 * happened (a migrated page included). (The 10-minute soak is {@code mm:stress --seconds 600}.)
 */
class StressIT {
    @Test
    void everythingAtOnceEndsWithTheCheckerOk() throws Exception {
        Mmkit.Result r = Mmkit.run("-c", "mm:boot -q --machine hotplug-demo; mm:stress --guest --seconds 40 --reboot-every 8;"
                + " mm:check");
        assertEquals(0, r.rc(), r::toString);
        assertTrue(r.out().contains("mm:check OK\n") && r.out().strip().endsWith("OK"), r::toString);
        for (String k : new String[] {"allocated_blocks", "freed_blocks", "hot_added_blocks", "onlined", "offlined",
                "variant_switches", "reporting_toggles", "idle_steps", "reboots", "guest_runs", "migrated_pages"}) {
            Matcher m = Pattern.compile("(?m)^  " + k + " +(\\d+)$").matcher(r.out());
            assertTrue(m.find() && Long.parseLong(m.group(1)) > 0, k + " happened: " + r);
        }
    }
}
