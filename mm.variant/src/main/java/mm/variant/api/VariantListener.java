package mm.variant.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard service told when the active variant of a subsystem changes: after a {@link VariantService#select},
 * or when the active variant's service appears or goes away. Runtime variants (for example free page reporting)
 * use it to hand their state over at once; boot-time variants simply call
 * {@link VariantService#activeService} at the next boot. Called synchronously, outside the registry's locks, on
 * the thread that made the change (for a selection: the Config Admin thread), so it must not call
 * {@link VariantService#select} itself.
 */
@ConsumerType
public interface VariantListener {
    /**
     * @param previous the variant active before (null: none)
     * @param current the variant active now (null: none)
     */
    void activeChanged(String subsystem, String previous, String current);
}
