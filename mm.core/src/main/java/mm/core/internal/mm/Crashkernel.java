package mm.core.internal.mm;

import java.util.Locale;
import mm.core.api.Memblock;
import mm.machine.api.BootOptions;
import mm.machine.api.KernelConfig;
import mm.machine.api.Sizes;

/**
 * crashkernel= on x86-64 (arch_reserve_crashkernel, kernel/crash_reserve.c): parse_crashkernel's forms (SIZE,
 * SIZE@OFFSET, SIZE,high with an optional SIZE,low, and RANGE:SIZE lists chosen by the system RAM size), then
 * reserve_crashkernel_generic: memblock_phys_alloc_range at CRASH_ALIGN below 4 GiB, else above it with the low
 * reservation a high one needs (crashkernel low memory), as the kernel does after the SRAT is parsed.
 */
final class Crashkernel {
    static final long CRASH_ALIGN = 16L << 20, LOW_MAX = 4L << 30, HIGH_MAX = 64L << 40;
    /** DEFAULT_CRASH_KERNEL_LOW_SIZE on x86-64: max(swiotlb + 8 MiB, 256 MiB) with the default 64 MiB swiotlb. */
    static final long DEFAULT_LOW = 256L << 20;

    private Crashkernel() {}

    /** What the command line asks: {size, base (0: any), low size (-1: default when high), high ? 1 : 0}; null if none. */
    static long[] parse(BootOptions o, long systemRam) {
        String spec = null, low = null;
        for (String w : o.words().isEmpty() ? java.util.List.of(o.cmdline().split(" +")) : o.words()) {
            if (!BootOptions.keyOf(w).equals("crashkernel") || w.indexOf('=') < 0) continue;
            String v = w.substring(w.indexOf('=') + 1);
            if (v.endsWith(",low")) low = v.substring(0, v.length() - 4);
            else spec = v; // the last one counts, as get_last_crashkernel finds it
        }
        return spec == null ? null : parse(spec, low, systemRam);
    }

    /** parse_crashkernel of one value; null when it asks for nothing. */
    static long[] parse(String spec, String low, long systemRam) {
        boolean high = spec.endsWith(",high");
        if (high) spec = spec.substring(0, spec.length() - 5);
        long base = 0;
        int at = spec.lastIndexOf('@');
        if (at >= 0) {
            base = Sizes.parse(spec.substring(at + 1));
            spec = spec.substring(0, at);
        }
        long size;
        if (spec.indexOf(':') >= 0) {
            // parse_crashkernel_mem: start-[end]:size, the first range holding the system RAM size
            size = 0;
            for (String r : spec.split(",")) {
                String[] kv = r.split(":");
                String[] se = kv[0].split("-", -1);
                long s = Sizes.parse(se[0]), e = se.length > 1 && !se[1].isEmpty() ? Sizes.parse(se[1]) : Long.MAX_VALUE;
                if (systemRam >= s && systemRam < e) { size = Sizes.parse(kv[1]); break; }
            }
        } else size = Sizes.parse(spec);
        if (size <= 0) return null;
        long lowSize = low != null ? Sizes.parse(low) : -1;
        return new long[] {size, base, lowSize, high ? 1 : 0};
    }

    static void reserve(Memblock mb, KernelLog log, BootOptions o) { reserve(mb, log, o, KernelConfig.defaults()); }

    /** reserve_crashkernel_generic (6.7 and later; 6.1: x86's own reserve_crashkernel); the lines it prints. */
    static void reserve(Memblock mb, KernelLog log, BootOptions o, KernelConfig c) {
        long[] p = parse(o, mb.phys_mem_size());
        if (p == null) return;
        if (c.version().equals("6.1")) {
            reserve61(mb, log, p);
            return;
        }
        long size = p[0], base = p[1], lowSize = p[2];
        boolean high = p[3] == 1, fixed = base != 0;
        long searchBase = 0, searchEnd = LOW_MAX;
        if (fixed) { searchBase = base; searchEnd = base + size; }
        else if (high) { searchBase = LOW_MAX; searchEnd = HIGH_MAX; }
        Memblock m = mb.caller("reserve_crashkernel_generic+0x7f/0x2a0");
        long got;
        while (true) {
            got = m.physAllocRange(size, CRASH_ALIGN, searchBase, searchEnd);
            if (got != 0) break;
            if (fixed) { log.log("crashkernel reservation failed - memory is in use."); return; }
            if (!high && searchEnd == LOW_MAX) {
                searchEnd = HIGH_MAX;
                searchBase = LOW_MAX;
                if (lowSize < 0) lowSize = DEFAULT_LOW;
                continue;
            }
            if (high && searchEnd == HIGH_MAX) {
                searchEnd = LOW_MAX;
                searchBase = 0;
                continue;
            }
            log.log(String.format(Locale.ROOT, "cannot allocate crashkernel (size:0x%x)", size));
            return;
        }
        if (got >= LOW_MAX) {
            long ls = lowSize < 0 ? DEFAULT_LOW : lowSize;
            if (ls > 0) {
                long lo = mb.caller("reserve_crashkernel_low+0x2f/0xb0").physAllocRange(ls, CRASH_ALIGN, 0, LOW_MAX);
                if (lo == 0) {
                    log.log(String.format(Locale.ROOT, "cannot allocate crashkernel low memory (size:0x%x).", ls));
                    mb.caller("reserve_crashkernel_generic+0x1c6/0x2a0").physFree(got, size);
                    return;
                }
                log.log(String.format(Locale.ROOT, "crashkernel low memory reserved: 0x%08x - 0x%08x (%d MB)", lo,
                        lo + ls, ls >> 20));
            }
        }
        log.log(String.format(Locale.ROOT, "crashkernel reserved: 0x%016x - 0x%016x (%d MB)", got, got + size,
                size >> 20));
    }

    /**
     * 6.1's x86 reserve_crashkernel: the same search (low first from CRASH_ALIGN, then high; a fixed base at 1 MiB
     * alignment) and crashkernel low memory above 4 GiB, with that kernel's lines ("Reserving 256MB of memory at
     * 1712MB for crashkernel (System RAM: 2047MB)").
     */
    private static void reserve61(Memblock mb, KernelLog log, long[] p) {
        long size = p[0], base = p[1], lowSize = p[2];
        boolean high = p[3] == 1;
        long totalMem = mb.phys_mem_size();
        Memblock m = mb.caller("reserve_crashkernel+0x10d/0x1a0");
        long got;
        if (base == 0) {
            got = high ? 0 : m.physAllocRange(size, CRASH_ALIGN, CRASH_ALIGN, LOW_MAX);
            if (got == 0) got = mb.caller("reserve_crashkernel+0x10d/0x1a0").physAllocRange(size, CRASH_ALIGN,
                    CRASH_ALIGN, HIGH_MAX);
            if (got == 0) {
                log.log("crashkernel reservation failed - No suitable area found.");
                return;
            }
        } else {
            got = m.physAllocRange(size, 1L << 20, base, base + size);
            if (got != base) {
                log.log("crashkernel reservation failed - memory is in use.");
                return;
            }
        }
        if (got >= LOW_MAX) {
            // reserve_crashkernel_low
            long lowMem = 0;
            for (Memblock.Region r : mb.memory()) lowMem += Math.max(0, Math.min(r.base() + r.size(), LOW_MAX) - r.base());
            long ls = lowSize < 0 ? DEFAULT_LOW : lowSize;
            if (ls > 0) {
                long lo = mb.caller("reserve_crashkernel_low+0x5d/0xe0").physAllocRange(ls, CRASH_ALIGN, CRASH_ALIGN,
                        LOW_MAX);
                if (lo == 0) {
                    log.log(String.format(Locale.ROOT, "Cannot reserve %dMB crashkernel low memory, please try smaller"
                            + " size.", ls >> 20));
                    mb.caller("reserve_crashkernel+0x15e/0x1a0").physFree(got, size);
                    return;
                }
                log.log(String.format(Locale.ROOT, "Reserving %dMB of low memory at %dMB for crashkernel (low RAM"
                        + " limit: %dMB)", ls >> 20, lo >> 20, lowMem >> 20));
            }
        }
        log.log(String.format(Locale.ROOT, "Reserving %dMB of memory at %dMB for crashkernel (System RAM: %dMB)",
                size >> 20, got >> 20, totalMem >> 20));
    }
}
