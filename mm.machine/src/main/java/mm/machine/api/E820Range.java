package mm.machine.api;


/** One e820 entry: [start, end) in bytes. */
public record E820Range(long start, long end, E820Type type) {
    public E820Range {
        if (end <= start) throw new IllegalArgumentException("empty e820 range");
    }

    public long size() { return end - start; }

    /** {@code BIOS-e820: [mem 0x...-0x...] usable} (end inclusive). */
    public String kernelLine() {
        return "BIOS-e820: [mem " + String.format("0x%016x", start) + "-" + String.format("0x%016x", end - 1) + "] " + type.kernelText();
    }
}
