package mm.pageext.api;

import mm.machine.api.Machine;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A page_ext client (the kernel's {@code struct page_ext_operations}), registered as a whiteboard service. At every
 * page_ext init, page_ext asks each client whether it is {@link #need needed} on this boot, gives every needing
 * client an offset inside the per-page entry (after the shared 8-byte flags word when a needing client
 * {@link #needSharedFlags needs it}) and, once the tables exist, calls {@link #init} (invoke_init_callbacks).
 */
@ConsumerType
public interface PageExtClient {
    /** The client's name as {@code mm:pageext} shows it ({@code page_owner}). */
    String name();

    /** need(): whether this boot needs the client (page_owner: the {@code page_owner=on} boot option). */
    boolean need(Machine machine);

    /** Bytes of the client's private area in every page's entry. */
    int size();

    /** need_shared_flags: the client uses the page_ext flags word (PAGE_EXT_OWNER...). */
    default boolean needSharedFlags() { return true; }

    /** Position among clients (page_ext_ops[] order): lower first; ties by name. page_owner is 0. */
    default int rank() { return 100; }

    /**
     * A new boot starts (SETUP_ARCH): forget the previous boot. Called for every client, needed or not.
     */
    default void reset() {}

    /**
     * invoke_init_callbacks: the tables exist ({@link PageExt#ready}); this client's area starts {@code offset}
     * bytes into every entry. Runs in the boot thread at the variant's init point (page_owner's early scan).
     */
    void init(PageExt ext, int offset, PageExtInitContext ctx);
}
