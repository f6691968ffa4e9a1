package mm.core.internal.deferred;

import mm.core.api.DeferredInitVariants;
import mm.core.internal.mm.DeferredInit;
import mm.core.internal.mm.DeferredOps;
import mm.core.internal.mm.Node;
import mm.variant.api.Variant;
import org.osgi.service.component.annotations.Component;

/** off: free_area_init initialises every struct page; page_alloc_init_late has nothing to do. */
@Component(service = DeferredInit.class)
@Variant(subsystem = DeferredInitVariants.SUBSYSTEM, variant = DeferredInitVariants.OFF)
public final class OffDeferredInit implements DeferredInit {
    @Override public String name() { return DeferredInitVariants.OFF; }

    @Override public boolean defers() { return false; }

    @Override public long initNode(DeferredOps ops, Node node) { return 0; }
}
