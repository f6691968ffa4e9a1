package mm.reporting.api;

import mm.core.spi.FreePageReportingSupport;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * struct page_reporting_dev_info: the device free pages are reported to (virtio-balloon's reporting virtqueue).
 * One device at a time: {@link ReportingService#register} refuses a second one with EBUSY.
 */
@ConsumerType
public interface PageReportingDevice {
    /** PAGE_REPORTING_CAPACITY: the most blocks one report carries (the scatterlist size). */
    int capacity();

    /** The reporting order the driver asks for; 0 = the default (page_reporting_order, pageblock order). */
    default int order() { return 0; }

    /**
     * Reports {@code n} isolated free blocks ({@code pfns[i]} of order {@code orders[i]}): the host discards them.
     * Returns how long the host took in emulated nanoseconds (the caller keeps the pages isolated for that long, as
     * virtballoon_free_page_report waits for the host to return the buffer), or a negative errno on failure (the
     * pages go back unreported).
     */
    long report(long[] pfns, int[] orders, int n);

    /** The guest is booting again: its memory map is about to change. */
    default void guestBooting() {}

    /** The guest booted (or the device was registered on a running guest): the host view starts from this state. */
    default void guestBooted(FreePageReportingSupport support) {}

    /** page_reporting_register accepted this device: it counts the re-faults it sees into {@code refaults}. */
    default void registered(RefaultCounter refaults) {}

    /** The host's view of what this device reported when it models one (virtio-balloon), else null. */
    default BalloonDevice balloon() { return null; }
}
