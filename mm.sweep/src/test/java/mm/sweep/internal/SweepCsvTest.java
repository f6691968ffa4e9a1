package mm.sweep.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sweep's CSV as a spreadsheet reads it, and the overlay files of published points. */
class SweepCsvTest {
    @TempDir
    Path dir;

    @Test
    void theCsvHasItsSourceAsCommentsAHeaderAndEmptyCellsForMissingFigures() {
        String csv = SweepCsv.write(List.of("mm:sweep deferred-threads on skylake-2x384g"), new SweepCsv.Sheet(
                List.of("deferred-threads", "deferred_model_ms", "pageowner_early"),
                List.of(Arrays.asList("1", SweepCsv.number(1785.66), null),
                        Arrays.asList("a,b \"c\"", SweepCsv.number(138.0), SweepCsv.number(10244.0)))));
        assertEquals("# mm:sweep deferred-threads on skylake-2x384g\n"
                + "deferred-threads,deferred_model_ms,pageowner_early\n"
                + "1,1785.66,\n"
                + "\"a,b \"\"c\"\"\",138,10244\n", csv);
        assertEquals("0.333", SweepCsv.number(1.0 / 3));
        assertEquals(null, SweepCsv.number(Double.NaN));
    }

    @Test
    void anOverlayIsReadBackWithItsSourceAndItsStdevAsErrorBars() throws Exception {
        Path f = dir.resolve("padata.csv");
        Files.writeString(f, "# Daniel Jordan, mm: parallelize deferred_init_memmap() (2020)\n"
                + "threads,deferred_ms,deferred_ms_stdev,kernel_boot_ms\n"
                + "0,1785.7,7.6,4089.7\n"
                + "52,138.0,1.0,\n");
        SweepCsv.Overlay o = SweepCsv.readOverlay(f);
        assertEquals(List.of("Daniel Jordan, mm: parallelize deferred_init_memmap() (2020)"), o.source());
        assertEquals("threads", o.xHeader());
        assertEquals(2, o.series().size());
        assertEquals("deferred_ms", o.series().get(0).name());
        assertEquals(List.of("0", "52"), o.series().get(0).x());
        assertEquals(List.of(1785.7, 138.0), o.series().get(0).y());
        assertEquals(List.of(7.6, 1.0), o.series().get(0).stdev(), "deferred_ms_stdev: the error bars");
        assertEquals(List.of("0"), o.series().get(1).x(), "an empty cell is a gap");
    }

    @Test
    void aBadOverlayIsRefusedAtItsLineAndColumn() throws Exception {
        Path f = dir.resolve("bad.csv");
        Files.writeString(f, "threads,ms\n1,10\n2,ten\n");
        assertEquals("--overlay: " + f + ":3:3: 'ten' in column ms is not a number",
                assertThrows(IllegalArgumentException.class, () -> SweepCsv.readOverlay(f)).getMessage());
        Files.writeString(f, "threads,ms\n1,10,3\n");
        assertEquals("--overlay: " + f + ":2:1: 3 cells where the header has 2",
                assertThrows(IllegalArgumentException.class, () -> SweepCsv.readOverlay(f)).getMessage());
        assertEquals("--overlay: " + dir.resolve("none.csv") + ": no such file", assertThrows(
                IllegalArgumentException.class, () -> SweepCsv.readOverlay(dir.resolve("none.csv"))).getMessage());
    }

    @Test
    void overlayPointsLandOnTheSweepsAxis() throws Exception {
        Path f = dir.resolve("duyck.csv");
        Files.writeString(f, "# seed 002\nvariant,deferred_ms\ntwo-pass,3750\nper-node,1060\n");
        SweepCsv.Overlay o = SweepCsv.readOverlay(f);
        Points words = Points.values("two-pass,per-node,multithreaded");
        List<List<double[]>> xy = SweepCommands.mapOverlay(o, words);
        assertEquals(0.0, xy.get(0).get(0)[0]);
        assertEquals(1.0, xy.get(0).get(1)[0]);
        assertEquals(1060.0, xy.get(0).get(1)[1]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SweepCommands.mapOverlay(o, Points.values("per-node,off")));
        assertEquals("--overlay: " + f + ":3:1: 'two-pass' is none of the swept values (per-node, off)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SweepCommands.mapOverlay(o, Points.range("1..3", 1)));
    }
}
