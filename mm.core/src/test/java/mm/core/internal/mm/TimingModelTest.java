package mm.core.internal.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import mm.core.api.Mm;
import mm.machine.api.Machine;
import mm.machine.api.NumaNode;
import mm.machine.internal.MachineServiceImpl;
import org.junit.jupiter.api.Test;

/**
 * The timing model against the published figures it was calibrated on (docs/timing-model.md), with the page
 * counts of the shipped machines' second node (its memory less the one section initialised early).
 */
class TimingModelTest {
    static Machine machine(String name) throws Exception {
        return new MachineServiceImpl().builtin(name).orElseThrow();
    }

    static long deferredPages(Machine m) {
        NumaNode n = m.nodes().get(1);
        long bytes = 0;
        for (long[] r : n.ranges()) bytes += r[1] - r[0];
        return (bytes >> Mm.PAGE_SHIFT) - Mm.PAGES_PER_SECTION;
    }

    static void within10(double expected, double actual, String what) {
        assertTrue(Math.abs(actual - expected) <= expected * 0.10, what + ": modelled " + actual + " ms, published " + expected + " ms");
    }

    @Test
    void seed002MachineTwoPassAndPerNode() throws Exception {
        Machine m = machine("xeon-2x384g");
        long pages = deferredPages(m);
        within10(3750, TimingModel.deferredInitMs(m, "two-pass", 52, 1, pages), "two-pass (v4.19)");
        within10(1060, TimingModel.deferredInitMs(m, "per-node", 52, 1, pages), "per-node (v4.20+)");
    }

    @Test
    void skylakeMultithreadedScalesFromThePhysics() throws Exception {
        Machine m = machine("skylake-2x384g");
        long pages = deferredPages(m);
        double one = TimingModel.deferredInitMs(m, "multithreaded", 52, 1, pages);
        double all = TimingModel.deferredInitMs(m, "multithreaded", 52, 52, pages);
        within10(1785.7, one, "no helper threads");
        within10(138.0, all, "52 helper threads");
        // no per-thread-count table: speed-up grows with threads until the node's memory bandwidth caps it
        double prev = one;
        for (int t : new int[] {2, 4, 8, 16, 26}) {
            double ms = TimingModel.deferredInitMs(m, "multithreaded", 52, t, pages);
            assertTrue(ms < prev, t + " threads should be faster than fewer");
            prev = ms;
        }
        double bandwidthFloor = pages * (double) Mm.STRUCT_PAGE_SIZE / m.timing("mem_bw_gbps", 0) / 1e6;
        assertTrue(all >= bandwidthFloor, "never faster than the memory can take the struct page writes");
        assertTrue(all < 2 * bandwidthFloor, "at 52 threads the node's memory bandwidth dominates");
        assertEquals(TimingModel.deferredInitMs(m, "multithreaded", 52, 26, pages) > all, true,
                "hyperthreads still help a little beyond the cores");
    }
}
