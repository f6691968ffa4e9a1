package mm.core.api;

/** Zones of x86_64 in the kernel's order (zone_names[]). */
public enum ZoneType {
    DMA("DMA"), DMA32("DMA32"), NORMAL("Normal"), MOVABLE("Movable"), DEVICE("Device");

    public static final ZoneType[] VALUES = values();
    private final String kernelName;

    ZoneType(String kernelName) { this.kernelName = kernelName; }

    public String kernelName() { return kernelName; }

    public static ZoneType parse(String s) {
        for (ZoneType z : VALUES) if (z.kernelName.equalsIgnoreCase(s) || z.name().equalsIgnoreCase(s)) return z;
        throw new IllegalArgumentException("unknown zone '" + s + "' (expected DMA, DMA32, Normal, Movable or Device)");
    }
}
