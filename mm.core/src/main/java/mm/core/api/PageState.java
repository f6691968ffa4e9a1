package mm.core.api;

/**
 * What a struct page is to the page allocator, as {@link PageInfo#pageState()} reports it; {@link PageInfo#state()}
 * says the same in words, with the order or head it refers to. Branch on this, never on the words.
 */
public enum PageState {
    /** No memmap: the pfn's section is not present (pfn_valid is false). */
    INVALID,
    /** The struct page was never initialised (deferred, or a hole never touched). */
    UNINITIALISED,
    /** Head of a free block in the buddy free lists (PageBuddy; page->private is the order). */
    FREE_BUDDY,
    /** Free on a per-cpu list (refcount 0, not PageBuddy). */
    FREE_PCP,
    /** A page inside a free buddy block: only the block's head is PageBuddy. */
    FREE_INSIDE_BUDDY_BLOCK,
    /** Head of a free block taken off the free lists by __isolate_free_page for free page reporting. */
    ISOLATED_FOR_REPORTING,
    /** PG_reserved: memblock reservations, holes, and memory the allocator never got. */
    RESERVED,
    /** Head page of an allocated block. */
    ALLOCATED_HEAD,
    /** Tail page of an allocated block. */
    ALLOCATED_TAIL,
    /** In use some other way (refcount held, no block marker): e.g. written raw by hotplug. */
    ALLOCATED;

    /** Free in any form the allocator can hand out (buddy head or inside a block, or a per-cpu list). */
    public boolean free() {
        return this == FREE_BUDDY || this == FREE_PCP || this == FREE_INSIDE_BUDDY_BLOCK;
    }

    /** Allocated in any form (head, tail, or otherwise in use). */
    public boolean allocated() {
        return this == ALLOCATED_HEAD || this == ALLOCATED_TAIL || this == ALLOCATED;
    }
}
