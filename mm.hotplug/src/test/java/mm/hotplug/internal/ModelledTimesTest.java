package mm.hotplug.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import mm.core.api.Mm;
import mm.core.spi.MemoryHotplugSupport.RawPage;
import mm.hotplug.api.DeviceInitTime;
import mm.hotplug.api.DeviceMemmapInit;
import mm.hotplug.api.HotplugResult;
import mm.hotplug.api.PgmapType;
import org.junit.jupiter.api.Test;

/**
 * The modelled kernel times where the user sees them: memmap_init_zone_device's log line, mm:memremap's measured and
 * modelled lines, the per-node table of {@code mm:memremap times}, and online_pages' kernel time; each computed
 * from the pages the memmap holds afterwards.
 */
class ModelledTimesTest {
    static final long G = 1L << 30, T = 1L << 40;

    /** Device pages of pgmap {@code id} in the memmap: PG_reserved struct pages pointing at it. */
    static long devicePagesInMemmap(Rig rig, long start, long size, int id) {
        long n = 0;
        for (long p = start >>> Mm.PAGE_SHIFT; p < (start + size) >>> Mm.PAGE_SHIFT; p++) {
            RawPage r = rig.hs.readPage(p);
            if (r.reserved() && r.pgmap() == id) n++;
        }
        return n;
    }

    static String print(Runnable r) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void seed002MachineLogsModelledTimesForDeferredInitAndBothDeviceInitVariants() {
        Rig rig = Rig.builtin("duyck-2018");
        for (int nid = 0; nid < 2; nid++) {
            int node = nid;
            assertTrue(rig.model.dmesg().stream().anyMatch(l -> l.matches(".*\\] node " + node
                    + " deferred pages initialised in 10[0-9][0-9]ms")), "seed 002: 1.06 s per node");
        }
        HotplugResult one = rig.hp.memremap(0, 1 * T, 16 * G, true, PgmapType.FSDAX);
        assertTrue(one.ok(), one.toString());
        rig.clean("one-pass");
        rig.variants.select(DeviceMemmapInit.SUBSYSTEM, DeviceMemmapInit.CALLBACK);
        HotplugResult cb = rig.hp.memremap(1, 4 * T, 16 * G, true, PgmapType.FSDAX);
        assertTrue(cb.ok(), cb.toString());
        rig.clean("callback");

        long pages = devicePagesInMemmap(rig, 1 * T, 16 * G, 1);
        assertEquals(pages, devicePagesInMemmap(rig, 4 * T, 16 * G, 2));
        assertEquals(16 * G / Mm.PAGE_SIZE - Memremap.altmapFor(0, 16 * G / Mm.PAGE_SIZE).offset(), pages);
        long section = CallbackDeviceInit.GENERIC_PASS_PAGES;
        double onePassMs = KernelTime.deviceInit(rig.model.machine(), "one-pass", pages, true, section).ms();
        double callbackMs = KernelTime.deviceInit(rig.model.machine(), "callback", pages, true, section).ms();
        // 16 GiB is 1/192 of a node's 3 TiB: 19.12 s / 192 ~ 100 ms
        assertEquals(99.5, Math.round(onePassMs * 10) / 10.0);
        assertTrue(one.log().stream().anyMatch(l -> l.endsWith("memmap_init_zone_device initialised " + pages
                + " pages in " + Math.round(onePassMs) + "ms")), one.log().toString());
        assertTrue(cb.log().stream().anyMatch(l -> l.endsWith("memmap_init_zone_device initialised " + pages
                + " pages in " + Math.round(callbackMs) + "ms")), cb.log().toString());
        assertEquals(onePassMs, (Double) one.details().get("init_modelled_ms"), 1e-9);

        List<DeviceInitTime> times = rig.hp.deviceInitTimes();
        assertEquals(List.of(0, 1), times.stream().map(DeviceInitTime::nid).toList());
        assertEquals(List.of("one-pass", "callback"), times.stream().map(DeviceInitTime::variant).toList());
        assertTrue(times.stream().allMatch(t -> t.altmap() && t.devicePages() == pages && t.measuredNanos() > 0));

        HotplugCommands c = new HotplugCommands(rig.hp, rig.model, rig.variants, TextPrinter.INSTANCE);
        // the same range under both variants on one node: unmap, switch, map again
        rig.variants.select(DeviceMemmapInit.SUBSYSTEM, DeviceMemmapInit.ONE_PASS);
        assertTrue(rig.hp.memunmap(2).ok());
        String out = print(() -> c.memremap(1, true, "fsdax", "4T", "16G"));
        assertTrue(out.matches("(?s).*  memmap_init_zone_device: measured +\\d+\\.\\d ms \\(the emulator\\)\n"
                + "  memmap_init_zone_device: modelled +99\\.5 ms \\(kernel time: compute 28\\.9 ms \\+ memory 70\\.6 ms,"
                + " struct pages to the device at 3\\.74 GB/s\\)\n.*"), out);
        out = print(() -> c.memremap("times"));
        assertTrue(out.contains("  node deferred init pages (one-pass) pmem init one-pass pages (callback)"
                + " pmem init callback callback : one-pass\n"), out);
        assertTrue(out.matches("(?s).*\n  0 +1\\.0\\d s +" + pages + " +99\\.5 ms +- +- +-\n"
                + "  1 +1\\.0\\d s +" + pages + " +99\\.5 ms +" + pages + " +158\\.9 ms +1\\.60x\n.*"), out);
        rig.clean("times");
    }

    @Test
    void onliningReportsTheKernelTimeOfInitAndFreeOfItsPages() {
        Rig rig = new Rig(Rig.withExtra(Rig.machine("hotplug-demo"), java.util.Map.of("memhp_default_state", "online")));
        HotplugResult r = rig.hp.add(1, 4 * G, 1 * G);
        assertTrue(r.ok(), r.toString());
        rig.clean("add with auto-online");
        String summary = HotplugCommands.summary(r);
        long pages = 1 * G / Mm.PAGE_SIZE;
        double ms = KernelTime.onlinePagesMs(rig.model.machine(), pages, pages);
        assertEquals(2.9, Math.round(ms * 10) / 10.0, "7 + 2.5 ns per page and 64 B at 40 GB/s, 262144 pages");
        assertTrue(summary.contains("\n  online_pages: " + pages + " pages onlined, kernel time 2.9 ms (modelled:"), summary);
        assertEquals(pages, rig.zone(1, mm.core.api.ZoneType.NORMAL).managedPages(), "every page reached the buddy");
    }
}
