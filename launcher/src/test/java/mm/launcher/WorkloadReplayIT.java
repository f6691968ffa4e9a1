package mm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mm:workload replay in the framework: a real page_owner dump re-issued on qemu-2g, and a broken one refused. */
class WorkloadReplayIT {
    @TempDir
    Path tmp;

    @Test
    void replaysTheReferenceDumpAndRefusesABrokenOneAtItsLineAndColumn() throws Exception {
        Path dump = Path.of(WorkloadReplayIT.class.getClassLoader().getResource("refdata/qemu-2g-page_owner-head200.txt").toURI());
        Mmkit.Result r = Mmkit.run("--machine", "qemu-2g", "-c", "mm:boot -q; mm:workload replay " + dump + "; mm:check");
        assertEquals(0, r.rc(), r::toString);
        assertTrue(r.out().contains("16 allocations in timestamp order, 79 pages (node 0 79)"), r::toString);

        Path bad = tmp.resolve("bad.txt");
        Files.writeString(bad, Files.readString(dump).replaceFirst("mask 0x140cca", "mask 0x14zcca"));
        Mmkit.Result b = Mmkit.run("--machine", "qemu-2g", "-c", "mm:boot -q; mm:workload replay " + bad);
        assertEquals(1, b.rc(), b::toString);
        assertTrue(b.err().contains(bad + ":15:38: expected a record's first line"), b::toString);
        assertTrue(!b.err().contains("Exception"), b::toString);
    }
}
