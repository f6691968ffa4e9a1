package mm.variant.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VariantRegistryTest {
    @Test
    void theSelectionIgnoresPropertiesSetByDsAndConfigAdmin() {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("component.name", "mm.variant.internal.VariantRegistry");
        props.put("component.id", 3L);
        props.put("service.pid", "mm.variant");
        props.put("felix.fileinstall.filename", "x");
        props.put(".hidden", "x");
        props.put("pageext", " late ");
        props.put("reporting", "bitmap");
        assertEquals(Map.of("pageext", "late", "reporting", "bitmap"), VariantRegistry.selectionOf(props));
    }

    @Test
    void noConfigurationMeansNoSelection() {
        assertEquals(Map.of(), VariantRegistry.selectionOf(null));
    }
}
