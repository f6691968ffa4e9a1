package mm.hotplug.api;

import java.util.List;
import java.util.Map;
import mm.core.spi.MemoryHotplugSupport.RawPage;
import mm.machine.api.E820Range;
import mm.machine.api.HotplugRange;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Memory hotplug on the booted model: memory blocks (drivers/base/memory.c), add_memory / online_pages /
 * offline_pages / remove_memory (mm/memory_hotplug.c) and memremap_pages / memunmap_pages (mm/memremap.c).
 * Ranges are physical byte addresses. Operations are serialised (the kernel's device hotplug lock); each returns
 * a {@link HotplugResult} whose errno says whether the kernel would have refused it. Misuse that never reaches the
 * kernel (no such block, a malformed range) throws IllegalArgumentException.
 */
@ProviderType
public interface MemoryHotplug {
    /** memory_block_size_bytes(): the x86 rule (arch/x86/mm/init_64.c probe_memory_block_size) applied to the booted machine. */
    long blockSizeBytes();

    /** Every memory block, ordered by id (ZONE_DEVICE memory has none). */
    List<MemoryBlock> blocks();

    /** The block with this id, or null. */
    MemoryBlock block(long id);

    /** {@code auto_online_blocks}: offline, online, online_kernel or online_movable. */
    String autoOnlineBlocks();

    void setAutoOnlineBlocks(String value);

    /** The machine's hotpluggable ranges (SRAT hotplug flag). */
    List<HotplugRange> hotplugRanges();

    /**
     * add_memory(nid, start, size): block-aligned; sections and block devices are created, struct pages are not
     * initialised; then the blocks are onlined if auto_online_blocks says so. {@code nid} -1: the node the
     * machine description gives the range (its hotplug range or NUMA node), else the first node.
     */
    HotplugResult add(int nid, long start, long size);

    /** Onlines every (offline) block of the range, one block at a time. */
    HotplugResult online(long start, long size, OnlineType type);

    /** Offlines every (online) block of the range, one block at a time; stops at the first failure. */
    HotplugResult offline(long start, long size);

    /** remove_memory: every block of the range must be offline. */
    HotplugResult remove(long start, long size);

    /** memremap_pages: ZONE_DEVICE memory of {@code type}, its memmap in the device when {@code altmap}. */
    HotplugResult memremap(int nid, long start, long size, boolean altmap, PgmapType type);

    /** memunmap_pages of the pgmap with this id. */
    HotplugResult memunmap(int pgmapId);

    /** The live dev_pagemaps, by id. */
    List<DevPagemap> pagemaps();

    /**
     * Every memmap_init_zone_device of the current boot, in order, including those of dev_pagemaps unmapped since:
     * the measured and the modelled time of each (a comparison of device-init variants on one range).
     */
    List<DeviceInitTime> deviceInitTimes();

    /** The machine's e820 ranges memremap is for: persistent memory (pmem, pram) and soft reserved memory. */
    List<E820Range> deviceRanges();

    /** The struct page at {@code pfn} as the memmap holds it now (poisoned: not initialised). */
    RawPage structPage(long pfn);

    /**
     * Runs the PG_reserved scenario (add, move_pfn_range_to_zone, the PFN walkers, online, offline, remove of one
     * block past the end of memory) under the active {@code reserved-bit} policy. Returns the facts of every policy
     * run so far in this session, by policy name, the one just run last.
     */
    Map<String, Map<String, Object>> reservedBitScenario();
}
