package mm.core.hook;

import mm.core.api.ZoneType;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard service: page_owner's part of /proc/pagetypeinfo, the "Number of mixed blocks" section
 * (pagetypeinfo_showmixedcount_print lives in mm/page_owner.c). mm.core prints the section only while a service says
 * it is {@link #enabled()} (the page_owner_inited static key), after draining the per-cpu lists, as the kernel does.
 * Called once per populated zone of a view, never on the allocation path.
 */
@ConsumerType
public interface MixedBlockCounter {
    /** page_owner is initialised on the booted kernel. */
    boolean enabled();

    /**
     * The zone's pageblocks, counted by their migratetype (one entry per {@link mm.core.api.MigrateType}, in its
     * order), that hold an allocated page whose page_owner record says it was allocated for another migratetype.
     */
    long[] mixedBlocks(int nid, ZoneType zone);
}
