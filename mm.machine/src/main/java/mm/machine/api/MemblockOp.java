package mm.machine.api;

/**
 * One memblock operation replayed during setup_arch, in order (from a memblock=debug log or written by hand):
 * the kernel function, the range [base, base+size), and the caller symbol the kernel printed. An {@link Kind#ALLOC}
 * also carries the allocation function the kernel printed ({@code memblock_alloc_try_nid}, ...), its alignment and
 * its {@code from} / {@code max_addr} bounds; its range is where the kernel placed it (the replay asks the emulated
 * memblock for the same request, which places it by its own rules).
 */
public record MemblockOp(Kind kind, long base, long size, int nid, String caller, String function, long align,
        long from, long max) {
    public enum Kind {
        /** memblock_reserve */ RESERVE,
        /** memblock_phys_free / memblock_free */ FREE,
        /** memblock_add */ ADD,
        /** memblock_remove */ REMOVE,
        /** a {@code MEMBLOCK configuration} dump's reserved region: the reservations made before logging began */
        DUMP_RESERVED,
        /** a memblock_alloc* / memblock_phys_alloc_range call (its line, then its reservation) */
        ALLOC,
        /** memblock_dump_all at this point (a {@code MEMBLOCK configuration:} block in the log) */
        DUMP,
        /** numa_init at this point: node ids for memory and for the reservations made so far */
        NUMA_INIT
    }

    /** An operation on a range (not an allocation). */
    public MemblockOp(Kind kind, long base, long size, int nid, String caller) {
        this(kind, base, size, nid, caller, null, 0, 0, 0);
    }

    /** A replay point without a range ({@link Kind#DUMP}, {@link Kind#NUMA_INIT}). */
    public static MemblockOp point(Kind kind) {
        return new MemblockOp(kind, 0, 0, -1, null);
    }

    /** An allocation the kernel logged: {@code function: SIZE bytes align=.. nid=.. from=.. max_addr=.. caller}. */
    public static MemblockOp alloc(String function, long base, long size, long align, int nid, long from, long max,
            String caller) {
        return new MemblockOp(Kind.ALLOC, base, size, nid, caller, function, align, from, max);
    }
}
