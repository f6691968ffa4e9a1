package mm.bench;

import java.util.concurrent.TimeUnit;
import mm.hotplug.api.HotplugResult;
import mm.hotplug.api.OnlineType;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * add_memory + online of 16 GiB (128 memory blocks of 128 MiB) on a booted tiny machine: sections, memory blocks,
 * move_pfn_range_to_zone of 4 Mi struct pages, online_pages_range into the buddy, zone/zonelist/watermark updates.
 * The range is offlined and removed again after each invocation (not measured). Target: <= 500 ms.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5)
@Measurement(iterations = 10)
@Fork(value = 1, jvmArgs = {"-Xmx3g", "-XX:+UseParallelGC"})
public class HotAddOnlineBench {
    static final long G = 1L << 30;

    @Param({"movable", "normal"})
    public String zone;

    @Param({"drop", "keep"})
    public String reservedBit;

    HotplugBenchSupport rig;

    @Setup(Level.Trial)
    public void boot() {
        rig = new HotplugBenchSupport("tiny");
        rig.variants.select("reserved-bit", reservedBit);
    }

    @Benchmark
    public HotplugResult addAndOnline16G() {
        HotplugResult a = rig.hp.add(0, 4 * G, 16 * G);
        if (!a.ok()) throw new IllegalStateException(a.toString());
        HotplugResult o = rig.hp.online(4 * G, 16 * G, OnlineType.parse(zone));
        if (!o.ok()) throw new IllegalStateException(o.toString());
        return o;
    }

    @TearDown(Level.Invocation)
    public void offlineAndRemove() {
        HotplugResult off = rig.hp.offline(4 * G, 16 * G);
        HotplugResult rm = rig.hp.remove(4 * G, 16 * G);
        if (!off.ok() || !rm.ok()) throw new IllegalStateException(off + " " + rm);
    }
}
