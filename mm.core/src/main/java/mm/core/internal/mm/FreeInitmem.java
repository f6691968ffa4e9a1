package mm.core.internal.mm;

import java.util.List;
import java.util.Locale;
import mm.core.api.Mm;
import mm.machine.api.LateFree;
import mm.machine.api.Machine;

/**
 * The boot's late frees of reserved memory: alternative_instructions (SMP alternatives), free_initrd_mem
 * (init/initramfs.c), free_initmem and the kernel image gaps (arch/x86/mm/init.c free_kernel_image_pages), each
 * through free_reserved_area with the kernel's "Freeing ... memory" line.
 */
final class FreeInitmem {
    private final Machine machine;
    private final Kernel k;
    private final KernelLog log;
    /** The kernel image's reservation as setup_arch found it, consumed from the top. */
    private final List<long[]> kernelImageFree;

    FreeInitmem(Machine machine, Kernel k, List<long[]> kernelImageFree) {
        this.machine = machine;
        this.k = k;
        this.log = k.log;
        this.kernelImageFree = kernelImageFree;
    }

    /**
     * free_reserved_area for the late frees of the machine: the initrd at its address, the kernel image's
     * init / gap sections from the top of the kernel image reservation down. {@code early} runs the ones the
     * kernel frees before page_alloc_init_late (SMP alternatives).
     */
    void lateFrees(boolean early) {
        for (LateFree lf : machine.lateFrees()) {
            boolean isEarly = lf.name().toLowerCase(Locale.ROOT).contains("alternatives");
            if (isEarly != early) continue;
            long pages = lf.kib() / 4;
            long freed = 0;
            if (lf.base() >= 0) {
                long s = Mm.pfnUp(lf.base()), e = s + pages;
                if (pages > 0 && (k.zoneOf(s) == null || k.zoneOf(e - 1) == null)) {
                    // reserve_initrd_mem: a range that is not memory (beyond mem=, or past the end of RAM) is dropped,
                    // never freed into the buddy
                    log.log(String.format(Locale.ROOT, "%s: 0x%08x+0x%08x is not a memory region - disabling %s",
                            lf.name().equalsIgnoreCase("initrd") ? "INITRD" : lf.name(), lf.base(), pages << Mm.PAGE_SHIFT,
                            lf.name()));
                    continue;
                }
                freed = k.pageAlloc.freeReservedArea(s, e);
            } else {
                while (freed < pages && !kernelImageFree.isEmpty()) {
                    long[] r = kernelImageFree.get(kernelImageFree.size() - 1);
                    long endPfn = Mm.pfnDown(r[1]), startPfn = Mm.pfnUp(r[0]);
                    long take = Math.min(pages - freed, endPfn - startPfn);
                    freed += k.pageAlloc.freeReservedArea(endPfn - take, endPfn);
                    r[1] = Mm.pfnPhys(endPfn - take);
                    if (endPfn - take <= startPfn) kernelImageFree.remove(kernelImageFree.size() - 1);
                }
            }
            log.log(String.format(Locale.ROOT, "Freeing %s memory: %dK", freeingWhat(lf.name()), freed * 4));
        }
    }

    /** The words the kernel prints for each kind of late free (free_initmem, free_initrd_mem, ...). */
    static String freeingWhat(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "smp-alternatives" -> "SMP alternatives";
            case "initrd" -> "initrd";
            case "decrypted" -> "unused decrypted";
            case "initmem" -> "unused kernel image (initmem)";
            case "rodata-data-gap" -> "unused kernel image (rodata/data gap)";
            case "text-rodata-gap" -> "unused kernel image (text/rodata gap)";
            default -> name;
        };
    }

}
