package mm.variant.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Marks a DS component as a variant: {@code @Variant(subsystem = DeferredInit.SUBSYSTEM, name = "per-node",
 * isDefault = true)} next to {@code @Component} gives it the service properties {@value VariantService#SUBSYSTEM},
 * {@value VariantService#VARIANT} and {@value VariantService#DEFAULT}, so every variant declares them the same way,
 * with its names taken from the subsystem's API constants.
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Variant {
    /** Property names are the method names after this prefix, with {@code _} for {@code .}. */
    String PREFIX_ = "mm.";

    /** {@code mm.subsystem}. */
    String subsystem();

    /** {@code mm.variant}: the variant's name. */
    String variant();

    /** {@code mm.variant.default}: used while the configuration selects none. */
    boolean variant_default() default false;
}
