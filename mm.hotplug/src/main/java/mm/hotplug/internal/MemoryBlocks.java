package mm.hotplug.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import mm.core.api.MemoryModel;
import mm.core.api.Mm;
import mm.core.api.ZoneInfo;
import mm.core.api.ZoneType;
import mm.core.spi.MemoryHotplugSupport.SectionInfo;
import mm.core.spi.MemoryHotplugSupport;
import mm.hotplug.api.MemoryBlock;
import mm.hotplug.api.OnlineType;
import mm.machine.api.Machine;

/**
 * Memory blocks as drivers/base/memory.c shows them under /sys/devices/system/memory: the block size, each block's
 * state and valid_zones, and auto_online_blocks. Callers hold the hotplug lock.
 */
final class MemoryBlocks {
    static final long SZ_128M = 128L << 20, SZ_2G = 2L << 30, SZ_64G = 64L << 30;

    private final MemoryModel model;
    private final MemoryHotplugSupport hs;
    private final ZoneChoice zones;
    /** auto_online_blocks (mhp_default_online_type) of the current boot. */
    private String autoOnline = "offline";

    MemoryBlocks(MemoryModel model, MemoryHotplugSupport hs, ZoneChoice zones) {
        this.model = model;
        this.hs = hs;
        this.zones = zones;
    }

    /** A new boot: auto_online_blocks starts from memhp_default_state= on the command line. */
    void newBoot() {
        String s = model.machine().options().extra().get("memhp_default_state");
        // mhp_default_online_type: memhp_default_state= wins over the build's default (CONFIG_MEMORY_HOTPLUG_DEFAULT_ONLINE)
        autoOnline = s == null ? model.machine().config().mhpDefaultOnlineType() : checkAutoOnline(s);
    }

    long blockSizeBytes() { return probeMemoryBlockSize(hs.bootEndPfn() << Mm.PAGE_SHIFT, model.machine()); }

    /**
     * x86 probe_memory_block_size: 128 MiB below 64 GiB of boot memory; above, 2 GiB on bare metal, and in a VM
     * (machine option {@code hypervisor=NAME}) the largest power of two up to 2 GiB that divides the end of boot
     * memory.
     */
    static long probeMemoryBlockSize(long bootMemEnd, Machine m) {
        if (bootMemEnd < SZ_64G) return SZ_128M;
        String hv = m.options().extra().get("hypervisor");
        boolean vm = hv != null && !hv.equalsIgnoreCase("none") && !hv.equalsIgnoreCase("off");
        if (!vm) return SZ_2G;
        for (long bz = SZ_2G; bz > SZ_128M; bz >>= 1) if ((bootMemEnd & (bz - 1)) == 0) return bz;
        return SZ_128M;
    }

    int sectionsPerBlock() { return (int) (blockSizeBytes() / Mm.SECTION_SIZE); }

    List<MemoryBlock> blocks() {
        int spb = sectionsPerBlock();
        List<MemoryBlock> out = new ArrayList<>();
        // block by block over the present sections only (a hot-add near 2^52 leaves a hole of 2^25 sections)
        for (long s = hs.nextPresentSection(0); s >= 0; ) {
            long b = s / spb;
            MemoryBlock mb = block(b, spb);
            if (mb != null) out.add(mb);
            s = hs.nextPresentSection((b + 1) * spb);
        }
        return out;
    }

    MemoryBlock block(long id) { return id < 0 ? null : block(id, sectionsPerBlock()); }

    /** The block at a block-aligned pfn. */
    MemoryBlock blockAt(long pfn) {
        int spb = sectionsPerBlock();
        return block(pfn / ((long) spb * Mm.PAGES_PER_SECTION), spb);
    }

    MemoryBlock block(long id, int spb) {
        SectionInfo first = null;
        boolean online = false, early = true;
        ZoneType recorded = null;
        boolean mixed = false;
        for (long s = id * spb; s < (id + 1) * spb; s++) {
            SectionInfo si = hs.section(s);
            if (!si.present() || si.device()) continue;
            if (first == null) first = si;
            if (!si.early()) early = false;
            if (si.online()) {
                online = true;
                if (si.zone() != null) {
                    if (recorded != null && recorded != si.zone()) mixed = true;
                    recorded = si.zone();
                }
            }
        }
        if (first == null) return null;
        long startPfn = id * spb * (long) Mm.PAGES_PER_SECTION, nr = (long) spb * Mm.PAGES_PER_SECTION;
        int nid = first.nid();
        String valid;
        if (online) {
            ZoneType z = mixed ? null : recorded != null ? recorded : earlyZone(nid, startPfn, nr);
            valid = z == null ? "none" : z.kernelName();
        } else valid = validZonesOffline(nid, startPfn, nr);
        return new MemoryBlock(id, startPfn, nr, online ? "online" : "offline", valid, true, nid, early);
    }

    /** early_node_zone_for_memory_block: the only populated zone of the node the block intersects, else null. */
    private ZoneType earlyZone(int nid, long startPfn, long nr) {
        ZoneType match = null;
        for (ZoneType t : ZoneType.VALUES) {
            ZoneInfo z = model.zone(nid, t);
            if (!z.populated() || !ZoneChoice.intersects(z, startPfn, nr)) continue;
            if (match != null) return null;
            match = t;
        }
        return match;
    }

    /** valid_zones of an offline block: the default zone, then the other choices. */
    String validZonesOffline(int nid, long startPfn, long nr) {
        ZoneType def = zones.zoneFor(OnlineType.ONLINE, nid, startPfn, nr);
        StringBuilder sb = new StringBuilder(def.kernelName());
        for (OnlineType t : new OnlineType[] {OnlineType.ONLINE_KERNEL, OnlineType.ONLINE_MOVABLE}) {
            ZoneType z = zones.zoneFor(t, nid, startPfn, nr);
            if (z != def) sb.append(' ').append(z.kernelName());
        }
        return sb.toString();
    }

    String autoOnlineBlocks() { return autoOnline; }

    void setAutoOnlineBlocks(String value) { autoOnline = checkAutoOnline(value); }

    static String checkAutoOnline(String v) {
        return switch (v) {
            case "offline", "online", "online_kernel", "online_movable" -> v;
            default -> throw new IllegalArgumentException("auto_online_blocks: '" + v
                    + "' is not one of offline, online, online_kernel, online_movable");
        };
    }

    /** The block-aligned pfn range [start, start+size) as block start pfns; throws for misuse. */
    List<Long> blockStarts(long start, long size) {
        long bs = blockSizeBytes();
        if (size <= 0 || start < 0 || start % bs != 0 || size % bs != 0)
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "range %#x + %#x is not made of whole memory blocks (block size %#x)", start, size, bs));
        List<Long> out = new ArrayList<>();
        int spb = sectionsPerBlock();
        for (long a = start; a < start + size; a += bs) {
            long id = a / bs;
            if (block(id, spb) == null)
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "there is no memory block memory%d at %#x (add the memory first)", id, a));
            out.add(a >>> Mm.PAGE_SHIFT);
        }
        return out;
    }

    List<String> blockNames(long pfn, long nr) {
        long bp = blockSizeBytes() >>> Mm.PAGE_SHIFT;
        List<String> out = new ArrayList<>();
        for (long p = pfn; p < pfn + nr; p += bp) out.add("memory" + p / bp);
        return out;
    }
}
