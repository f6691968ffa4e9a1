package itest.variants.a;

import itest.variants.api.Greeter;
import java.util.Map;
import mm.variant.api.VariantConstraint;
import org.osgi.service.component.annotations.Component;

/** Refuses variant c of the test subsystem, naming the whole selection it was asked about. */
@Component
public final class NoC implements VariantConstraint {
    @Override
    public String refuse(String subsystem, String variant, Map<String, String> selection) {
        if (Greeter.SUBSYSTEM.equals(subsystem) && "c".equals(variant)) {
            return "variant c is never allowed (asked with selection " + selection + ")";
        }
        return null;
    }
}
