package mm.core.hook;

/** The boot as ordered phases mirroring start_kernel / kernel_init_freeable of 6.x (init/main.c). */
public enum BootPhase {
    /** e820 -> memblock, early reservations, NUMA (setup_arch up to paging_init). */
    SETUP_ARCH,
    /** zones, node spans, memmap init up to first_deferred_pfn (free_area_init). */
    FREE_AREA_INIT,
    /** mem_init: early memory enters the buddy. */
    MEMBLOCK_FREE_ALL,
    /** boot allocations made before the early page_ext point (kmem_cache_init, hash tables...). */
    EARLY_ALLOCATIONS,
    /** mm_core_init after vmalloc_init: page_ext_init when deferred init is off (early_page_ext). */
    PAGE_EXT_EARLY,
    /** kmemleak_init. */
    KMEMLEAK_INIT,
    /** rest of start_kernel and kernel_init_freeable before page_alloc_init_late (smp_init...). */
    MID_ALLOCATIONS,
    /** deferred struct page init, wait, switch off deferred_grow_zone. */
    PAGE_ALLOC_INIT_LATE,
    /** page_ext_init when deferred init was on (the late placement). */
    PAGE_EXT_LATE,
    /** initcalls (init_per_zone_wmark_min, pageowner_init...), late frees, user space allocations. */
    LATE_BOOT,
    /** the boot is over. */
    DONE
}
