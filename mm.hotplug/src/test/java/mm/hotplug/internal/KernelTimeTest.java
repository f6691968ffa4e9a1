package mm.hotplug.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import mm.core.api.Mm;
import mm.hotplug.api.DeviceMemmapInit;
import mm.machine.api.Machine;
import org.junit.jupiter.api.Test;

/**
 * The equations of the ZONE_DEVICE and online_pages time model (docs/timing-model.md) and the figures the docs
 * quote: seed 002's machine (machines/duyck-2018) against the seed's published times, and the model's prediction
 * for the callback design of seed 003. Page counts are the emulation's own: a 3 TiB range less what its altmap
 * takes, as memremap computes it.
 */
class KernelTimeTest {
    static final long TIB = 1L << 40;
    static final Machine DUYCK = Rig.machine("duyck-2018");

    /** Device pages of one 3 TiB pmem range mapped with --altmap (the struct pages of the rest fill the front). */
    static long devicePages3T() {
        long nr = 3 * TIB >>> Mm.PAGE_SHIFT;
        return nr - Memremap.altmapFor(4 * TIB >>> Mm.PAGE_SHIFT, nr).offset();
    }

    static void within10(double published, double modelled, String what) {
        assertTrue(Math.abs(modelled - published) <= published * 0.10,
                what + ": modelled " + modelled + " ms, published " + published + " ms");
    }

    static double ms(String shape, long pages, boolean altmap, long distance) {
        return KernelTime.deviceInit(DUYCK, shape, pages, altmap, distance).ms();
    }

    @Test
    void seed002PmemInitPerNodeIsCalibratedBeforeAndAfterTheSeries() {
        long pages = devicePages3T();
        assertEquals(792722944L, pages);
        long section = CallbackDeviceInit.GENERIC_PASS_PAGES;
        within10(19120, ms(DeviceMemmapInit.ONE_PASS, pages, true, section), "one-pass (after the series)");
        within10(24170, ms(KernelTime.PFN_LOOP, pages, true, section), "pfn-at-a-time loop (v4.20, before it)");
        // the docs quote these to the tenth of a second
        assertEquals(19.1, Math.round(ms(DeviceMemmapInit.ONE_PASS, pages, true, section) / 100) / 10.0);
        assertEquals(24.2, Math.round(ms(KernelTime.PFN_LOOP, pages, true, section) / 100) / 10.0);
    }

    @Test
    void oneTermPerPassAndTheMemoryTermGoesToTheDeviceWithAnAltmap() {
        long pages = 1_000_000;
        KernelTime.DeviceInit dev = KernelTime.deviceInit(DUYCK, DeviceMemmapInit.ONE_PASS, pages, true, 1);
        KernelTime.DeviceInit ram = KernelTime.deviceInit(DUYCK, DeviceMemmapInit.ONE_PASS, pages, false, 1);
        assertEquals(pages * 7.0, dev.computeNs(), 1e-6);
        assertEquals(pages * 64 / 3.74, dev.memoryNs(), 1e-6, "struct pages written to the NVDIMMs");
        assertEquals(pages * 64 / 60.0, ram.memoryNs(), 1e-6, "struct pages written to the node's DRAM");
        KernelTime.DeviceInit loop = KernelTime.deviceInit(DUYCK, KernelTime.PFN_LOOP, pages, true, 1);
        assertEquals(pages * (7.0 + 6.38), loop.computeNs(), 1e-6);
        assertEquals(dev.memoryNs(), loop.memoryNs(), 1e-6, "one pass over the struct pages either way");
        // callback: the generic pfn-at-a-time init, a constructor call per page, and the memory of a second pass
        // for the struct pages the constructor no longer finds in the 35.75 MiB last-level cache
        KernelTime.DeviceInit hot = KernelTime.deviceInit(DUYCK, DeviceMemmapInit.CALLBACK, pages, true, Mm.PAGES_PER_SECTION);
        assertEquals(pages * (7.0 + 6.38 + 8.0), hot.computeNs(), 1e-6);
        assertEquals(0, hot.missFraction());
        assertEquals(dev.memoryNs(), hot.memoryNs(), 1e-6);
        long llcPages = (long) (35.75 * (1 << 20)) / 64;
        assertEquals(0, KernelTime.missFraction(DUYCK, llcPages));
        assertEquals(1, KernelTime.missFraction(DUYCK, llcPages + 1));
        KernelTime.DeviceInit cold = KernelTime.deviceInit(DUYCK, DeviceMemmapInit.CALLBACK, pages, true, pages);
        assertEquals(2 * dev.memoryNs(), cold.memoryNs(), 1e-6);
        assertNull(KernelTime.deviceInit(DUYCK, "no-such-variant", pages, true, 1));
    }

    @Test
    void theCallbackPredictionThatDocsTimingModelQuotes() {
        long pages = devicePages3T(), all = 3 * TIB >>> Mm.PAGE_SHIFT, section = CallbackDeviceInit.GENERIC_PASS_PAGES;
        double onePass = ms(DeviceMemmapInit.ONE_PASS, pages, true, section);
        double callback = ms(DeviceMemmapInit.CALLBACK, pages, true, section);
        assertEquals(30.5, Math.round(callback / 100) / 10.0);
        assertEquals(1.60, Math.round(100 * callback / onePass) / 100.0, "seed 002's machine: memmap in the NVDIMMs");
        // the constructor as a separate loop over the whole range (the shape before v4.20): memory paid twice
        double separate = ms(DeviceMemmapInit.CALLBACK, pages, true, pages);
        assertEquals(2.31, Math.round(100 * separate / onePass) / 100.0);
        assertEquals(44.1, Math.round(separate / 100) / 10.0);
        assertEquals(1.26, Math.round(100 * ms(KernelTime.PFN_LOOP, pages, true, section) / onePass) / 100.0);
        // the memmap in DRAM: the compute terms dominate and the callback costs what Duyck feared
        double ramOne = ms(DeviceMemmapInit.ONE_PASS, all, false, section);
        double ramCallback = ms(DeviceMemmapInit.CALLBACK, all, false, section);
        assertEquals(2.78, Math.round(100 * ramCallback / ramOne) / 100.0);
        assertEquals(6.5, Math.round(ramOne / 100) / 10.0);
        assertEquals(18.1, Math.round(ramCallback / 100) / 10.0);
    }

    @Test
    void onliningCostsWhatDeferredInitCostsForTheSamePages() {
        // online_pages of a 384 GiB node's worth of hot-added memory: the work of deferred init on one thread
        long pages = 384L << (30 - Mm.PAGE_SHIFT);
        double ms = KernelTime.onlinePagesMs(DUYCK, pages, pages);
        assertEquals(pages * (7.0 + 2.467 + 64 / 60.0) / 1e6, ms, 1e-9);
        within10(1060, ms, "onlining 384 GiB on seed 002's machine vs its deferred init");
        // pages whose struct pages are initialised but not freed (the 2018 PG_reserved test refused them)
        assertEquals(pages * (7.0 + 64 / 60.0) / 1e6, KernelTime.onlinePagesMs(DUYCK, pages, 0), 1e-9);
    }

    @Test
    void aMachineWithoutDeviceParametersWritesToTheDeviceAtItsRamBandwidth() {
        Machine demo = Rig.machine("hotplug-demo");
        assertTrue(demo.timing().isEmpty());
        assertEquals(40.0, KernelTime.bandwidth(demo, true));
        Map<String, Double> t = new HashMap<>(demo.timing());
        t.put("mem_bw_gbps", 25.0);
        Machine m = new Machine(demo.name(), demo.source(), demo.nodes(), demo.distance(), demo.e820(), demo.hotplug(),
                demo.reservations(), demo.memblockOps(), demo.lateFrees(), demo.options(), demo.workload(),
                demo.kernel(), t);
        assertEquals(25.0, KernelTime.bandwidth(m, true));
        assertEquals(3.74, KernelTime.bandwidth(DUYCK, true));
        assertEquals(60.0, KernelTime.bandwidth(DUYCK, false));
    }
}
