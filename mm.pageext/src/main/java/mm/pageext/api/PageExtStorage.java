package mm.pageext.api;

import java.util.List;
import mm.core.hook.BootContext;
import mm.core.hook.BootPhase;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What an init variant ({@link PageExtInit}) does page_ext with: the storage of the booting machine. Handed to the
 * variant by page_ext; not a service of its own.
 */
@ProviderType
public interface PageExtStorage extends PageExt {
    /**
     * invoke_need_callbacks: whether any client needs page_ext on this boot. Fixes the entry layout (offsets) on the
     * first call of a boot.
     */
    boolean needed(BootContext ctx);

    /**
     * The kernel's page_ext_init (SPARSEMEM): for every node with memory, for every valid section whose first
     * struct page belongs to that node (pfn_to_nid reads the struct page), a table from the node's buddy
     * (alloc_pages_exact_nid, vzalloc_node when that fails); then print {@code allocated N bytes of page_ext} and
     * initialise the clients. Nothing happens when no client needs page_ext. {@code callers} is the call chain above
     * page_ext_init, innermost first.
     */
    void initFromBuddy(BootContext ctx, BootPhase phase, List<String> callers);
}
