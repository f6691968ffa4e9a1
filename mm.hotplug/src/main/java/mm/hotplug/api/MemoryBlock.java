package mm.hotplug.api;

/**
 * One memory block, as {@code /sys/devices/system/memory/memoryN} shows it.
 *
 * @param id          N of memoryN (= phys_index: first section / sections per block)
 * @param startPfn    first pfn of the block
 * @param nrPages     pages in the block (block_size_bytes / 4096)
 * @param state       {@code online} or {@code offline}
 * @param validZones  when online: the zone, or {@code none} when the block spans zones; when offline: the zone
 *                    onlining would choose, then the other possible zones ({@code Normal Movable})
 * @param removable   always true (CONFIG_MEMORY_HOTREMOVE)
 * @param nid         the node the block belongs to
 * @param early       present since boot (not hot-added)
 */
public record MemoryBlock(long id, long startPfn, long nrPages, String state, String validZones, boolean removable,
                          int nid, boolean early) {
    public boolean online() { return "online".equals(state); }

    public String name() { return "memory" + id; }

    /** {@code %08lx} of the id, as phys_index prints it. */
    public String physIndex() { return String.format("%08x", id); }

    public long startAddress() { return startPfn << 12; }

    public long endAddress() { return (startPfn + nrPages) << 12; }
}
