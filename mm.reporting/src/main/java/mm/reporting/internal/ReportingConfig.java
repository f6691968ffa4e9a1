package mm.reporting.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration of the reporting core, PID {@value #PID} (DS maps {@code array_capacity()} to the property
 * {@code array.capacity}). {@link ConfigReader} checks each value; a bad one is logged and its default kept.
 */
@ObjectClassDefinition(name = "Free page reporting",
        description = "mm/page_reporting.c: page_reporting_order, enable, and the strategies' tunables")
@interface ReportingConfig {
    String PID = "mm.reporting";

    @AttributeDefinition(description = "page_reporting_order: 0..10, -1 = the device's order, else pageblock order")
    int order() default -1;

    @AttributeDefinition(type = AttributeType.BOOLEAN, description = "free page reporting enabled: true or false")
    String enabled() default "true";

    @AttributeDefinition(description = "array strategy: entries of the capture array (>= 1)")
    int array_capacity() default 256;

    @AttributeDefinition(description = "array strategy: captures that wake the worker (>= 1)")
    int array_threshold() default 16;

    @AttributeDefinition(description = "bitmap strategy: marked blocks that wake the worker (>= 1)")
    int bitmap_threshold() default 16;

    @AttributeDefinition(description = "PAGE_REPORTING_DELAY in milliseconds (>= 0)")
    double delay_ms() default 2000;
}
