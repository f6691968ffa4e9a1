package mm.variant.api;

import java.util.Map;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard service consulted by {@link VariantService#select}: it can refuse an impossible combination of
 * variants (for example a page_ext variant that needs a boot option the current machine does not have).
 */
@ConsumerType
public interface VariantConstraint {
    /**
     * @param subsystem the subsystem being changed
     * @param variant the variant asked for
     * @param selection the whole selection as it would be after the change (subsystem to variant)
     * @return null to allow the choice, else the reason it is refused (shown to the user as is)
     */
    String refuse(String subsystem, String variant, Map<String, String> selection);
}
