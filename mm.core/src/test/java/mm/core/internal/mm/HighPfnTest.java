package mm.core.internal.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import mm.core.api.CallStack;
import mm.core.api.Gfp;
import mm.core.api.Mm;
import mm.core.api.PageState;
import mm.core.api.ZoneType;
import mm.core.internal.deferred.DeferredInits;
import mm.machine.api.E820Range;
import mm.machine.api.E820Type;
import mm.machine.api.Machine;
import mm.machine.api.NumaNode;
import mm.variant.internal.StandaloneVariants;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * PFNs beyond 32 bits: a little RAM low plus one 128 MiB section high up (at 8 TiB, where a 31-bit PFN link used to
 * overflow; at 16 TiB, beyond 32 bits; and the very last section below MAX_PHYSMEM_BITS = 52). The pages up there boot,
 * allocate, free and merge like any other, and every invariant holds.
 */
class HighPfnTest {
    static final CallStack ME = CallStack.of("high_pfn_test");
    static final long M = 1L << 20;

    static Machine lowPlusOneHighSection(long high, boolean deferred) {
        long lowEnd = 256 * M, highEnd = high + Mm.SECTION_SIZE;
        List<E820Range> e820 = List.of(
                new E820Range(0, 0x9fc00, E820Type.USABLE),
                new E820Range(0x9fc00, 0xa0000, E820Type.RESERVED),
                new E820Range(0x100000, lowEnd, E820Type.USABLE),
                new E820Range(high, highEnd, E820Type.USABLE));
        List<NumaNode> nodes = List.of(new NumaNode(0, 2, List.<long[]>of(new long[] {0, lowEnd}, new long[] {high, highEnd})));
        return TestMachines.machine("test-high", nodes, new int[][] {{10}}, e820, deferred);
    }

    @ParameterizedTest
    @ValueSource(longs = {1L << 43, 1L << 44, (1L << 52) - Mm.SECTION_SIZE})
    void ramHighUpBootsAllocatesAndFrees(long high) {
        for (boolean deferred : new boolean[] {false, true}) {
            StandaloneVariants variants = new StandaloneVariants();
            DeferredInits.register(variants::register);
            MemoryModelImpl m = new MemoryModelImpl(variants);
            m.boot(lowPlusOneHighSection(high, deferred));
            long first = high >>> Mm.PAGE_SHIFT, end = first + Mm.PAGES_PER_SECTION;
            assertEquals(ZoneType.NORMAL, m.zoneOf(first).zone());
            // (boot's workload allocations take some of the section's pages, as they take some of every range)
            long block = first + Mm.PAGES_PER_SECTION / 2;
            assertEquals(PageState.FREE_BUDDY, m.page(block).pageState(), "the high section is free after boot");
            assertEquals(List.of(), m.check());

            // the low memory runs out first for movable allocations of the top zone; drain it until the high pages come
            List<long[]> held = new ArrayList<>();
            long highAllocs = 0;
            for (int i = 0; i < 200_000 && highAllocs < 3000; i++) {
                int order = i % 4 == 0 ? 3 : 0;
                long pfn = m.alloc(order, Gfp.GFP_HIGHUSER_MOVABLE | Gfp.__GFP_NOWARN, 0, ME);
                if (pfn < 0) break;
                held.add(new long[] {pfn, order});
                if (pfn >= first) {
                    assertTrue(pfn < end, "a pfn inside the high section");
                    assertEquals(PageState.ALLOCATED_HEAD, m.page(pfn).pageState());
                    highAllocs++;
                }
            }
            assertTrue(highAllocs >= 3000, "allocations reached the high section: " + highAllocs);
            assertEquals(List.of(), m.check());
            // free every other block first (links between free blocks far apart), then the rest
            for (int i = 0; i < held.size(); i += 2) m.free(held.get(i)[0], (int) held.get(i)[1]);
            assertEquals(List.of(), m.check());
            for (int i = 1; i < held.size(); i += 2) m.free(held.get(i)[0], (int) held.get(i)[1]);
            m.kernel().pageAlloc.drainAllPages();
            assertEquals(List.of(), m.check());
            assertEquals(PageState.FREE_BUDDY, m.page(block).pageState(), "the high section merged back");
            assertEquals(Mm.MAX_PAGE_ORDER, m.page(block).privateField());
        }
    }
}
