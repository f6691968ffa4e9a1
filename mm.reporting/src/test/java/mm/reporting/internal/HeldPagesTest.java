package mm.reporting.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import mm.core.api.CallStack;
import mm.core.api.Gfp;
import mm.core.internal.deferred.DeferredInits;
import mm.core.internal.mm.MemoryModelImpl;
import mm.machine.internal.MachineServiceImpl;
import mm.variant.internal.StandaloneVariants;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, defect 4: a workload's blocks stay right while hotplug offline migrates them. Before, a workload kept the
 * pfn it was given and freed it after offline had moved the block: "page is not allocated".
 */
class HeldPagesTest {
    static final CallStack STACK = CallStack.of("held_pages_test");

    @Test
    void aMigratedBlockIsFreedWhereItWentAndNothingIsFreedInARangeBeingOfflined() throws Exception {
        StandaloneVariants variants = new StandaloneVariants();
        DeferredInits.register(variants::register);
        MemoryModelImpl model = new MemoryModelImpl(variants);
        model.boot(new MachineServiceImpl().builtin("tiny").orElseThrow());
        long free = model.totalFreePages();
        HeldPages held = new HeldPages();

        HeldPages.Block b = held.alloc(model, 2, Gfp.GFP_HIGHUSER_MOVABLE, STACK);
        assertNotNull(b);
        long old = b.pfn;
        // what migrate_pages does: a target block, the hooks, the old block freed
        long target = model.alloc(2, Gfp.GFP_HIGHUSER_MOVABLE, -1, STACK);
        held.migrated(old, target);
        model.free(old, 2, STACK);
        assertEquals(target, b.pfn, "the record follows the block");
        held.migrated(old + 4096, old); // a migration of a block nobody here holds changes nothing
        assertEquals(target, b.pfn);

        // while its range is being offlined the block is not freed (its migration may have begun)
        held.offlining(true, target & ~511L, 512);
        assertFalse(held.free(model, b, STACK));
        held.offlining(false, target & ~511L, 512);
        assertTrue(held.free(model, b, STACK));
        assertEquals(0, held.size());
        assertEquals(List.of(), model.check());
        assertEquals(free, model.totalFreePages(), "every page is back");
    }
}
