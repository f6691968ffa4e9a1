package mm.reporting.api;

import java.util.List;

/**
 * A snapshot of free page reporting's counters since the last reset.
 *
 * @param strategy the active strategy (null: none)
 * @param running whether it is running now (enabled, device registered, booted)
 * @param order page_reporting_order
 * @param reportedPages pages reported (successfully), all zones
 * @param reportedBlocks blocks reported
 * @param batches reports sent to the device
 * @param captures qualifying frees seen by the strategy's enqueue hook (or notifications, for buddy)
 * @param dropped captures dropped because the strategy had no room (array full)
 * @param refaults reported pages the allocator handed out again
 * @param freePathCalls qualifying frees that ran reporting code on the freeing path
 * @param freePathCpuNanos measured CPU time of that code
 * @param freePathEmuNanos emulated time the freeing path waited for the device (sync)
 * @param workerCpuNanos measured CPU time of the worker
 * @param workerEmuNanos emulated time the worker waited for the device
 * @param passes worker passes
 * @param hostRssPages host RSS now
 * @param discardedPages pages discarded by the host and not touched since
 * @param isolatedPages pages isolated for reporting now
 * @param zones per zone and order
 */
public record ReportingStats(String strategy, boolean running, int order, long reportedPages, long reportedBlocks,
                             long batches, long captures, long dropped, long refaults, long freePathCalls,
                             long freePathCpuNanos, long freePathEmuNanos, long workerCpuNanos, long workerEmuNanos,
                             long passes, long hostRssPages, long discardedPages, long isolatedPages,
                             List<Zone> zones) {
    /** One zone: arrays are indexed by order (0..10). */
    public record Zone(int nid, String zone, long[] reportedPages, long[] reportedBlocks, long[] captures,
                       long[] dropped, long[] refaults, long batches) {}

    public double reportedMiB() { return reportedPages * 4096.0 / (1 << 20); }

    public double hostRssMiB() { return hostRssPages * 4096.0 / (1 << 20); }
}
