package mm.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import mm.core.api.MemoryModel;
import mm.core.api.NodeInfo;
import mm.machine.api.MachineService;
import mm.variant.api.VariantService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

/** Booting through the public services, and switching the deferred-init variant before a boot. */
@ExtendWith(ServiceExtension.class)
class BootTest {
    @InjectService(timeout = 60_000)
    MemoryModel model;
    @InjectService(timeout = 60_000)
    MachineService machines;
    @InjectService(timeout = 60_000)
    VariantService variants;

    @AfterEach
    void backToDefault() {
        variants.select("deferred-init", "per-node");
    }

    @Test
    void bootOfABuiltinMachineGivesAConsistentModel() throws Exception {
        model.boot(Services.builtin(machines, "tiny"));
        assertTrue(model.booted());
        assertEquals(List.of(), model.check(), "invariant violations after boot");
        assertTrue(model.totalFreePages() > 0, "free pages after boot");
    }

    @Test
    void deferredInitOffTakesEffectOnTheNextBoot() throws Exception {
        // with the default (per-node) the default machine defers part of its struct pages...
        model.boot(Services.builtin(machines, "default"));
        assertTrue(model.nodes().stream().anyMatch(n -> n.bootFirstDeferredPfn() != NodeInfo.NO_DEFERRED),
                "per-node deferred init defers some pages of machine 'default': " + model.nodes());

        // ...with "off" nothing is deferred; select returned only once the switch was in effect
        variants.select("deferred-init", "off");
        assertEquals("off", variants.active("deferred-init"));
        model.boot(Services.builtin(machines, "default"));
        assertEquals("off", model.deferredInitVariant());
        for (NodeInfo n : model.nodes()) {
            assertEquals(NodeInfo.NO_DEFERRED, n.bootFirstDeferredPfn(), "node " + n.nid() + " deferred pages");
            assertEquals(0, n.deferredPages(), "node " + n.nid() + " deferred pages");
        }
        assertEquals(List.of(), model.check(), "invariant violations after boot");
    }

    @Test
    void unknownVariantIsRefusedNamingTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> variants.select("deferred-init", "sideways"));
        for (String known : List.of("multithreaded", "off", "per-node", "two-pass")) {
            assertTrue(e.getMessage().contains(known), "message names " + known + ": " + e.getMessage());
        }
        assertEquals("per-node", variants.active("deferred-init"), "a refused selection changes nothing");
        assertFalse(variants.selection().containsValue("sideways"));
    }
}
