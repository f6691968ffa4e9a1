package mm.core.internal.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import mm.core.api.MemmapVariants;
import mm.core.internal.deferred.DeferredInits;
import mm.variant.internal.StandaloneVariants;
import org.junit.jupiter.api.Test;

/**
 * Without deferred init, memmap init writes every section with one struct page and memblock_free_all frees it:
 * under the compact storage those sections end uniformly free (O(1) heap), with the buddy dense would have.
 */
class CompactDeferredOffTest {
    private static MemoryModelImpl boot(String storage) {
        StandaloneVariants variants = new StandaloneVariants();
        DeferredInits.register(variants::register);
        variants.select(MemmapVariants.SUBSYSTEM, storage);
        MemoryModelImpl m = new MemoryModelImpl(variants);
        m.boot(TestMachines.twoNodes(2048, false));
        return m;
    }

    @Test
    void memblockFreeAllLeavesWholeSectionsUniformlyFree() {
        MemoryModelImpl compact = boot(MemmapVariants.COMPACT), dense = boot(MemmapVariants.DENSE);
        int sections = compact.kernel().mm.sectionCount();
        int uniform = compact.kernel().mm.uniformSections();
        assertTrue(uniform > sections / 2, uniform + " of " + sections + " sections uniformly free");
        assertEquals(0, dense.kernel().mm.uniformSections());
        assertEquals(dense.buddyinfo().text(), compact.buddyinfo().text());
        assertEquals(dense.pagetypeinfo().text(), compact.pagetypeinfo().text());
        assertEquals(dense.zoneinfo().text(), compact.zoneinfo().text());
        for (long pfn = 0; pfn < dense.kernel().mm.maxPfn(); pfn += 1021)
            assertEquals(dense.page(pfn).toString(), compact.page(pfn).toString(), "pfn " + pfn);
        assertEquals(List.of(), compact.check());
        assertEquals(List.of(), dense.check());
    }
}
