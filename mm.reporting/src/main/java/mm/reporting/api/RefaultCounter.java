package mm.reporting.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Where a reporting device counts re-faults (the guest allocated pages the host had discarded after a report), so
 * that free page reporting's statistics show them per zone and order. Handed to the device by
 * {@link ReportingService#register}.
 */
@ProviderType
public interface RefaultCounter {
    /** {@code pages} pages of the block at {@code pfn} (of {@code order}) were re-faulted in the host. */
    void refaulted(long pfn, int order, long pages);
}
