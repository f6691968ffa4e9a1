package mm.hotplug.api;

import java.util.Locale;

/** dev_pagemap types mmkit emulates ({@code enum memory_type}). */
public enum PgmapType {
    /** MEMORY_DEVICE_FS_DAX: pmem used by a DAX filesystem. */
    FSDAX("fsdax", "MEMORY_DEVICE_FS_DAX"),
    /** MEMORY_DEVICE_GENERIC: device-dax (/dev/daxX.Y). */
    DEVDAX("devdax", "MEMORY_DEVICE_GENERIC"),
    /** MEMORY_DEVICE_PRIVATE: device memory the CPU cannot address (HMM); pages start with refcount 0. */
    PRIVATE("private", "MEMORY_DEVICE_PRIVATE");

    private final String word;
    private final String kernelName;

    PgmapType(String word, String kernelName) {
        this.word = word;
        this.kernelName = kernelName;
    }

    public String word() { return word; }

    public String kernelName() { return kernelName; }

    /** PRIVATE (and COHERENT) pages are handed out by the driver's allocator: their refcount starts at 0. */
    public int initialRefcount() { return this == PRIVATE ? 0 : 1; }

    /** PRIVATE memory gets no linear mapping (add_pages instead of arch_add_memory). */
    public boolean mapped() { return this != PRIVATE; }

    public static PgmapType parse(String s) {
        for (PgmapType t : values()) if (t.word.equalsIgnoreCase(s) || t.name().equalsIgnoreCase(s)) return t;
        throw new IllegalArgumentException("unknown pgmap type '" + s + "' (expected fsdax, devdax or private)");
    }
}
