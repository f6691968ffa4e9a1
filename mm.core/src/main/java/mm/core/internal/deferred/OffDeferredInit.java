package mm.core.internal.deferred;

import mm.core.internal.mm.DeferredInit;
import mm.core.internal.mm.DeferredOps;
import mm.core.internal.mm.Node;
import org.osgi.service.component.annotations.Component;

/** off: free_area_init initialises every struct page; page_alloc_init_late has nothing to do. */
@Component(service = DeferredInit.class, property = {"mm.subsystem=deferred-init", "mm.variant=off"})
public final class OffDeferredInit implements DeferredInit {
    @Override public String name() { return "off"; }

    @Override public boolean defers() { return false; }

    @Override public long initNode(DeferredOps ops, Node node) { return 0; }
}
