package mm.machine.api;

/** Sizes of the kernel image sections in KiB, as the {@code Memory:} line prints them. */
public record KernelImage(long codeK, long rwdataK, long rodataK, long initK, long bssK) {
    public static KernelImage defaults() { return new KernelImage(16384, 2500, 6884, 4268, 4896); }
}
