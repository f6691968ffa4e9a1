package mm.map.internal;

import java.awt.Color;

/**
 * What a share of a cell is, in the order the cell's bar stacks them (bottom up) and the legend lists them, with its
 * colour and its letter in the plain terminal map.
 */
enum Kind {
    HOLE("hole (no memmap)", 0xffffff, ' '),
    OFFLINE("offline memory block", 0x9e9e9e, 'o'),
    DEVICE("ZONE_DEVICE", 0x2b8cbe, 'D'),
    UNINITIALISED("struct pages not initialised", 0xdedede, '.'),
    MB_KERNEL("memblock: kernel image", 0x67000d, 'K'),
    MB_INITRD("memblock: initrd", 0xf768a1, 'I'),
    MB_MEMMAP("memblock: memmap (struct pages)", 0x3f007d, 'M'),
    MB_PAGE_EXT("memblock: page_ext tables", 0x807dba, 'E'),
    MB_FIRMWARE("memblock: first MiB, ACPI, firmware", 0x7f2704, 'F'),
    MB_PERCPU("memblock: per-cpu areas", 0xa63603, 'C'),
    MB_HASH("memblock: hash tables", 0xd94801, 'T'),
    MB_CRASH("memblock: crashkernel", 0x252525, 'X'),
    MB_OTHER("memblock: other early allocations", 0x8c6d31, 'B'),
    RESERVED("PG_reserved (not memblock)", 0x525252, 'r'),
    ALLOC_UNMOVABLE("allocated: Unmovable", 0xd62728, 'U'),
    ALLOC_MOVABLE("allocated: Movable", 0xff7f0e, 'm'),
    ALLOC_RECLAIMABLE("allocated: Reclaimable", 0xe377c2, 'c'),
    ALLOC_HIGHATOMIC("allocated: HighAtomic", 0x8c564b, 'H'),
    ALLOC_ISOLATE("allocated: Isolate", 0xbcbd22, 'i'),
    ISOLATED("isolated for free page reporting", 0x17becf, 'P'),
    FREE_PCP("free: per-cpu lists", 0xc7e9c0, 'p'),
    FREE_0("free: order 0", 0xf7fcb9, '0'),
    FREE_1("free: order 1", 0xeaf6b0, '1'),
    FREE_2("free: order 2", 0xd9f0a3, '2'),
    FREE_3("free: order 3", 0xc2e699, '3'),
    FREE_4("free: order 4", 0xaddd8e, '4'),
    FREE_5("free: order 5", 0x93d284, '5'),
    FREE_6("free: order 6", 0x78c679, '6'),
    FREE_7("free: order 7", 0x5bb25a, '7'),
    FREE_8("free: order 8", 0x41ab5d, '8'),
    FREE_9("free: order 9", 0x238443, '9'),
    FREE_10("free: order 10", 0x006837, 'A');

    static final Kind[] VALUES = values();
    static final int N = VALUES.length;

    final String label;
    final Color colour;
    final char letter;

    Kind(String label, int rgb, char letter) {
        this.label = label;
        this.colour = new Color(rgb);
        this.letter = letter;
    }

    static Kind free(int order) {
        return VALUES[FREE_0.ordinal() + order];
    }

    static Kind allocated(int migratetype) {
        return VALUES[ALLOC_UNMOVABLE.ordinal() + Math.min(migratetype, 4)];
    }

    boolean memblock() {
        return ordinal() >= MB_KERNEL.ordinal() && ordinal() <= MB_OTHER.ordinal();
    }

    boolean isFree() {
        return ordinal() >= FREE_PCP.ordinal();
    }

    /** Memory nobody can use now: neither free nor a hole. */
    boolean used() {
        return !isFree() && this != HOLE;
    }

    /** The owner of a memblock reservation from what is known of it: a machine file's name, or the caller symbol. */
    static Kind owner(String name) {
        String n = name.toLowerCase(java.util.Locale.ROOT);
        if (n.equals("kernel") || n.startsWith("kernel") || n.contains("_text")) return MB_KERNEL;
        if (n.contains("initrd") || n.contains("ramdisk")) return MB_INITRD;
        if (n.contains("sparse") || n.contains("vmemmap") || n.contains("memmap")) return MB_MEMMAP;
        if (n.contains("page_ext")) return MB_PAGE_EXT;
        if (n.contains("pcpu")) return MB_PERCPU;
        if (n.contains("hash")) return MB_HASH;
        if (n.contains("crash")) return MB_CRASH;
        if (n.contains("acpi") || n.contains("e820") || n.contains("setup_arch+0x891") || n.contains("bios")
                || n.contains("firmware")) return MB_FIRMWARE;
        return MB_OTHER;
    }
}
