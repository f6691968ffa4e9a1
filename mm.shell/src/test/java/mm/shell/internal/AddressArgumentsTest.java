package mm.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** PFN arguments of mm:alloc / mm:free / mm:page end at 2^40 (physical addresses at 2^52, 5-level paging). */
class AddressArgumentsTest {
    @Test
    void pfnsAtOrAbove2To40AreRefusedInOneSentence() {
        assertEquals((1L << 40) - 1, CoreCommands.pfn("0xffffffffff"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CoreCommands.pfn("0x10000000000"));
        assertEquals("PFN 0x10000000000 is at or above 2^40: physical addresses end at 2^52 (MAX_PHYSMEM_BITS 52,"
                + " 5-level paging)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CoreCommands.pfn("0x7fffffffffffffff"));
        assertEquals("PFN 0x7fffffffffffffff is at or above 2^40: physical addresses end at 2^52 (MAX_PHYSMEM_BITS 52,"
                + " 5-level paging)", e.getMessage());
    }

    @Test
    void memblockNodeIdsAreNotCutToAnInt() {
        assertEquals(-1, CoreCommands.nid(new String[] {"4096", "4096", "-1"}, 2, "alloc-nid"));
        assertEquals(1023, CoreCommands.nid(new String[] {"4096", "4096", "1023"}, 2, "alloc-nid"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CoreCommands.nid(new String[] {"0", "4096", "0x100000000"}, 2, "add-node"));
        assertEquals("argument 3 of add-node: expected a node id -1..1023, got '0x100000000'", e.getMessage());
    }

    /** Issue 14: a memblock subcommand with too few or too many arguments changes nothing and says what it takes. */
    @Test
    void memblockArgumentCountsAreChecked() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CoreCommands.checkArity("add", new String[0]));
        assertEquals("mm:memblock add takes BASE SIZE, got none", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CoreCommands.checkArity("reset", new String[] {"now"}));
        assertEquals("mm:memblock reset takes no arguments, got 1 (now)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> CoreCommands.checkArity("alloc", new String[] {"1", "2", "3"}));
        assertEquals("mm:memblock alloc takes SIZE [ALIGN], got 3 (1 2 3)", e.getMessage());
        CoreCommands.checkArity("alloc", new String[] {"4096"});
        CoreCommands.checkArity("alloc", new String[] {"4096", "8"});
    }
}
