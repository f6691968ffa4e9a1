package mm.core.hook;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard service: the kernel's memory hotplug notifier chain ({@code register_memory_notifier},
 * drivers/base/memory.c {@code memory_notify}). Told around onlining and offlining of a PFN range, for example so
 * that page_ext can allocate its storage for sections that come online (MEM_GOING_ONLINE) and free it when they go
 * away (MEM_OFFLINE / MEM_CANCEL_ONLINE). Called on the hotplug thread, with the hotplug lock held, never under a
 * zone lock.
 */
@ConsumerType
public interface MemoryNotifier {
    /** The notifier actions of include/linux/memory.h. */
    enum Action {
        GOING_ONLINE, CANCEL_ONLINE, ONLINE, GOING_OFFLINE, CANCEL_OFFLINE, OFFLINE
    }

    /**
     * @param nid the node the range belongs to
     * @return null to agree (NOTIFY_OK); for {@link Action#GOING_ONLINE} and {@link Action#GOING_OFFLINE} a
     *         non-null reason vetoes the operation (NOTIFY_BAD), which is then cancelled. The return value of the
     *         other actions is ignored.
     */
    String onMemory(Action action, int nid, long startPfn, long nrPages);
}
