package mm.sweep.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mm.core.api.MemoryModel;
import org.junit.jupiter.api.Test;

/** Figures from the boot's phase table: the slowest node, per node, per phase. */
class FiguresTest {
    private static Figures.Sample sample() {
        Map<String, double[]> t = new LinkedHashMap<>();
        t.put("setup_arch", new double[] {70.8, Double.NaN});
        t.put("deferred_init node 0 (98530883 pages)", new double[] {75.5, 363.0});
        t.put("deferred_init node 1 (99054147 pages)", new double[] {78.2, 364.9});
        return new Figures.Sample(new MemoryModel.BootResult(null, List.of(), t), 1771.4, Double.NaN, List.of(),
                List.of(), 1000, 500, null, null);
    }

    @Test
    void theDeferredFiguresAreTheSlowestNodesAsTheBootWaitsForIt() {
        Map<String, Double> c = Figures.columns(Figures.parse("deferred_ms,deferred_model_ms,deferred_pages,boot_ms"),
                sample());
        assertEquals(78.2, c.get("deferred_ms"));
        assertEquals(364.9, c.get("deferred_model_ms"));
        assertEquals(98530883.0 + 99054147.0, c.get("deferred_pages"));
        assertEquals(1771.4, c.get("boot_ms"));
    }

    @Test
    void familiesGiveAColumnPerNodeAndPerPhase() {
        Map<String, Double> c = Figures.columns(Figures.parse("deferred_node_model_ms,phases,memfree_kb,"
                + "pageowner_early"), sample());
        assertEquals(List.of("deferred_model_ms_node0", "deferred_model_ms_node1", "setup_arch_ms",
                "deferred_init_node0_ms", "deferred_init_node0_model_ms", "deferred_init_node1_ms",
                "deferred_init_node1_model_ms", "memfree_kb", "pageowner_early"), List.copyOf(c.keySet()));
        assertEquals(2000.0, c.get("memfree_kb"));
        assertNull(c.get("pageowner_early"), "page_owner off: an empty cell");
    }

    @Test
    void unknownFiguresAreRefusedWithTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Figures.parse("deferred"));
        assertEquals("--figures: unknown figure 'deferred' (known: " + String.join(", ", Figures.CATALOGUE.keySet())
                + ")", e.getMessage());
        assertEquals(List.of("deferred_ms", "deferred_model_ms", "boot_ms"), Figures.parse(""));
    }
}
