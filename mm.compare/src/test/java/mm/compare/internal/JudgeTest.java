package mm.compare.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mm.compare.api.Comparison;
import mm.compare.api.Comparison.Row;
import org.junit.jupiter.api.Test;

class JudgeTest {
    private static Map<String, Map<String, Number>> column(String view, Object... kv) {
        Map<String, Number> v = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) v.put((String) kv[i], (Number) kv[i + 1]);
        Map<String, Map<String, Number>> c = new LinkedHashMap<>();
        c.put(view, v);
        return c;
    }

    @Test
    void tolerancesByField() {
        assertEquals(Judge.EXACT, Judge.tolerance("zoneinfo", "node 0 DMA32 spanned"));
        assertEquals(Judge.ACCOUNTING, Judge.tolerance("zoneinfo", "node 0 DMA32 managed"));
        assertEquals(Judge.FREE, Judge.tolerance("zoneinfo", "node 0 DMA32 pages free"));
        assertEquals(Judge.EXACT, Judge.tolerance("zoneinfo", "node 0 DMA32 high"));
        assertEquals(Judge.COUNTER, Judge.tolerance("zoneinfo", "node 0 DMA32 pagesets high"));
        assertEquals(Judge.NOT_MODELLED, Judge.tolerance("zoneinfo", "node 0 nr_mapped"));
        assertEquals(Judge.NOT_MODELLED, Judge.tolerance("vmstat", "pgfault"));
        assertEquals(Judge.COUNTER, Judge.tolerance("vmstat", "pgalloc_dma32"));
        assertEquals(Judge.FREE, Judge.tolerance("meminfo", "MemFree"));
        assertEquals(Judge.NOT_MODELLED, Judge.tolerance("meminfo", "SwapTotal"));
        assertEquals(Judge.PER_ORDER, Judge.tolerance("buddyinfo", "node 0 DMA32 order 3"));
        assertEquals(Judge.MEASURED, Judge.tolerance("phases", "setup_arch measured ms"));
        assertEquals(Judge.MODELLED, Judge.tolerance("phases", "deferred_init node 0 modelled ms"));
    }

    @Test
    void verdictsAgainstTheFirstColumn() {
        var real = column("zoneinfo", "node 0 DMA32 spanned", 520160L, "node 0 DMA32 managed", 501646L,
                "node 0 DMA32 pages free", 484361L, "node 0 DMA32 nr_mapped", 426L, "node 0 DMA32 only_real", 1L);
        var emu = column("zoneinfo", "node 0 DMA32 spanned", 520160L, "node 0 DMA32 managed", 501000L,
                "node 0 DMA32 pages free", 400000L, "node 0 DMA32 nr_mapped", 0L);
        List<Row> rows = Judge.rows(List.of(real, emu), true);
        Map<String, String> v = new LinkedHashMap<>();
        for (Row r : rows) v.put(r.field(), r.verdict());
        assertEquals(Comparison.SAME, v.get("node 0 DMA32 spanned"));
        assertEquals(Comparison.WITHIN, v.get("node 0 DMA32 managed"), "646 of 501646 is within 0.5%");
        assertEquals(Comparison.DIFFERS, v.get("node 0 DMA32 pages free"));
        assertEquals(Comparison.NOT_MODELLED, v.get("node 0 DMA32 nr_mapped"));
        assertEquals(Comparison.NOT_MODELLED, v.get("node 0 DMA32 only_real"), "the emulator does not print it");
        assertEquals(-84361L, rows.get(2).delta(1));
        // between configurations a field of one column only is missing, not a difference
        var a = column("phases", "deferred_init node 0 modelled ms", 5.0, "setup_arch measured ms", 10.0);
        var b = column("phases", "setup_arch measured ms", 1000.0);
        List<Row> p = Judge.rows(List.of(a, b), false);
        assertEquals(Comparison.MISSING, p.get(0).verdict());
        assertEquals(Comparison.WITHIN, p.get(1).verdict(), "measured wall-clock times are never judged");
        Comparison c = new Comparison("t", List.of("A", "B"), List.of("a", "b"), p, Judge.used(p), List.of());
        assertEquals(0, c.differing().size());
        assertEquals(List.of(Judge.MEASURED, Judge.MODELLED), c.tolerances());
    }
}
