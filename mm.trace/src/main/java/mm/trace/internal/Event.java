package mm.trace.internal;

import java.util.HashMap;
import java.util.Map;

/**
 * The events mm:trace records, with the trace system they belong to. The kmem ones are include/trace/events/kmem.h's
 * tracepoints; the memblock ones are the operations memblock=debug prints (the kernel has no memblock tracepoints);
 * deferred init and memory hotplug have no tracepoint in the kernel either, so theirs are mmkit's, named after the
 * kernel functions that do the work.
 */
enum Event {
    MM_PAGE_ALLOC("kmem", "mm_page_alloc"),
    MM_PAGE_FREE("kmem", "mm_page_free"),
    MM_PAGE_ALLOC_ZONE_LOCKED("kmem", "mm_page_alloc_zone_locked"),
    MM_PAGE_PCPU_DRAIN("kmem", "mm_page_pcpu_drain"),
    MM_PAGE_ALLOC_EXTFRAG("kmem", "mm_page_alloc_extfrag"),
    MEMBLOCK_ADD("memblock", "memblock_add"),
    MEMBLOCK_ADD_NODE("memblock", "memblock_add_node"),
    MEMBLOCK_REMOVE("memblock", "memblock_remove"),
    MEMBLOCK_RESERVE("memblock", "memblock_reserve"),
    MEMBLOCK_PHYS_FREE("memblock", "memblock_phys_free"),
    MEMBLOCK_ALLOC_TRY_NID("memblock", "memblock_alloc_try_nid"),
    MEMBLOCK_ALLOC_TRY_NID_RAW("memblock", "memblock_alloc_try_nid_raw"),
    MEMBLOCK_ALLOC_EXACT_NID_RAW("memblock", "memblock_alloc_exact_nid_raw"),
    MEMBLOCK_PHYS_ALLOC_RANGE("memblock", "memblock_phys_alloc_range"),
    DEFERRED_INIT_MEMMAP("deferred_init", "deferred_init_memmap"),
    DEFERRED_GROW_ZONE("deferred_init", "deferred_grow_zone"),
    MEMORY_ONLINE("memory_hotplug", "memory_online"),
    MEMORY_OFFLINE("memory_hotplug", "memory_offline");

    static final Event[] VALUES = values();
    private static final Map<String, Event> BY_NAME = new HashMap<>();
    static {
        for (Event e : VALUES) BY_NAME.put(e.event, e);
    }

    final String system;
    final String event;

    Event(String system, String event) {
        this.system = system;
        this.event = event;
    }

    /** {@code system:event}, as available_events lists it. */
    String qualified() { return system + ":" + event; }

    long bit() { return 1L << ordinal(); }

    /** The event of a memblock=debug line's function name, or null. */
    static Event byName(String name) { return BY_NAME.get(name); }

    static final long ALL = (1L << VALUES.length) - 1;
    static final long PAGE_ALLOC_HOOK = MM_PAGE_ALLOC.bit() | MM_PAGE_FREE.bit();
    static final long MEMORY_NOTIFIER = MEMORY_ONLINE.bit() | MEMORY_OFFLINE.bit();
    /** Everything the TracepointHook reports. */
    static final long TRACEPOINT_HOOK = ALL & ~PAGE_ALLOC_HOOK & ~MEMORY_NOTIFIER;

    /**
     * set_event's parse of one item ({@code event}, {@code system:event}, {@code system}, {@code system:*},
     * {@code *:event} or {@code *}): the events it names, 0 when none.
     */
    static long select(String item) {
        String sys = "*", ev = item;
        int colon = item.indexOf(':');
        if (colon >= 0) {
            sys = item.substring(0, colon);
            ev = item.substring(colon + 1);
        } else if (!item.equals("*") && byName(item) == null) {
            sys = item;   // a system alone: all of its events
            ev = "*";
        }
        long m = 0;
        for (Event e : VALUES) {
            if ((sys.equals("*") || sys.equals(e.system)) && (ev.equals("*") || ev.equals(e.event))) m |= e.bit();
        }
        return m;
    }
}
