package mm.core.internal.deferred;

import java.util.List;
import mm.core.api.DeferredInitVariants;
import mm.core.internal.mm.DeferredInit;
import mm.core.internal.mm.DeferredOps;
import mm.core.internal.mm.Node;
import mm.core.internal.mm.Zone;
import mm.variant.api.Variant;
import org.osgi.service.component.annotations.Component;

/**
 * two-pass (v4.19 and before): one thread per node first initialises the whole deferred range page by page, with
 * that era's per-PFN checks (pfn_valid, and that the PFN belongs to this node), and only then walks the range a
 * second time to free it into the buddy in pageblock-sized chunks — by then the struct pages are cold.
 */
@Component(service = DeferredInit.class)
@Variant(subsystem = DeferredInitVariants.SUBSYSTEM, variant = DeferredInitVariants.TWO_PASS)
public final class TwoPassDeferredInit implements DeferredInit {
    @Override public String name() { return DeferredInitVariants.TWO_PASS; }

    @Override public long initNode(DeferredOps ops, Node node) {
        long first = ops.takeDeferred(node);
        if (first == Node.NO_DEFERRED) return 0;
        Zone z = ops.deferredZone(node, first);
        List<long[]> ranges = ops.freeRangesFrom(node, z, first);
        long pages = 0;
        for (long[] r : ranges) {
            // deferred_init_pages: per-PFN validity and node checks, one struct page at a time
            for (long pfn = r[0]; pfn < r[1]; pfn++) {
                if (!ops.pfnValidInNode(pfn, node)) continue;
                ops.initPages(z, pfn, pfn + 1);
                pages++;
            }
        }
        for (long[] r : ranges) ops.freeRangePageblocks(z, r[0], r[1]);
        return pages;
    }
}
