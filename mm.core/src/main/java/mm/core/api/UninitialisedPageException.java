package mm.core.api;

/** A read of a struct page that was never initialised (deferred, or outside any memory): PF_POISONED_CHECK. */
public class UninitialisedPageException extends BadPageException {
    private static final long serialVersionUID = 1L;

    public UninitialisedPageException(long pfn, String who) {
        super(pfn, "page_is_poisoned: " + who + " read an uninitialised struct page");
    }
}
