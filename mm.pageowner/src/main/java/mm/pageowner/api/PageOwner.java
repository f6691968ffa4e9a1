package mm.pageowner.api;

import java.io.IOException;
import java.util.List;
import mm.core.api.CallStack;
import mm.shell.api.Report;
import org.osgi.annotation.versioning.ProviderType;

/** page_owner of the booted machine. */
@ProviderType
public interface PageOwner {
    /** Bytes of struct page_owner in a page_ext entry (Linux 6.12, x86_64). */
    int RECORD_SIZE = 64;

    /** page_owner=on on this boot and page_owner initialised (the page_owner_inited static key). */
    boolean enabled();

    /** The record of {@code pfn}, or null when the page has none (no page_ext, never allocated while tracked). */
    PageOwnerRecord record(long pfn);

    /** The per-zone counts of the init scan of this boot (empty before page_owner initialised). */
    List<EarlyCount> earlyCounts();

    /** The stack depot: the stack saved under {@code handle}, or null. */
    CallStack stack(int handle);

    /** Number of distinct stacks in the depot. */
    int stackCount();

    /**
     * Writes /sys/kernel/debug/page_owner: one block per allocated head page (Linux 6.12 format), in PFN order.
     * Returns the number of records written.
     */
    long dump(Appendable out) throws IOException;

    /** The aggregated view ({@code stack}, {@code caller}, {@code order} or {@code pid}), page_owner_sort style. */
    Report summary(String by);

    /** The early-allocated counts as page_owner printed them at init. */
    Report early();
}
