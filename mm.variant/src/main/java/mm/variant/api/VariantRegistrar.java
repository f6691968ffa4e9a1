package mm.variant.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Registers an implementation as a variant by hand, where no framework registers services: a bundle's list of its
 * variants ({@code DeferredInits.register(registrar)}) fed to a standalone registry in tests and benchmarks.
 */
@ConsumerType
@FunctionalInterface
public interface VariantRegistrar {
    /** Registers {@code impl} as variant {@code variant} of {@code subsystem} ({@code isDefault}: mm.variant.default). */
    void register(String subsystem, String variant, boolean isDefault, Object impl);
}
