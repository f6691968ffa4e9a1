package mm.core.internal.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import mm.core.api.CallStack;
import mm.core.api.Gfp;
import mm.core.api.MigrateType;
import mm.core.api.Mm;
import mm.core.internal.deferred.DeferredInits;
import mm.machine.api.BootWorkload;
import mm.variant.internal.StandaloneVariants;
import org.junit.jupiter.api.Test;

/**
 * make_alloc_exact frees the pages past an exact allocation one by one; the model frees the run by its largest
 * aligned blocks. The buddy must end the same: same free blocks, in the same order on every list, same counters.
 */
class MakeAllocExactTest {
    static final CallStack ME = CallStack.of("make_alloc_exact_test");

    static MemoryModelImpl boot() {
        StandaloneVariants variants = new StandaloneVariants();
        DeferredInits.register(variants::register);
        MemoryModelImpl m = new MemoryModelImpl(variants);
        m.boot(TestMachines.oneNode(512, false).withWorkload(new BootWorkload(1, 1, 0, 0, 0, new int[] {1})));
        return m;
    }

    /** Every free list of every zone, as "order/type: pfn pfn ...", plus each zone's free count. */
    static List<String> freeLists(MemoryModelImpl m) {
        List<String> out = new ArrayList<>();
        for (Zone z : m.kernel().zones()) {
            out.add(z.type + " free " + z.freePages());
            for (int o = 0; o <= Mm.MAX_PAGE_ORDER; o++)
                for (int mt = 0; mt < MigrateType.VALUES.length; mt++) {
                    StringBuilder b = new StringBuilder(z.type + " " + o + "/" + mt + ":");
                    for (long p = z.listHead(o, mt); p != MemmapImpl.NONE; p = m.kernel().mm.next(p)) b.append(' ').append(p);
                    out.add(b.toString());
                }
        }
        return out;
    }

    @Test
    void theRunEndsLikeOrderZeroFreesOneByOne() {
        MemoryModelImpl a = boot(), b = boot();
        for (long pages : new long[] {576, 1, 1000, 1024, 300}) {
            long pa = a.alloc(10, Gfp.GFP_KERNEL, 0, ME), pb = b.alloc(10, Gfp.GFP_KERNEL, 0, ME);
            assertEquals(pa, pb, "both models are the same machine");
            a.makeAllocExact(pa, 10, pages, ME);
            b.split(pb, 10);
            for (long p = pb + pages; p < pb + 1024; p++) b.freePagesOkToTail(p, 0, ME);
            assertEquals(freeLists(b), freeLists(a), pages + " pages kept");
        }
        // the kept pages are order-0 allocations that free like any other
        long p = a.alloc(3, Gfp.GFP_KERNEL, 0, ME);
        a.makeAllocExact(p, 3, 5, ME);
        for (long q = p; q < p + 5; q++) a.free(q, 0, ME);
        assertEquals(List.of(), a.check());
        assertEquals(List.of(), b.check());
        assertThrows(IllegalArgumentException.class, () -> a.makeAllocExact(a.alloc(2, Gfp.GFP_KERNEL, 0, ME), 2, 5, ME));
    }
}
