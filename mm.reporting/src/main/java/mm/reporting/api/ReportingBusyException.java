package mm.reporting.api;

/** page_reporting_register: another device is already registered (-EBUSY). */
public final class ReportingBusyException extends IllegalStateException {
    private static final long serialVersionUID = 1L;
    public static final int EBUSY = 16;

    public ReportingBusyException(String message) {
        super(message + " (-EBUSY)");
    }

    public int errno() { return -EBUSY; }
}
