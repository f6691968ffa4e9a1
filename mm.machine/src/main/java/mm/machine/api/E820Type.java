package mm.machine.api;

/** e820 range types with the words the kernel prints after {@code BIOS-e820:} (e820_print_type). */
public enum E820Type {
    USABLE("usable"), RESERVED("reserved"), ACPI("ACPI data"), NVS("ACPI NVS"), UNUSABLE("unusable"),
    PMEM("persistent (type 7)"), PRAM("persistent (type 12)"), SOFT_RESERVED("soft reserved");

    private final String kernelText;

    E820Type(String kernelText) { this.kernelText = kernelText; }

    public String kernelText() { return kernelText; }

    /** True for the types e820__memblock_setup hands to memblock_add (E820_TYPE_RAM). */
    public boolean isRam() { return this == USABLE; }
}
