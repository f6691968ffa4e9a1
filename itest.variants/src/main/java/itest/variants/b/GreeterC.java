package itest.variants.b;

import itest.variants.api.Greeter;
import org.osgi.service.component.annotations.Component;

/** Registered, but refused by the constraint in itest.variants. */
@Component(property = {"mm.subsystem=" + Greeter.SUBSYSTEM, "mm.variant=c"})
public final class GreeterC implements Greeter {
    @Override
    public String greet() {
        return "hello from c";
    }
}
