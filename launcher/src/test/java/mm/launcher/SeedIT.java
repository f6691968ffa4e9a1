package mm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --seed N}: a reduced seed 004 (boot, storms and mixes of two guest threads each under the array and bitmap
 * strategies, with reporting workers on the emulated clock, the comparison table) run twice gives byte-identical
 * output, with no measured time in it.
 */
class SeedIT {
    @TempDir
    Path tmp;

    @Test
    void theSameSeedGivesByteIdenticalOutput() throws Exception {
        Path script = tmp.resolve("seed004-tiny.gogo");
        StringBuilder s = new StringBuilder("mm:machine load tiny\nmm:boot -q\nmm:zoneinfo --summary\n"
                + "mm:reporting table-clear\nmm:reporting config array.capacity=32\n");
        for (String v : new String[] {"array", "bitmap"}) {
            s.append("mm:variant reporting ").append(v).append('\n')
                    .append("mm:workload boot\n")
                    .append("mm:workload idle --seconds 40\n")
                    .append("mm:reporting reset\n")
                    .append("mm:workload free-storm --gib 0.2 --waves 2 --threads 2\n")
                    .append("mm:workload mix --seconds 0.02 --gib 0.05 --threads 2\n")
                    .append("mm:workload idle --seconds 40\n")
                    .append("mm:reporting record ").append(v).append('\n')
                    .append("mm:check\n");
        }
        s.append("mm:reporting status\nmm:reporting table\nmm:buddyinfo\n");
        Files.writeString(script, s.toString());
        Mmkit.Result a = Mmkit.run("--seed", "1", script.toString());
        Mmkit.Result b = Mmkit.run("--seed", "1", script.toString());
        assertEquals(0, a.rc(), a::toString);
        assertEquals(0, b.rc(), b::toString);
        assertTrue(Pattern.compile("(?m)^array\\s+[0-9.]+\\s+\\d+\\s+[1-9]\\d*\\s").matcher(a.out()).find(),
                "the array row, with drops under the storm: " + a);
        assertTrue(a.out().contains("mmkit: booted tiny (deferred-init per-node, seed 1)"), a::toString);
        // nothing measured: no wall-clock or CPU time that would differ from run to run
        assertFalse(a.out().contains("measured ms"), a::toString);
        assertFalse(Pattern.compile("emulated in [0-9.]+ s|\\([0-9.]+ s\\)|ms cpu").matcher(a.out()).find(), a::toString);
        assertEquals(a.out(), b.out(), "two runs with --seed 1 differ");
    }

    @Test
    void aBadSeedIsAUsageError() throws Exception {
        Mmkit.Result r = Mmkit.run("--seed", "x1", "-c", "mm:version");
        assertEquals(2, r.rc(), r::toString);
        assertTrue(r.err().contains("--seed: expected a whole number, got 'x1'"), r::toString);
    }
}
