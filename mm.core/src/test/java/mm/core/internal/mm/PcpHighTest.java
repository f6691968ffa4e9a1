package mm.core.internal.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import mm.core.api.CallStack;
import mm.core.api.Gfp;
import mm.core.api.ZoneType;
import mm.core.internal.deferred.DeferredInits;
import mm.machine.api.BootWorkload;
import mm.variant.internal.StandaloneVariants;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * 6.12's pcp->high auto-tuning on a small machine (512 MiB, one node, 2 CPUs): a pageset starts at high 0, its
 * first refill clamps high into [high_min, high_max] and grows it, refills double while the CPU only allocates,
 * frees drain by the run of frees, a zone below its high watermark shrinks the pagesets, and vmstat_update's decay
 * brings high back to high_min each emulated second.
 */
class PcpHighTest {
    static final CallStack ME = CallStack.of("pcp_high_test");
    MemoryModelImpl m;
    Kernel k;
    Zone dma32;
    int prevCpu;

    @BeforeEach
    void boot() {
        StandaloneVariants variants = new StandaloneVariants();
        DeferredInits.register(variants::register);
        m = new MemoryModelImpl(variants);
        m.boot(TestMachines.oneNode(512, false).withWorkload(new BootWorkload(1, 1, 0, 0, 0, new int[] {1})));
        k = m.kernel();
        dma32 = k.node(0).zones[ZoneType.DMA32.ordinal()];
        // CPU 1: the boot's late frees ran on the boot thread's CPU, CPU 1 has not touched DMA32 yet
        prevCpu = k.cpus.migrate(1);
    }

    @AfterEach
    void back() {
        k.cpus.migrate(prevCpu);
    }

    long alloc() {
        long pfn = m.alloc(0, Gfp.GFP_KERNEL, 0, ME);
        assertTrue(pfn >= 0);
        assertEquals(dma32, k.zoneOf(pfn));
        return pfn;
    }

    @Test
    void zonePcpUpdateSplitsTheLowWatermarkAndAnEighthOfManagedOverTheNodesCpus() {
        int batch = dma32.pcpBatch;
        assertEquals(Math.max(dma32.wmarkLow / 2, batch * 4L), dma32.pcpHighMin);
        assertEquals(Math.max(dma32.managed / 8 / 2, batch * 4L), dma32.pcpHighMax);
        // DMA is populated: its own values; an empty zone keeps the boot pageset's (high 0, batch 1)
        Zone normal = k.node(0).zones[ZoneType.NORMAL.ordinal()];
        assertEquals(0, normal.pcpHighMax);
        assertEquals(1, normal.pcpBatch);
    }

    @Test
    void aPagesetStartsAtHighZeroAndItsRefillsClampGrowAndDouble() {
        Zone.Pcp before = dma32.pcpOrNull(1);
        assertTrue(before == null || before.high == 0, "CPU 1's pageset before its first use");
        assertTrue(m.zoneinfo().text().contains("    cpu: 1\n              count: 0\n              high:  0\n"));
        int batch = dma32.pcpBatch, lo = dma32.pcpHighMin;
        alloc();
        Zone.Pcp p = dma32.pcp(1);
        // nr_pcp_alloc: high clamped to high_min, then grown by the refill; one page of the batch popped
        assertEquals(lo + batch, p.high);
        assertEquals(batch - 1, p.count);
        assertEquals(1, p.allocFactor);
        // without a free in between every refill doubles (alloc_factor, up to CONFIG_PCP_BATCH_SCALE_MAX) and grows
        // high by its size, but leaves a batch of room under high (max_nr_alloc)
        int expectHigh = lo + batch, factor = 1, grew = 0;
        for (int refill = 1; refill <= 7; refill++) {
            while (p.count > 0) alloc();
            int size = batch << factor;
            expectHigh = Math.min(expectHigh + size, p.highMax);
            int maxNrAlloc = Math.max(expectHigh - batch, batch);
            if (size <= maxNrAlloc && factor < PageAlloc.PCP_BATCH_SCALE_MAX) factor++;
            alloc();
            assertEquals(expectHigh, p.high, "high after refill " + refill);
            assertEquals(Math.min(size, maxNrAlloc) - 1, p.count, "pages of refill " + refill);
            assertEquals(factor, p.allocFactor);
            grew = Math.max(grew, Math.min(size, maxNrAlloc));
        }
        assertTrue(grew >= 4 * batch, "refills grew to " + grew + " pages (batch " + batch + ")");
        assertTrue(p.high <= p.highMax);
        // a free halves the scaling again
        int scaled = p.allocFactor;
        m.free(alloc(), 0);
        assertEquals(scaled >> 1, p.allocFactor);
        assertEquals(List.of(), m.check());
    }

    @Test
    void frequentFreesRaiseHighToHoldTheirRunAndDrainByIt() {
        int batch = dma32.pcpBatch;
        List<Long> pages = new ArrayList<>();
        for (int i = 0; i < 3 * dma32.pcpHighMin; i++) pages.add(alloc());
        Zone.Pcp p = dma32.pcp(1);
        for (long pfn : pages) {
            m.free(pfn, 0);
            // never above high after a free; free_count counts the run, capped at batch << 5
            assertTrue(p.count < Math.max(p.high, batch), "count " + p.count + " high " + p.high);
            assertTrue(p.freeCount <= batch << PageAlloc.PCP_BATCH_SCALE_MAX);
            assertTrue(p.high >= p.highMin && p.high <= p.highMax);
        }
        assertEquals(batch << PageAlloc.PCP_BATCH_SCALE_MAX, p.freeCount);
        // an allocation halves free_count
        alloc();
        assertEquals((batch << PageAlloc.PCP_BATCH_SCALE_MAX) >> 1, p.freeCount);
        assertEquals(List.of(), m.check());
    }

    @Test
    void belowTheHighWatermarkFreesShrinkHighTowardsHighMin() {
        Zone.Pcp p = dma32.pcp(1);
        List<Long> pages = new ArrayList<>();
        for (int i = 0; i < 4 * dma32.pcpBatch; i++) pages.add(alloc());
        assertTrue(p.high > p.highMin);
        assertFalse(dma32.belowHigh);
        // take the zone under its high watermark (with blocks the pcp lists do not hold): the next allocation
        // finds it there and sets ZONE_BELOW_HIGH
        List<long[]> big = new ArrayList<>();
        while (dma32.freePages() > dma32.wmarkHigh + 1024) big.add(new long[] {m.alloc(9, Gfp.GFP_KERNEL, 0, ME), 9});
        while (dma32.freePages() - 8 > dma32.wmarkHigh) big.add(new long[] {m.alloc(3, Gfp.GFP_KERNEL, 0, ME), 3});
        assertFalse(dma32.belowHigh);
        big.add(new long[] {m.alloc(3, Gfp.GFP_KERNEL, 0, ME), 3});
        assertEquals(dma32, k.zoneOf(big.get(big.size() - 1)[0]));
        assertTrue(dma32.belowHigh);
        int high = p.high;
        m.free(pages.remove(0), 0);
        assertEquals(Math.max(high - Math.max(p.freeCount, p.batch), p.highMin), p.high);
        for (long pfn : pages) m.free(pfn, 0);
        assertEquals(p.highMin, p.high);
        // memory back over the high watermark: the next drain clears the flag
        for (long[] b : big) m.free(b[0], (int) b[1]);
        for (int i = 0; i < 2 * p.highMin; i++) pages.add(i, alloc());
        for (int i = 0; i < 2 * p.highMin; i++) m.free(pages.get(i), 0);
        assertFalse(dma32.belowHigh);
        assertEquals(List.of(), m.check());
    }

    @Test
    void vmstatUpdateDecaysHighByAnEighthEachSecondAndDrainsTheExcess() {
        Zone.Pcp p = dma32.pcp(1);
        int batch = dma32.pcpBatch;
        for (int i = 0; i < 40 * batch; i++) alloc();
        int high = p.high, count = p.count;
        assertTrue(high > p.highMin + high / 8, "grown by its refills: " + high);
        // less than the second that remains: nothing
        long now = k.now(), nextSecond = (now / 1_000_000_000L + 1) * 1_000_000_000L;
        k.advanceClock(nextSecond - now - 1);
        assertEquals(high, p.high);
        k.advanceClock(1);
        int expect = Math.max(Math.max(count - (batch << PageAlloc.PCP_BATCH_SCALE_MAX), high - (high >> 3)), p.highMin);
        assertEquals(expect, p.high);
        assertEquals(Math.min(count, expect), p.count);
        // an idle minute brings it down to high_min, with what the list held above it back in the buddy
        k.advanceClock(60_000_000_000L);
        assertEquals(p.highMin, p.high);
        assertTrue(p.count <= p.high);
        assertEquals(List.of(), m.check());
    }
}
