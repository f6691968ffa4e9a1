package mm.bench;

import java.util.concurrent.TimeUnit;
import mm.core.api.Mm;
import mm.core.api.MigrateType;
import mm.core.api.ZoneType;
import mm.hotplug.api.DeviceMemmapInit;
import mm.hotplug.api.PgmapType;
import mm.hotplug.internal.CallbackDeviceInit;
import mm.hotplug.internal.OnePassDeviceInit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * memmap_init_zone_device over a 64 GiB device range (16 Mi struct pages), under each device-init variant: the
 * one-pass template per pageblock vs generic init plus a per-page constructor callback (seed 003). The range is
 * added to a booted tiny machine and moved into ZONE_DEVICE once; each invocation initialises every device page.
 * pages/s = 16777216 / (score in s). {@link DeviceInitFloorBench} is the floor: the same writes as bare Arrays.fill.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgs = {"-Xmx3g", "-XX:+UseParallelGC"})
public class DeviceInitBench {
    static final long G = 1L << 30;
    static final long START = 64 * G >>> Mm.PAGE_SHIFT, PAGES = 64 * G >>> Mm.PAGE_SHIFT;

    @Param({"one-pass", "callback"})
    public String variant;

    HotplugBenchSupport rig;
    DeviceMemmapInit init;

    @Setup(Level.Trial)
    public void setup() {
        rig = new HotplugBenchSupport("tiny");
        rig.hs.addPages(0, START, PAGES, true);
        rig.hs.movePfnRangeToZone(0, ZoneType.DEVICE, START, PAGES, null, MigrateType.MOVABLE, false);
        init = variant.equals("one-pass") ? new OnePassDeviceInit() : new CallbackDeviceInit();
        init.init(rig.hs, 0, START, PAGES, 1, PgmapType.FSDAX); // materialise the sections once
    }

    @Benchmark
    public long memmapInitZoneDevice() {
        return init.init(rig.hs, 0, START, PAGES, 1, PgmapType.FSDAX);
    }
}
