package mm.core.hook;

import mm.core.api.MigrateType;
import mm.core.api.ZoneType;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard service: called from __free_one_page after a block was put on a free list (the point where
 * page_reporting_notify_free runs), under the zone lock. Must be quick and must not allocate from the zone.
 */
@ConsumerType
public interface FreeListHook {
    void onEnqueue(int nid, ZoneType zone, long pfn, int order, MigrateType mt);
}
