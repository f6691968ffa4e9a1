package mm.core.internal.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import mm.core.hook.BootPhase;
import mm.core.hook.BootPhaseListener;
import mm.core.internal.deferred.DeferredInits;
import mm.variant.internal.StandaloneVariants;
import org.junit.jupiter.api.Test;

/** BootPhaseListener's promise: called in service-ranking order, highest first, then by service id. */
class BootPhaseOrderTest {
    private final List<String> calls = new CopyOnWriteArrayList<>();

    private BootPhaseListener named(String name) {
        return (phase, ctx) -> { if (phase == BootPhase.SETUP_ARCH) calls.add(name); };
    }

    private static Map<String, Object> props(int ranking, long id) {
        return Map.of("service.ranking", ranking, "service.id", id);
    }

    @Test
    void listenersRunByRankingThenServiceIdWhateverTheBindOrder() {
        StandaloneVariants variants = new StandaloneVariants();
        DeferredInits.register(variants::register);
        MemoryModelImpl m = new MemoryModelImpl(variants);
        m.bindPhaseListener(named("low-ranked"), props(-5, 3));
        m.bindPhaseListener(named("default, later id"), props(0, 20));
        m.bindPhaseListener(named("high-ranked"), props(100, 40));
        m.bindPhaseListener(named("default, earlier id"), Map.of("service.id", 10L));
        m.boot(TestMachines.oneNode(256, false));
        assertEquals(List.of("high-ranked", "default, earlier id", "default, later id", "low-ranked"), calls);
    }

    @Test
    void aRankingChangeReordersTheNextBoot() {
        StandaloneVariants variants = new StandaloneVariants();
        DeferredInits.register(variants::register);
        MemoryModelImpl m = new MemoryModelImpl(variants);
        BootPhaseListener a = named("a"), b = named("b");
        m.bindPhaseListener(a, props(0, 1));
        m.bindPhaseListener(b, props(0, 2));
        m.updatedPhaseListener(b, props(1, 2));
        m.boot(TestMachines.oneNode(256, false));
        assertEquals(List.of("b", "a"), calls);
        calls.clear();
        m.unbindPhaseListener(b);
        m.boot(TestMachines.oneNode(256, false));
        assertEquals(List.of("a"), calls);
    }
}
