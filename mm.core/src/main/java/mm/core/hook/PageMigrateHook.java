package mm.core.hook;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard service: a block was migrated (hotplug offline, compaction): its contents and owner now live at
 * {@code newPfn}. page_owner moves its record (__folio_copy_owner).
 */
@ConsumerType
public interface PageMigrateHook {
    void onMigrate(long oldPfn, long newPfn, int order);
}
