package mm.machine.api;

/**
 * One memblock operation replayed during setup_arch, in order (from a memblock=debug log or written by hand):
 * the kernel function, the range [base, base+size), and the caller symbol the kernel printed.
 */
public record MemblockOp(Kind kind, long base, long size, int nid, String caller) {
    public enum Kind {
        /** memblock_reserve */ RESERVE,
        /** memblock_phys_free / memblock_free */ FREE,
        /** memblock_add */ ADD,
        /** memblock_remove */ REMOVE,
        /** a {@code MEMBLOCK configuration} dump's reserved region: the reservations made before logging began */
        DUMP_RESERVED
    }
}
