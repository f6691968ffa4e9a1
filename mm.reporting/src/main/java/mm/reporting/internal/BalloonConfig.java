package mm.reporting.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration of the emulated virtio-balloon, PID {@value #PID} (DS maps {@code latency_us()} to the property
 * {@code latency.us}). {@link ConfigReader} checks each value; a bad one is logged and its default kept.
 */
@ObjectClassDefinition(name = "virtio-balloon (free page reporting)",
        description = "drivers/virtio/virtio_balloon.c with VIRTIO_BALLOON_F_REPORTING, and the host")
@interface BalloonConfig {
    String PID = "mm.reporting.balloon";

    @AttributeDefinition(description = "emulated host time per report in microseconds (>= 0): the virtqueue round"
            + " trip and the host's MADV_DONTNEED of up to 64 MiB")
    double latency_us() default 5000;

    @AttributeDefinition(description = "PAGE_REPORTING_CAPACITY: entries of the reporting virtqueue (>= 1)")
    int capacity() default 32;

    @AttributeDefinition(description = "the reporting order the driver asks for: 0..10, 0 = page_reporting_order")
    int order() default 0;
}
