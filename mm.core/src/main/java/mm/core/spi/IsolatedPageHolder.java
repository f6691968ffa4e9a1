package mm.core.spi;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Something that takes free blocks off the buddy for a while and puts them back ({@code __isolate_free_page} /
 * {@code __putback_isolated_page}): free page reporting. offline_pages that finds such a block in its range retries
 * until it is back (the kernel spins with cond_resched while the reporting worker finishes); mmkit asks the holder to
 * run until then, on the emulated clock, so the outcome does not depend on how fast the host is.
 */
@ConsumerType
public interface IsolatedPageHolder {
    /**
     * If this holder has the block headed at {@code pfn} isolated, runs it (advancing the emulated clock to its
     * deadlines) until the block is put back, and returns true. Returns false at once when it does not hold it.
     */
    boolean awaitPutback(long pfn);
}
