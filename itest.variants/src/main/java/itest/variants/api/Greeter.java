package itest.variants.api;

import org.osgi.annotation.versioning.ProviderType;

/** The service of the test subsystem {@code itest.greeter}. */
@ProviderType
public interface Greeter {
    String SUBSYSTEM = "itest.greeter";

    String greet();
}
