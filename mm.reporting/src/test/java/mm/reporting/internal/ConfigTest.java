package mm.reporting.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import mm.core.internal.mm.MemoryModelImpl;
import mm.core.internal.mm.ReportingSupportImpl;
import mm.reporting.api.Tunables;
import mm.variant.internal.StandaloneVariants;
import org.apache.felix.scr.impl.inject.internal.Annotations;
import org.junit.jupiter.api.Test;

/**
 * The PIDs {@code mm.reporting} and {@code mm.reporting.balloon} as a profile's {@code config} lines give them
 * (strings), turned into the component property types by SCR's own conversion.
 */
class ConfigTest {
    final List<String> warnings = new ArrayList<>();

    /**
     * What SCR hands the constructor: the component description's properties (bnd writes the property type's
     * defaults there, {@code array_capacity()} as {@code array.capacity}) overlaid by the configuration.
     */
    static <T> T typed(Class<T> type, Map<String, Object> config) {
        Map<String, Object> props = new HashMap<>();
        for (Method m : type.getDeclaredMethods()) {
            if (m.getDefaultValue() != null) props.put(m.getName().replace('_', '.'), m.getDefaultValue());
        }
        props.putAll(config);
        return Annotations.toObject(type, props, null, false);
    }

    ReportingCore core(Map<String, Object> props) {
        StandaloneVariants variants = new StandaloneVariants();
        MemoryModelImpl model = new MemoryModelImpl(variants);
        ReportingCore core = new ReportingCore(model, new ReportingSupportImpl(model), new DirectHooks(model), variants);
        core.configure(typed(ReportingConfig.class, props), warnings::add);
        return core;
    }

    VirtioBalloon balloon(Map<String, Object> props) {
        MemoryModelImpl model = new MemoryModelImpl(new StandaloneVariants());
        VirtioBalloon b = new VirtioBalloon(model, new DirectHooks(model), null);
        b.configure(typed(BalloonConfig.class, props), warnings::add);
        return b;
    }

    @Test
    void withoutConfigurationTheKernelDefaultsApply() {
        ReportingCore c = core(Map.of());
        assertEquals(9, c.order(), "page_reporting_order defaults to pageblock order");
        assertTrue(c.enabled());
        assertEquals(Tunables.defaults(), c.tunables());
        VirtioBalloon b = balloon(Map.of());
        assertEquals(VirtioBalloon.PAGE_REPORTING_CAPACITY, b.capacity());
        assertEquals(VirtioBalloon.DEFAULT_LATENCY_NANOS, b.latencyNanos());
        assertEquals(0, b.order());
        assertEquals(List.of(), warnings);
    }

    @Test
    void validValuesOverrideTheDefaults() {
        ReportingCore c = core(Map.of("order", "5", "enabled", "false", "array.capacity", "64",
                "array.threshold", "8", "bitmap.threshold", "4", "delay.ms", "0.5"));
        assertEquals(5, c.order());
        assertFalse(c.enabled());
        assertEquals(new Tunables(64, 8, 4, 500_000), c.tunables());
        VirtioBalloon b = balloon(Map.of("latency.us", "250", "capacity", "16", "order", "10"));
        assertEquals(250_000, b.latencyNanos());
        assertEquals(16, b.capacity());
        assertEquals(10, b.order());
        assertEquals(List.of(), warnings);
    }

    @Test
    void badValuesAreRefusedWithOneSentenceAndTheDefaultKept() {
        ReportingCore c = core(Map.of("order", "42", "enabled", "yes", "array.capacity", "abc",
                "array.threshold", "0", "delay.ms", "-1"));
        assertEquals(9, c.order());
        assertTrue(c.enabled());
        assertEquals(Tunables.defaults(), c.tunables());
        VirtioBalloon b = balloon(Map.of("latency.us", "-5", "capacity", "many", "order", "11"));
        assertEquals(VirtioBalloon.DEFAULT_LATENCY_NANOS, b.latencyNanos());
        assertEquals(VirtioBalloon.PAGE_REPORTING_CAPACITY, b.capacity());
        assertEquals(0, b.order());
        assertEquals(List.of(
                "configuration mm.reporting: property order = 42 is out of range -1..10; keeping the default -1",
                "configuration mm.reporting: property enabled = 'yes' is not true or false; keeping the default true",
                "configuration mm.reporting: property array.capacity is not an integer; keeping the default 256",
                "configuration mm.reporting: property array.threshold = 0 is out of range 1..2147483647; keeping the"
                        + " default 16",
                "configuration mm.reporting: property delay.ms = -1 is out of range 0..86400000; keeping the default"
                        + " 2000",
                "configuration mm.reporting.balloon: property latency.us = -5 is out of range 0..86400000000; keeping"
                        + " the default 5000",
                "configuration mm.reporting.balloon: property capacity is not an integer; keeping the default 32",
                "configuration mm.reporting.balloon: property order = 11 is out of range 0..10; keeping the default 0"),
                warnings);
    }
}
