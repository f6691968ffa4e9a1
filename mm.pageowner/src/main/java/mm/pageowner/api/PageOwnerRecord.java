package mm.pageowner.api;

import mm.core.api.CallStack;

/**
 * One page's page_owner record (struct page_owner plus the page_ext flags): the last allocation, and the last free
 * if the page was freed since ({@code allocated} false: page_owner keeps the record, marked freed).
 * {@code early} marks records written by the init scan with the early handle; {@code migrateReason} is -1 when the
 * page was never migrated. Handles are stack depot handles (0 = none).
 */
public record PageOwnerRecord(long pfn, int order, int gfp, int migrateReason, boolean allocated, boolean early,
                              int handle, CallStack stack, long tsNanos, int pid, int tgid, String comm,
                              int freeHandle, CallStack freeStack, long freeTsNanos, int freePid, int freeTgid) {}
