package mm.bench;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The floor for {@link DeviceInitBench}: the same 16 Mi struct pages written as bare Arrays.fill of mmkit's memmap
 * layout (one long[] and four int[] per section, 24 bytes per page), with no memmap code around it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgs = {"-Xmx3g", "-XX:+UseParallelGC"})
public class DeviceInitFloorBench {
    static final int SECTIONS = 512, PER = 32768;
    long[][] flags = new long[SECTIONS][];
    int[][][] ints = new int[4][SECTIONS][];

    @Setup(Level.Trial)
    public void setup() {
        for (int s = 0; s < SECTIONS; s++) {
            flags[s] = new long[PER];
            for (int i = 0; i < 4; i++) ints[i][s] = new int[PER];
        }
    }

    @Benchmark
    public long arraysFill16MiPages() {
        for (int s = 0; s < SECTIONS; s++) {
            Arrays.fill(flags[s], 0x4000_0000_0000_4000L);
            Arrays.fill(ints[0][s], 1);
            Arrays.fill(ints[1][s], 0);
            Arrays.fill(ints[2][s], 1);
            Arrays.fill(ints[3][s], 0);
        }
        return flags[SECTIONS - 1][PER - 1];
    }
}
