package mm.variant.api;

import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The variant registry (mm.core). A <em>variant</em> is a service that implements a subsystem's interface and
 * carries the service properties {@link #SUBSYSTEM mm.subsystem} and {@link #VARIANT mm.variant}. One variant per
 * subsystem is <em>selected</em>: by the configuration {@link #PID mm.variant} (one property per subsystem, set by a
 * profile line {@code config mm.variant page-ext=late} or by {@link #select}), otherwise by the variant that carries
 * {@link #DEFAULT mm.variant.default=true}. The selected variant is <em>active</em> while its service is
 * registered; when its bundle stops the subsystem has no active variant (there is no silent switch to another one).
 */
@ProviderType
public interface VariantService {
    /** Service property naming the subsystem a variant belongs to. */
    String SUBSYSTEM = "mm.subsystem";
    /** Service property naming the variant. */
    String VARIANT = "mm.variant";
    /** Service property ({@code true}) marking the variant used while none is selected by configuration. */
    String DEFAULT = "mm.variant.default";
    /** Configuration PID holding the selection: property {@code <subsystem>} = {@code <variant>}. */
    String PID = "mm.variant";

    /** Every subsystem with at least one registered variant, and its variant names, both sorted. */
    Map<String, List<String>> variants();

    /** The selected variant of {@code subsystem} if its service is registered, else null. */
    String active(String subsystem);

    /**
     * Every subsystem's selected variant (configured, else the default), whether or not its service is registered
     * now; sorted by subsystem.
     */
    Map<String, String> selection();

    /**
     * Selects {@code variant} for {@code subsystem}: in effect when this returns (however slow the machine is), and
     * stored in the configuration {@link #PID} for whoever reads it. A variant whose implementation cannot be had
     * (its component fails to activate) is refused with the reason.
     *
     * @throws IllegalArgumentException when the subsystem or variant is not registered, or a
     *         {@link VariantConstraint} refuses the choice (the message is the reason)
     */
    void select(String subsystem, String variant);

    /**
     * The active implementation of {@code subsystem}, or null when none is active. Call it when the work starts
     * (for example at a boot phase), not per page.
     *
     * @throws ClassCastException when the active variant does not implement {@code type}
     */
    <T> T activeService(String subsystem, Class<T> type);
}
