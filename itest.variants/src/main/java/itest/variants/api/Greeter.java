package itest.variants.api;

/** The service of the test subsystem {@code itest.greeter}. */
public interface Greeter {
    String SUBSYSTEM = "itest.greeter";

    String greet();
}
