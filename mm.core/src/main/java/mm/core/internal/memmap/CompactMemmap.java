package mm.core.internal.memmap;

import mm.core.api.MemmapVariants;
import mm.core.internal.mm.MemmapStorage;
import mm.variant.api.Variant;
import org.osgi.service.component.annotations.Component;

/** compact: a section that no one has made different (never initialised, or uniformly free as deferred init leaves it) costs O(1) heap; it becomes per-page arrays on the first write that makes a page differ. */
@Component(service = MemmapStorage.class)
@Variant(subsystem = MemmapVariants.SUBSYSTEM, variant = MemmapVariants.COMPACT, variant_default = true)
public final class CompactMemmap implements MemmapStorage {
    @Override public String name() { return MemmapVariants.COMPACT; }

    @Override public boolean compact() { return true; }
}
