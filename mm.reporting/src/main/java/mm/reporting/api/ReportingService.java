package mm.reporting.api;

import mm.shell.api.Report;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Free page reporting (mm/page_reporting.c): one device, one active strategy (a variant of subsystem
 * {@value #SUBSYSTEM}: {@code buddy}, {@code bitmap}, {@code array} or {@code sync}, chosen with
 * {@code mm:variant reporting NAME} and swapped live without losing a page), page_reporting_order, statistics.
 */
@ProviderType
public interface ReportingService {
    /** The variant subsystem of the strategies. */
    String SUBSYSTEM = "reporting";
    /** Tracking integrated in the buddy: PageReported, reported per zone by a worker (the merged design; default). */
    String BUDDY = "buddy";
    /** A bitmap of free pages per zone, scanned by a worker. */
    String BITMAP = "bitmap";
    /** An array that captures freed blocks for a worker; drops captures when full. */
    String ARRAY = "array";
    /** Synchronous reporting on the freeing path. */
    String SYNC = "sync";

    /** page_reporting_register: one device at a time. */
    void register(PageReportingDevice device) throws ReportingBusyException;

    /** page_reporting_unregister: stops reporting; every isolated page goes back first. */
    void unregister(PageReportingDevice device);

    boolean enabled();

    /** Enables reporting (the default); the strategy runs once a device is registered and a kernel is booted. */
    void enable();

    /** Disables reporting: the strategy stops and puts every page it isolated back. */
    void disable();

    /** The strategy in use now (null: none). */
    String strategy();

    /** page_reporting_order in effect. */
    int order();

    /** Sets page_reporting_order (0..10; -1 = the default: the device's order, else pageblock order). */
    void setOrder(int order);

    /** The registered device, or null. */
    PageReportingDevice device();

    /** The strategies' tunables in effect. */
    Tunables tunables();

    /** Changes the strategies' tunables (the running strategy restarts with them; no page is lost). */
    void setTunables(Tunables tunables);

    ReportingStats stats();

    /** Clears the counters (not the host view) and the host RSS history. */
    void resetStats();

    /** {@code mm:reporting status}. */
    Report status();

    /** {@code mm:reporting stats}: per zone and order. */
    Report statsReport();

    /** Adds a row with the counters now, named {@code label}, to the comparison table; returns the row. */
    java.util.Map<String, Object> record(String label);

    /** {@code mm:reporting table}: the rows recorded so far (the seed 004 comparison). */
    Report table();

    void clearTable();
}
