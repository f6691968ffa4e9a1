package mm.reporting.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Where a reporting device counts re-faults (the guest allocated pages the host had discarded after a report), so
 * that free page reporting's statistics show them per zone and order. Handed to the device by
 * {@link ReportingService#register}.
 */
@ProviderType
public interface RefaultCounter {
    /**
     * {@code pages} pages of the memory taken from the free lists at {@code pfn}, to be handed out in blocks of
     * {@code order} (a block, or a run of order-0 pages for a per-cpu list), were re-faulted in the host.
     */
    void refaulted(long pfn, int order, long pages);
}
