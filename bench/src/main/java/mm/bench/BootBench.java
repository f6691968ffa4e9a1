package mm.bench;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mm.core.internal.mm.MemoryModelImpl;
import mm.machine.api.Machine;
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
 * Boot of a one-node machine with deferred init off: memmap init of every page plus memblock_free_all into the
 * buddy, next to Arrays.fill of the same number of bytes (24 per page, the memmap's size) in the same run.
 * pages/s = pages / (score in s).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgs = {"-Xmx12g", "-XX:+UseParallelGC"})
public class BootBench {
    @Param({"64"})
    public int gib;

    MemoryModelImpl model;
    Machine machine;
    byte[] fill;

    @Setup(Level.Trial)
    public void setup() {
        model = Machines.model("off");
        machine = Machines.x86(1, gib, false, Map.of());
        fill = new byte[(int) Math.min(Integer.MAX_VALUE - 16, (gib * (1L << 30) >> 12) * 24)];
    }

    @Benchmark
    public Object bootDeferredOff() {
        return model.boot(machine);
    }

    /** Arrays.fill of pages * 24 bytes (capped at 2 GiB of array: scale up for larger machines). */
    @Benchmark
    public byte[] arraysFillSameBytes() {
        Arrays.fill(fill, (byte) 1);
        return fill;
    }
}
