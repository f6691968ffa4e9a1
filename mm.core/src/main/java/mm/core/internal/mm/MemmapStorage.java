package mm.core.internal.mm;

/**
 * A storage variant of the memmap (subsystem {@code memmap}): DS components with {@code mm.subsystem=memmap} and
 * {@code mm.variant=NAME}; the boot asks the VariantService for the active one when it starts.
 */
public interface MemmapStorage {
    String SUBSYSTEM = mm.core.api.MemmapVariants.SUBSYSTEM;

    /** The variant's name ({@code dense}, {@code compact}). */
    String name();

    /** Whether sections that no one made different are kept uniform (O(1) heap) instead of as per-page arrays. */
    boolean compact();
}
