package mm.compare.api;

import java.util.List;

/**
 * The result of a compare: one row per number, the values of every column side by side (the first column is the
 * reference the deltas are taken from), the tolerance each row was judged with and its verdict.
 *
 * @param title      one line: the machine and what was compared
 * @param labels     the columns' short names ({@code A}, {@code B}... or {@code real}, {@code emulated})
 * @param legend     per label, what it stands for (the configuration's text, the snapshot's directory)
 * @param rows       every number, view by view in {@link #VIEWS} order
 * @param tolerances the tolerances the verdicts used
 * @param notes      what was skipped or could not be compared, one sentence each
 */
public record Comparison(String title, List<String> labels, List<String> legend, List<Row> rows,
                         List<Tolerance> tolerances, List<String> notes) {
    /** The views, in the order the rows come. */
    public static final List<String> VIEWS = List.of("phases", "memory", "pageowner", "zoneinfo", "buddyinfo",
            "pagetypeinfo", "meminfo", "vmstat", "blocks");

    /** Verdicts. */
    public static final String SAME = "same";
    public static final String WITHIN = "within tolerance";
    public static final String DIFFERS = "differs";
    /** The emulator does not model the field (docs/views.md): its value is shown, never judged. */
    public static final String NOT_MODELLED = "not modelled";
    /** The field is missing from some column (a phase of one variant only, a line one side does not print). */
    public static final String MISSING = "missing";

    public Comparison {
        labels = List.copyOf(labels);
        legend = List.copyOf(legend);
        rows = List.copyOf(rows);
        tolerances = List.copyOf(tolerances);
        notes = List.copyOf(notes);
    }

    /**
     * One number in every column.
     *
     * @param view      one of {@link #VIEWS}
     * @param field     the field within the view ({@code node 0 DMA32 managed})
     * @param values    one per label; null where that column has no such field
     * @param tolerance the name of the {@link Tolerance} it was judged with
     * @param verdict   {@link #SAME}, {@link #WITHIN}, {@link #DIFFERS}, {@link #NOT_MODELLED} or {@link #MISSING}:
     *                  the worst of every column against the first
     */
    public record Row(String view, String field, List<Number> values, String tolerance, String verdict) {
        public Row {
            values = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(values));
        }

        /** Column {@code i} minus column 0, or null when either is missing. */
        public Number delta(int i) {
            Number a = values.get(0), b = values.get(i);
            if (a == null || b == null) return null;
            if (a instanceof Double || b instanceof Double) return b.doubleValue() - a.doubleValue();
            return b.longValue() - a.longValue();
        }
    }

    /**
     * How far a value may be from the reference and still count as the same: within {@code absolute} or within
     * {@code relative} (a fraction) of the reference, whichever is larger.
     *
     * @param name     its name in the rows ({@code exact}, {@code free}...)
     * @param absolute the allowed difference in the field's unit
     * @param relative the allowed difference as a fraction of the reference value
     * @param applies  which fields it is used for, one line
     */
    public record Tolerance(String name, double absolute, double relative, String applies) {
        /** True when {@code value} is within this tolerance of {@code reference}. */
        public boolean accepts(double reference, double value) {
            double d = Math.abs(value - reference);
            return d <= absolute || d <= relative * Math.abs(reference);
        }
    }

    /** The rows that differ beyond their tolerance. */
    public List<Row> differing() {
        return rows.stream().filter(r -> DIFFERS.equals(r.verdict())).toList();
    }
}
