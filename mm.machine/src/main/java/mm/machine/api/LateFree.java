package mm.machine.api;

/**
 * Memory the kernel hands back to the buddy late in boot ("Freeing initrd memory: 1008K", "Freeing unused kernel
 * image (initmem) memory: 4268K"): a name and a size in KiB. If {@code base} is non-negative the pages are the
 * reserved range starting there; otherwise they are taken from the kernel image reservation.
 */
public record LateFree(String name, long kib, long base) {}
