package mm.machine.api;

/** A reservation made before the page allocator exists (kernel image, initrd, firmware tables...). */
public record Reservation(String name, long base, long size) {
    public long end() { return base + size; }
}
