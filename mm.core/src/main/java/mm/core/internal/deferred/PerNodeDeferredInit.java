package mm.core.internal.deferred;

import mm.core.api.DeferredInitVariants;
import mm.core.internal.mm.DeferredInit;
import mm.core.internal.mm.DeferredOps;
import mm.core.internal.mm.Node;
import mm.core.internal.mm.Zone;
import mm.variant.api.Variant;
import org.osgi.service.component.annotations.Component;

/**
 * per-node (seed 002, v4.20+): one pgdatinit thread per node walks the zone's free ranges and, for every
 * MAX_PAGE_ORDER-aligned chunk, initialises the struct pages and frees them into the buddy right away, while they are
 * still in cache.
 */
@Component(service = DeferredInit.class)
@Variant(subsystem = DeferredInitVariants.SUBSYSTEM, variant = DeferredInitVariants.PER_NODE, variant_default = true)
public final class PerNodeDeferredInit implements DeferredInit {
    @Override public String name() { return DeferredInitVariants.PER_NODE; }

    @Override public long initNode(DeferredOps ops, Node node) {
        long first = ops.takeDeferred(node);
        if (first == Node.NO_DEFERRED) return 0;
        Zone z = ops.deferredZone(node, first);
        return ops.initAndFreeMaxOrder(z, ops.freeRangesFrom(node, z, first));
    }
}
