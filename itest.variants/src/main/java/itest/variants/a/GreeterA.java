package itest.variants.a;

import itest.variants.api.Greeter;
import org.osgi.service.component.annotations.Component;

/** Variant a, the default when nothing is selected. */
@Component(property = {"mm.subsystem=" + Greeter.SUBSYSTEM, "mm.variant=a", "mm.variant.default=true"})
public final class GreeterA implements Greeter {
    @Override
    public String greet() {
        return "hello from a";
    }
}
