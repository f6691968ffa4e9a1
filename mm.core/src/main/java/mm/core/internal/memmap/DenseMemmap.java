package mm.core.internal.memmap;

import mm.core.api.MemmapVariants;
import mm.core.internal.mm.MemmapStorage;
import mm.variant.api.Variant;
import org.osgi.service.component.annotations.Component;

/** dense: per-page primitive arrays for every initialised section (20 bytes per page), the reference the compact storage is checked against. */
@Component(service = MemmapStorage.class)
@Variant(subsystem = MemmapVariants.SUBSYSTEM, variant = MemmapVariants.DENSE)
public final class DenseMemmap implements MemmapStorage {
    @Override public String name() { return MemmapVariants.DENSE; }

    @Override public boolean compact() { return false; }
}
