package itest.variants.b;

import itest.variants.api.Greeter;
import org.osgi.service.component.annotations.Component;

@Component(property = {"mm.subsystem=" + Greeter.SUBSYSTEM, "mm.variant=b"})
public final class GreeterB implements Greeter {
    @Override
    public String greet() {
        return "hello from b";
    }
}
