package mm.variant.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The selection core and its select flow, without a framework (StandaloneVariants shares both with the registry). */
class SelectionTest {
    final Object perNode = "per-node impl", multi = "multithreaded impl", off = "off impl", late = "late impl";
    final List<String> told = new ArrayList<>();

    StandaloneVariants variants() {
        StandaloneVariants v = new StandaloneVariants();
        v.addListener((sub, prev, cur) -> told.add(sub + ": " + prev + " -> " + cur));
        v.register("deferred-init", "per-node", true, perNode)
                .register("deferred-init", "multithreaded", false, multi)
                .register("deferred-init", "off", false, off)
                .register("page-ext", "late", true, late);
        return v;
    }

    @Test
    void theDefaultVariantIsActiveUntilOneIsSelected() {
        StandaloneVariants v = variants();
        assertEquals("per-node", v.active("deferred-init"));
        assertSame(perNode, v.activeService("deferred-init", Object.class));
        assertEquals(Map.of("deferred-init", "per-node", "page-ext", "late"), v.selection());
        assertEquals(Map.of("deferred-init", List.of("multithreaded", "off", "per-node"), "page-ext", List.of("late")),
                v.variants());
    }

    @Test
    void aSelectionIsInEffectWhenSelectReturnsAndListenersAreToldOnce() {
        StandaloneVariants v = variants();
        told.clear();
        v.select("deferred-init", "off");
        assertEquals("off", v.active("deferred-init"));
        assertSame(off, v.activeService("deferred-init", Object.class));
        assertEquals(List.of("deferred-init: per-node -> off"), told);
        v.select("deferred-init", "off");
        assertEquals(1, told.size(), "selecting the active variant again changes nothing");
    }

    @Test
    void unknownSubsystemsAndVariantsAreRefusedWithTheKnownOnes() {
        StandaloneVariants v = variants();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> v.select("pageext", "late"));
        assertEquals("unknown subsystem 'pageext' (subsystems: deferred-init, page-ext)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> v.select("deferred-init", "twopass"));
        assertEquals("subsystem 'deferred-init' has no variant 'twopass' (variants: multithreaded, off, per-node)",
                e.getMessage());
        assertEquals("per-node", v.active("deferred-init"));
    }

    @Test
    void aConstraintRefusesAndNothingChanges() {
        StandaloneVariants v = variants();
        v.addConstraint((sub, var, sel) -> sub.equals("deferred-init") && var.equals("multithreaded")
                && sel.get("page-ext").equals("late") ? "late page_ext wants one deferred-init thread" : null);
        told.clear();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> v.select("deferred-init", "multithreaded"));
        assertEquals("cannot select deferred-init=multithreaded: late page_ext wants one deferred-init thread",
                e.getMessage());
        assertEquals("per-node", v.active("deferred-init"));
        assertEquals(List.of(), told);
    }

    @Test
    void whenTheSelectedImplementationGoesAwayThereIsNoSilentFallback() {
        StandaloneVariants v = variants();
        v.select("deferred-init", "off");
        told.clear();
        v.unregister(off);
        assertNull(v.active("deferred-init"));
        assertNull(v.activeService("deferred-init", Object.class));
        assertEquals("off", v.selection().get("deferred-init"), "the choice stays");
        assertEquals(List.of("deferred-init: off -> null"), told);
        v.register("deferred-init", "off", false, off);
        assertEquals("off", v.active("deferred-init"));
    }

    @Test
    void aLaterRegistrationOfTheSameVariantWins() {
        StandaloneVariants v = variants();
        Object newer = "newer per-node";
        v.register("deferred-init", "per-node", true, newer);
        assertSame(newer, v.activeService("deferred-init", Object.class));
        v.unregister(newer);
        assertSame(perNode, v.activeService("deferred-init", Object.class));
    }

    @Test
    void anOldDeliveryOfTheStoredConfigurationDoesNotUndoANewerSelection() {
        // what Config Admin does on a busy host: the registry stored seq 0 (off) then seq 1 (multithreaded); the
        // delivery of seq 0 arrives after both were applied
        Selection<Object> s = new Selection<>((a, b) -> 0);
        s.add("deferred-init", "per-node", true, perNode);
        s.add("deferred-init", "off", false, off);
        s.add("deferred-init", "multithreaded", false, multi);
        long first = s.nextSeq();
        s.choose("deferred-init", "off");
        long second = s.nextSeq();
        s.choose("deferred-init", "multithreaded");
        assertNull(s.deliver(Map.of("deferred-init", "off"), first), "stale: ignored");
        assertEquals("multithreaded", s.active("deferred-init"));
        assertEquals(List.of(), s.deliver(Map.of("deferred-init", "multithreaded"), second), "its own echo: no change");
        // someone else edits the configuration (no sequence number): it applies
        assertEquals(List.of(new Selection.Change("deferred-init", "multithreaded", "per-node")),
                s.deliver(Map.of("deferred-init", "per-node"), -1));
        assertEquals("per-node", s.active("deferred-init"));
    }

    @Test
    void theConfigurationHoldsOnlySelectionProperties() {
        Map<String, Object> props = new java.util.LinkedHashMap<>();
        props.put("component.name", "mm.variant.internal.VariantRegistry");
        props.put("component.id", 3L);
        props.put("service.pid", "mm.variant");
        props.put("felix.fileinstall.filename", "x");
        props.put(VariantRegistry.SEQ, 7L);
        props.put("page-ext", " late ");
        props.put("reporting", "bitmap");
        assertEquals(Map.of("page-ext", "late", "reporting", "bitmap"), VariantRegistry.selectionOf(props));
        assertEquals(7L, VariantRegistry.seqOf(props));
        assertEquals(-1L, VariantRegistry.seqOf(Map.of()));
    }
}
