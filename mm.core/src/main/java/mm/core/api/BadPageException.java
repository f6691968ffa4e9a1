package mm.core.api;

/**
 * A bad free or a read of a struct page that must not be read (the kernel's bad_page report): names the PFN and
 * what its struct page says. The emulated state is unchanged when this is thrown.
 */
public class BadPageException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final long pfn;

    public BadPageException(long pfn, String reason) {
        super(String.format("BUG: Bad page state: pfn %#x: %s", pfn, reason));
        this.pfn = pfn;
    }

    public long pfn() { return pfn; }
}
