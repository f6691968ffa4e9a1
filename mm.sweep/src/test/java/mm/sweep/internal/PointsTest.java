package mm.sweep.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The values a sweep visits, as a user writes them. */
class PointsTest {
    @Test
    void aRangeVisitsEveryValueAndAStepStillEndsAtItsEnd() {
        assertEquals(List.of("1", "2", "3", "4"), Points.range("1..4", 1).labels());
        Points p = Points.range("1..50", 3);
        assertEquals(18, p.size(), "1, 4, ..., 49 and the end 50");
        assertEquals("49", p.labels().get(16));
        assertEquals("50", p.labels().get(17));
        assertTrue(p.numeric());
        assertEquals(50.0, p.x()[17]);
        assertEquals(18, Points.range("1..52", 3).size(), "1, 4, ..., 52");
        assertEquals(List.of("1", "4", "7"), Points.range("1..7", 3).labels(), "an end on the step is not repeated");
    }

    @Test
    void numbersAndRangesMix() {
        Points p = Points.range("1, 2, 6..8, 52", 1);
        assertEquals(List.of("1", "2", "6", "7", "8", "52"), p.labels());
        assertArrayEquals(new double[] {1, 2, 6, 7, 8, 52}, p.x());
    }

    @Test
    void wordsGiveASymbolAxisInTheirOrder() {
        Points p = Points.values("two-pass,per-node,multithreaded");
        assertFalse(p.numeric());
        assertArrayEquals(new double[] {0, 1, 2}, p.x());
        assertTrue(Points.values("0.5,1,2.5").numeric());
    }

    @Test
    void badRangesAreRefusedNamingTheItem() {
        assertEquals("--range: '5..1' goes backwards (A..B needs A <= B)",
                assertThrows(IllegalArgumentException.class, () -> Points.range("5..1", 1)).getMessage());
        assertEquals("--range: '1..x': 'x' is not an integer (expected A..B, e.g. 1..52)",
                assertThrows(IllegalArgumentException.class, () -> Points.range("1..x", 1)).getMessage());
        assertEquals("--range: '1..': a bound is missing (expected A..B, e.g. 1..52)",
                assertThrows(IllegalArgumentException.class, () -> Points.range("1..", 1)).getMessage());
        assertEquals("--range: 'abc' is neither a number nor a range A..B",
                assertThrows(IllegalArgumentException.class, () -> Points.range("abc", 1)).getMessage());
        assertEquals("--range: item 2 of '1,,3' is empty",
                assertThrows(IllegalArgumentException.class, () -> Points.range("1,,3", 1)).getMessage());
        assertEquals("--range: 3 is given twice",
                assertThrows(IllegalArgumentException.class, () -> Points.range("1..4,3", 1)).getMessage());
        assertEquals("--step: expected 1 or more, got 0",
                assertThrows(IllegalArgumentException.class, () -> Points.range("1..4", 0)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Points.range("1..100000", 1)).getMessage()
                .contains("more than 1000 points"));
        assertEquals("--values: no value given",
                assertThrows(IllegalArgumentException.class, () -> Points.values(" ")).getMessage());
    }
}
