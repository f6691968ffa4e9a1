package mm.core.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * GFP flags with the bit layout of Linux 6.12 (include/linux/gfp_types.h, x86_64, no KASAN_HW_TAGS), parsed from and
 * printed in the kernel's spelling ({@code GFP_KERNEL|__GFP_ZERO}, {@code 0xcc0}).
 */
public final class Gfp {
    private Gfp() {}

    public static final int __GFP_DMA = 1 << 0;
    public static final int __GFP_HIGHMEM = 1 << 1;
    public static final int __GFP_DMA32 = 1 << 2;
    public static final int __GFP_MOVABLE = 1 << 3;
    public static final int __GFP_RECLAIMABLE = 1 << 4;
    public static final int __GFP_HIGH = 1 << 5;
    public static final int __GFP_IO = 1 << 6;
    public static final int __GFP_FS = 1 << 7;
    public static final int __GFP_ZERO = 1 << 8;
    public static final int __GFP_DIRECT_RECLAIM = 1 << 10;
    public static final int __GFP_KSWAPD_RECLAIM = 1 << 11;
    public static final int __GFP_WRITE = 1 << 12;
    public static final int __GFP_NOWARN = 1 << 13;
    public static final int __GFP_RETRY_MAYFAIL = 1 << 14;
    public static final int __GFP_NOFAIL = 1 << 15;
    public static final int __GFP_NORETRY = 1 << 16;
    public static final int __GFP_MEMALLOC = 1 << 17;
    public static final int __GFP_COMP = 1 << 18;
    public static final int __GFP_NOMEMALLOC = 1 << 19;
    public static final int __GFP_HARDWALL = 1 << 20;
    public static final int __GFP_THISNODE = 1 << 21;
    public static final int __GFP_ACCOUNT = 1 << 22;

    public static final int __GFP_RECLAIM = __GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM;
    public static final int GFP_ATOMIC = __GFP_HIGH | __GFP_KSWAPD_RECLAIM;
    public static final int GFP_KERNEL = __GFP_RECLAIM | __GFP_IO | __GFP_FS;
    public static final int GFP_KERNEL_ACCOUNT = GFP_KERNEL | __GFP_ACCOUNT;
    public static final int GFP_NOWAIT = __GFP_KSWAPD_RECLAIM;
    public static final int GFP_NOIO = __GFP_RECLAIM;
    public static final int GFP_NOFS = __GFP_RECLAIM | __GFP_IO;
    public static final int GFP_USER = __GFP_RECLAIM | __GFP_IO | __GFP_FS | __GFP_HARDWALL;
    public static final int GFP_DMA = __GFP_DMA;
    public static final int GFP_DMA32 = __GFP_DMA32;
    public static final int GFP_HIGHUSER = GFP_USER | __GFP_HIGHMEM;
    public static final int GFP_HIGHUSER_MOVABLE = GFP_HIGHUSER | __GFP_MOVABLE;
    public static final int GFP_TRANSHUGE_LIGHT =
            (GFP_HIGHUSER_MOVABLE | __GFP_COMP | __GFP_NOMEMALLOC | __GFP_NOWARN) & ~__GFP_RECLAIM;
    public static final int GFP_TRANSHUGE = GFP_TRANSHUGE_LIGHT | __GFP_DIRECT_RECLAIM;

    /** Names in the order of the kernel's __def_gfpflag_names: composites first, then single bits. */
    private static final String[] NAMES = {
        "GFP_TRANSHUGE", "GFP_TRANSHUGE_LIGHT", "GFP_HIGHUSER_MOVABLE", "GFP_HIGHUSER", "GFP_USER",
        "GFP_KERNEL_ACCOUNT", "GFP_KERNEL", "GFP_NOFS", "GFP_ATOMIC", "GFP_NOIO", "GFP_NOWAIT", "GFP_DMA",
        "__GFP_HIGHMEM", "GFP_DMA32", "__GFP_HIGH", "__GFP_IO", "__GFP_FS", "__GFP_NOWARN", "__GFP_RETRY_MAYFAIL",
        "__GFP_NOFAIL", "__GFP_NORETRY", "__GFP_COMP", "__GFP_ZERO", "__GFP_NOMEMALLOC", "__GFP_MEMALLOC",
        "__GFP_HARDWALL", "__GFP_THISNODE", "__GFP_RECLAIMABLE", "__GFP_MOVABLE", "__GFP_ACCOUNT", "__GFP_WRITE",
        "__GFP_RECLAIM", "__GFP_DIRECT_RECLAIM", "__GFP_KSWAPD_RECLAIM",
    };
    private static final int[] MASKS = {
        GFP_TRANSHUGE, GFP_TRANSHUGE_LIGHT, GFP_HIGHUSER_MOVABLE, GFP_HIGHUSER, GFP_USER,
        GFP_KERNEL_ACCOUNT, GFP_KERNEL, GFP_NOFS, GFP_ATOMIC, GFP_NOIO, GFP_NOWAIT, GFP_DMA,
        __GFP_HIGHMEM, GFP_DMA32, __GFP_HIGH, __GFP_IO, __GFP_FS, __GFP_NOWARN, __GFP_RETRY_MAYFAIL,
        __GFP_NOFAIL, __GFP_NORETRY, __GFP_COMP, __GFP_ZERO, __GFP_NOMEMALLOC, __GFP_MEMALLOC,
        __GFP_HARDWALL, __GFP_THISNODE, __GFP_RECLAIMABLE, __GFP_MOVABLE, __GFP_ACCOUNT, __GFP_WRITE,
        __GFP_RECLAIM, __GFP_DIRECT_RECLAIM, __GFP_KSWAPD_RECLAIM,
    };

    /** Parses {@code GFP_KERNEL|__GFP_ZERO}, {@code 0xcc0} or a mix; names are case-sensitive as in the kernel. */
    public static int parse(String spec) {
        if (spec == null || spec.isBlank()) throw new IllegalArgumentException("empty GFP mask");
        int mask = 0;
        for (String part : spec.split("\\|", -1)) { // -1: a trailing or lone '|' leaves an empty term
            String p = part.trim();
            if (p.isEmpty()) throw new IllegalArgumentException("empty term in GFP mask '" + spec + "'");
            if (p.startsWith("0x") || p.startsWith("0X")) {
                try { mask |= Integer.parseUnsignedInt(p.substring(2), 16); }
                catch (NumberFormatException e) { throw new IllegalArgumentException("bad hex GFP mask '" + p + "' (at most 32 bits)"); }
                continue;
            }
            if (p.chars().allMatch(Character::isDigit)) {
                try { mask |= Integer.parseUnsignedInt(p); }
                catch (NumberFormatException e) { throw new IllegalArgumentException("GFP mask '" + p + "' is wider than 32 bits"); }
                continue;
            }
            int i = indexOf(p);
            if (i < 0) throw new IllegalArgumentException("unknown GFP flag '" + p + "' in '" + spec + "'");
            mask |= MASKS[i];
        }
        return mask;
    }

    private static int indexOf(String name) {
        for (int i = 0; i < NAMES.length; i++) if (NAMES[i].equals(name)) return i;
        return -1;
    }

    /** The kernel's %pGg rendering: names greedily, composites first, leftover bits in hex. */
    public static String names(int mask) {
        if (mask == 0) return "0";
        List<String> out = new ArrayList<>();
        int rest = mask;
        for (int i = 0; i < NAMES.length && rest != 0; i++) {
            if (MASKS[i] != 0 && (rest & MASKS[i]) == MASKS[i]) { out.add(NAMES[i]); rest &= ~MASKS[i]; }
        }
        if (rest != 0) out.add(String.format(Locale.ROOT, "%#x", rest));
        return String.join("|", out);
    }

    /** {@code 0xcc0(GFP_KERNEL)} as page_owner prints it. */
    public static String format(int mask) {
        return String.format(Locale.ROOT, "%#x(%s)", mask, names(mask));
    }

    /** gfp_zone(): the highest zone an allocation with this mask may use (GFP_ZONE_TABLE on 64-bit). */
    public static ZoneType highestZone(int gfp) {
        if ((gfp & __GFP_DMA) != 0) return ZoneType.DMA;
        if ((gfp & __GFP_DMA32) != 0) return ZoneType.DMA32;
        if ((gfp & (__GFP_HIGHMEM | __GFP_MOVABLE)) == (__GFP_HIGHMEM | __GFP_MOVABLE)) return ZoneType.MOVABLE;
        return ZoneType.NORMAL;
    }

    /** gfp_migratetype(). */
    public static MigrateType migratetype(int gfp) {
        if ((gfp & __GFP_MOVABLE) != 0) return MigrateType.MOVABLE;
        if ((gfp & __GFP_RECLAIMABLE) != 0) return MigrateType.RECLAIMABLE;
        return MigrateType.UNMOVABLE;
    }
}
