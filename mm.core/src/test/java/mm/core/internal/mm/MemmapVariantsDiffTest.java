package mm.core.internal.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import mm.core.api.CallStack;
import mm.core.api.Gfp;
import mm.core.api.MemmapVariants;
import mm.core.api.Mm;
import mm.core.api.NodeInfo;
import mm.core.internal.deferred.DeferredInits;
import mm.machine.api.Machine;
import mm.machine.internal.MachineServiceImpl;
import mm.variant.internal.StandaloneVariants;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The memmap storage variants are observably identical: each small shipped machine boots under {@code dense} and
 * under {@code compact}, runs the same seeded workload of allocations and frees of mixed orders, types and nodes,
 * and then every answer is the same: the pfn of every allocation, the boot log, the /proc views, and mm:page of
 * every pfn. Compact really is compact: deferred init left whole sections uniform.
 */
class MemmapVariantsDiffTest {
    static final CallStack ME = CallStack.of("memmap_diff_test");
    static final int[] GFPS = {Gfp.GFP_KERNEL, Gfp.GFP_HIGHUSER_MOVABLE, Gfp.GFP_KERNEL | Gfp.__GFP_RECLAIMABLE,
            Gfp.GFP_KERNEL | Gfp.GFP_DMA32, Gfp.GFP_KERNEL | Gfp.__GFP_COMP};

    record Run(MemoryModelImpl m, List<Long> pfns, int templatedAfterTables) {}

    static Run run(Machine machine, String storage, long seed) {
        return run(machine, storage, seed, false);
    }

    /**
     * @param tables first cut a page_ext-like table from the buddy for every present section, as page_ext_init does
     *     with page_owner=on (an order-10 block, make_alloc_exact to 576 pages; a section filled to its end is
     *     offered to Memmap.compactSection); the workload then also frees some of those pages
     */
    static Run run(Machine machine, String storage, long seed, boolean tables) {
        StandaloneVariants variants = new StandaloneVariants();
        DeferredInits.register(variants::register);
        variants.select(MemmapVariants.SUBSYSTEM, storage);
        MemoryModelImpl m = new MemoryModelImpl(variants);
        m.boot(machine);
        assertEquals(storage, m.memmapVariant());
        List<Long> out = new ArrayList<>();
        List<long[]> held = new ArrayList<>();
        if (tables) {
            for (long nr = m.kernel().mm.nextPresent(0); nr >= 0; nr = m.kernel().mm.nextPresent(nr + 1)) {
                long pfn = m.alloc(10, Gfp.GFP_KERNEL, 0, ME);
                out.add(pfn);
                m.makeAllocExact(pfn, 10, 576, ME);
                if (((pfn + 1024) & (Mm.PAGES_PER_SECTION - 1)) == 0) m.memmap().compactSection(pfn >>> Mm.PFN_SECTION_SHIFT);
                if (out.size() % 8 == 0) for (long p = pfn; p < pfn + 576; p += 97) held.add(new long[] {p, 0});
            }
        }
        int templated = m.kernel().mm.templatedSections();
        SplittableRandom r = new SplittableRandom(seed);
        int nodes = m.nodes().size();
        for (int op = 0; op < 6000; op++) {
            if (!held.isEmpty() && r.nextInt(100) < 40) {
                long[] h = held.remove(r.nextInt(held.size()));
                m.free(h[0], (int) h[1], ME);
                continue;
            }
            int roll = r.nextInt(100);
            int order = roll < 70 ? 0 : roll < 85 ? 1 + r.nextInt(3) : roll < 97 ? 4 + r.nextInt(5) : 9 + r.nextInt(2);
            int gfp = GFPS[r.nextInt(GFPS.length)] | Gfp.__GFP_NOWARN;
            int nid = m.nodes().get(r.nextInt(nodes)).nid();
            long pfn = m.alloc(order, gfp, nid, ME);
            out.add(pfn);
            if (pfn >= 0) held.add(new long[] {pfn, order});
        }
        return new Run(m, out, templated);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny", "tiny-2node", "grow-zone", "hotplug-demo", "qemu-2g", "default"})
    void denseAndCompactGiveTheSameAnswers(String name) throws Exception {
        Machine machine = new MachineServiceImpl().builtin(name).orElseThrow();
        Run dense = run(machine, MemmapVariants.DENSE, 13);
        Run compact = run(machine, MemmapVariants.COMPACT, 13);
        assertEquals(dense.pfns(), compact.pfns(), "every allocation returns the same pfn");
        MemoryModelImpl d = dense.m(), c = compact.m();
        assertEquals(List.of(), d.check());
        assertEquals(List.of(), c.check());
        assertEquals(d.dmesg().size(), c.dmesg().size());
        for (int i = 0; i < d.dmesg().size(); i++) assertEquals(mask(d.dmesg().get(i)), mask(c.dmesg().get(i)));
        assertEquals(d.buddyinfo().text(), c.buddyinfo().text());
        assertEquals(d.pagetypeinfo().text(), c.pagetypeinfo().text());
        assertEquals(d.zoneinfo().text(), c.zoneinfo().text());
        assertEquals(d.meminfo().text(), c.meminfo().text());
        long end = 0;
        for (NodeInfo n : d.nodes()) end = Math.max(end, n.startPfn() + n.spannedPages());
        for (long pfn = 0; pfn < end; pfn++) {
            if (!d.memmap().valid(pfn)) { pfn |= Mm.PAGES_PER_SECTION - 1; continue; }
            assertEquals(d.page(pfn), c.page(pfn));
            assertEquals(d.kernel().pageAlloc.describe(pfn), c.kernel().pageAlloc.describe(pfn));
        }
        assertEquals(0, d.kernel().mm.uniformSections(), "dense stores every section as arrays");
        if (d.machine().options().deferredStructPageInit() && end > 8L * Mm.PAGES_PER_SECTION)
            assertTrue(c.kernel().mm.uniformSections() > 0, "compact kept some sections uniform");
    }

    /**
     * Sections that page_ext-like tables filled are stored shared under compact (Section.templated) and answer as the
     * dense arrays do, before and after the workload allocates from their free tails and frees their pages.
     */
    @org.junit.jupiter.api.Test
    void sectionsFilledWithTablesAreSharedAndAnswerTheSame() {
        Machine machine = TestMachines.oneNode(12 * 1024, true);
        Run dense = run(machine, MemmapVariants.DENSE, 5, true);
        Run compact = run(machine, MemmapVariants.COMPACT, 5, true);
        assertEquals(dense.pfns(), compact.pfns(), "every allocation returns the same pfn");
        MemoryModelImpl d = dense.m(), c = compact.m();
        assertEquals(List.of(), d.check());
        assertEquals(List.of(), c.check());
        assertEquals(d.buddyinfo().text(), c.buddyinfo().text());
        assertEquals(d.pagetypeinfo().text(), c.pagetypeinfo().text());
        assertEquals(d.zoneinfo().text(), c.zoneinfo().text());
        // every struct page of the sections the tables came from (the rest is covered by the test above)
        long lo = Long.MAX_VALUE, hi = 0;
        for (int k = 0; k < dense.pfns().size() && k < 96; k++) {
            lo = Math.min(lo, dense.pfns().get(k) & ~(long) (Mm.PAGES_PER_SECTION - 1));
            hi = Math.max(hi, dense.pfns().get(k) + Mm.PAGES_PER_SECTION & ~(long) (Mm.PAGES_PER_SECTION - 1));
        }
        for (long pfn = lo; pfn < hi; pfn++) {
            assertEquals(d.page(pfn), c.page(pfn));
            assertEquals(d.kernel().pageAlloc.describe(pfn), c.kernel().pageAlloc.describe(pfn));
        }
        assertEquals(0, d.kernel().mm.templatedSections(), "dense shares nothing");
        assertEquals(0, dense.templatedAfterTables());
        assertTrue(compact.templatedAfterTables() >= 2, "compact shares the sections the tables filled");
    }

    /** Measured host times in the log (deferred_grow_zone's "(N us)") differ from run to run. */
    static String mask(String line) { return line.replaceAll("\\(\\d+ us\\)", "(N us)"); }
}
