package mm.reporting.api;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The emulated virtio-balloon device with VIRTIO_BALLOON_F_REPORTING, seen from the host: which guest pages are
 * backed by host memory (host RSS), how many were discarded after a report, how many the guest touched again after
 * they were discarded (re-faults: the allocator handed out a reported page).
 *
 * <p>Host model: a guest page is backed once the guest allocated (touched) it; pages that were free since boot were
 * never touched. A report discards the reported pages (MADV_DONTNEED); allocating a discarded page re-faults it.
 */
@ProviderType
public interface BalloonDevice {
    /** Guest pages backed by host memory now. */
    long hostRssPages();

    /** Pages the host discarded and the guest has not touched since. */
    long discardedPages();

    /** Reported pages the guest allocated again (each one a fault in the host). */
    long refaults();

    /** Reports (scatterlists) received, and the blocks and pages in them. */
    long reports();

    long reportedBlocks();

    long reportedPages();

    /** Emulated host time per report. */
    long latencyNanos();

    /** Sets the emulated host time per report; refuses a negative one. */
    void setLatencyNanos(long nanos);

    /** Sets the reporting virtqueue's size: the most blocks one report carries (at least 1). */
    void setCapacity(int entries);

    /** Host RSS over time: {emulated clock ns, host RSS pages} samples, oldest first. */
    List<long[]> rssHistory();

    /** Records a host RSS sample now. */
    void sample();

    /** Clears the counters kept for statistics (reports, re-faults, the RSS history), not the host view. */
    void resetStatistics();
}
