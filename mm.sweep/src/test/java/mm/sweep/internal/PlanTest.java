package mm.sweep.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import mm.machine.api.Machine;
import mm.machine.internal.MachineServiceImpl;
import org.junit.jupiter.api.Test;

/** What each point boots, and the parameters and variants a user can name. */
class PlanTest {
    static final Map<String, List<String>> SUBSYSTEMS = Map.of(
            "deferred-init", List.of("multithreaded", "off", "per-node", "two-pass"),
            "page-ext", List.of("late", "on-touch"));
    final MachineServiceImpl machines = new MachineServiceImpl();

    @Test
    void parametersAreNamedAsTheDocsSay() {
        assertEquals(new Plan.Param("deferred-threads", ""), Plan.param("deferred-threads", SUBSYSTEMS));
        assertEquals(new Plan.Param("timing", "mem_bw_gbps"), Plan.param("timing:mem_bw_gbps", SUBSYSTEMS));
        assertEquals(new Plan.Param("variant", "deferred-init"), Plan.param("deferred-init", SUBSYSTEMS));
        assertEquals("variant:page-ext", Plan.param("variant:page-ext", SUBSYSTEMS).label());
        assertEquals("option:hugepages", Plan.param("option:hugepages", SUBSYSTEMS).label());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Plan.param("threads", SUBSYSTEMS)).getMessage()
                .startsWith("--param threads: unknown parameter (known: deferred-threads, timing:KEY,"));
        assertEquals("--param variant:memmap: no variant subsystem 'memmap' (known: " + String.join(", ", SUBSYSTEMS.keySet()) + ")",
                assertThrows(IllegalArgumentException.class, () -> Plan.param("variant:memmap", SUBSYSTEMS))
                        .getMessage());
    }

    @Test
    void withNamesVariantsThatExist() {
        assertEquals(Map.of("deferred-init", "multithreaded"), Plan.with("deferred-init=multithreaded", SUBSYSTEMS));
        assertEquals("--with: deferred-init has no variant 'fast' (known: multithreaded, off, per-node, two-pass)",
                assertThrows(IllegalArgumentException.class, () -> Plan.with("deferred-init=fast", SUBSYSTEMS))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> Plan.with("deferred-init", SUBSYSTEMS));
    }

    @Test
    void deferredThreadsGoIntoTheMachinesTimingModel() throws Exception {
        Machine sky = machines.builtin("skylake-2x384g").orElseThrow();
        List<Plan.Point> pts = Plan.points(Plan.param("deferred-threads", SUBSYSTEMS), Points.range("1,26", 1), sky,
                Map.of("deferred-init", "multithreaded"), SUBSYSTEMS, machines);
        assertEquals(1.0, pts.get(0).machine().timing().get("deferred_threads"));
        assertEquals(26.0, pts.get(1).machine().timing().get("deferred_threads"));
        assertEquals(sky.timing().get("mem_bw_gbps"), pts.get(1).machine().timing().get("mem_bw_gbps"),
                "the other keys are kept");
        assertEquals(Map.of("deferred-init", "multithreaded"), pts.get(0).variants());
        assertEquals("deferred-threads 0: expected 1..8192 helper threads per node", assertThrows(
                IllegalArgumentException.class, () -> Plan.points(Plan.param("deferred-threads", SUBSYSTEMS),
                        Points.range("0..2", 1), sky, Map.of(), SUBSYSTEMS, machines)).getMessage());
    }

    @Test
    void aTimingValueTheParserRefusesIsRefusedBeforeAnyBoot() throws Exception {
        Machine tiny = machines.builtin("tiny").orElseThrow();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Plan.points(
                Plan.param("timing:no_such_key", SUBSYSTEMS), Points.values("1"), tiny, Map.of(), SUBSYSTEMS,
                machines));
        assertTrue(e.getMessage().startsWith("timing no_such_key 1: unknown timing parameter 'no_such_key'"),
                e.getMessage());
    }

    @Test
    void anOptionBecomesACommandLineWordThatOverridesTheMachinesOwn() throws Exception {
        Machine tiny = machines.builtin("tiny").orElseThrow();
        List<Plan.Point> pts = Plan.points(Plan.param("option:page_owner", SUBSYSTEMS), Points.values("on,off"), tiny,
                Map.of(), SUBSYSTEMS, machines);
        assertTrue(pts.get(0).machine().options().pageOwner());
        assertTrue(!pts.get(1).machine().options().pageOwner());
        assertEquals("tiny", pts.get(0).machine().name());
    }

    @Test
    void machinesAndVariantsAreCheckedByName() throws Exception {
        Machine tiny = machines.builtin("tiny").orElseThrow();
        List<Plan.Point> pts = Plan.points(Plan.param("machine", SUBSYSTEMS), Points.values("tiny,qemu-2g"), tiny,
                Map.of(), SUBSYSTEMS, machines);
        assertEquals("qemu-2g", pts.get(1).machine().name());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Plan.points(Plan.param("machine", SUBSYSTEMS),
                Points.values("nosuch"), tiny, Map.of(), SUBSYSTEMS, machines)).getMessage()
                .startsWith("machine 'nosuch': neither a built-in machine ("));
        assertEquals("--values: deferred-init has no variant 'fast' (known: multithreaded, off, per-node, two-pass)",
                assertThrows(IllegalArgumentException.class, () -> Plan.points(Plan.param("deferred-init",
                        SUBSYSTEMS), Points.values("per-node,fast"), tiny, Map.of(), SUBSYSTEMS, machines))
                        .getMessage());
    }
}
