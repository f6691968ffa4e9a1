package mm.sweep.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The values a sweep visits, in order: each with the text that is put into the machine, the variant or the option,
 * and (when every value is a number) its number for the chart's x axis. Made from {@code --range} (numbers and
 * integer ranges {@code A..B}, thinned by {@code --step}) or {@code --values} (any words).
 */
record Points(List<String> labels, double[] x, boolean numeric) {
    /** More points than a sweep would be run for (52 boots of a 768 GiB machine take about a minute and a half). */
    static final int MAX_POINTS = 1000;

    int size() { return labels.size(); }

    /**
     * {@code --range}: comma-separated numbers and ranges {@code A..B} of integers (A <= B); with {@code step} above
     * 1 a range visits A, A+step, ... and always its end B, so that {@code 1..52} with step 3 still ends at 52.
     *
     * @throws IllegalArgumentException naming the item that is wrong
     */
    static Points range(String spec, int step) {
        if (step < 1) throw new IllegalArgumentException("--step: expected 1 or more, got " + step);
        List<String> items = items("--range", spec);
        List<String> labels = new ArrayList<>();
        for (String item : items) {
            int dots = item.indexOf("..");
            if (dots < 0) {
                number("--range", item);
                labels.add(item);
                continue;
            }
            long a = integer(item, item.substring(0, dots)), b = integer(item, item.substring(dots + 2));
            if (a > b) throw new IllegalArgumentException("--range: '" + item + "' goes backwards (A..B needs A <= B)");
            if ((b - a) / step + 2 > MAX_POINTS) throw tooMany("--range", spec);
            for (long v = a; v <= b; v += step) labels.add(Long.toString(v));
            if ((b - a) % step != 0) labels.add(Long.toString(b));
        }
        return of("--range", labels);
    }

    /** {@code --values}: comma-separated words, each a point (numbers, when all are, give a numeric x axis). */
    static Points values(String spec) {
        return of("--values", items("--values", spec));
    }

    private static Points of(String option, List<String> labels) {
        if (labels.size() > MAX_POINTS) throw tooMany(option, String.join(",", labels));
        Set<String> seen = new LinkedHashSet<>();
        for (String l : labels) {
            if (!seen.add(l)) throw new IllegalArgumentException(option + ": " + l + " is given twice");
        }
        double[] x = new double[labels.size()];
        boolean numeric = true;
        for (int i = 0; i < x.length; i++) {
            Double d = parse(labels.get(i));
            if (d == null) numeric = false;
            else x[i] = d;
        }
        if (!numeric) for (int i = 0; i < x.length; i++) x[i] = i;
        return new Points(List.copyOf(labels), x, numeric);
    }

    private static List<String> items(String option, String spec) {
        if (spec == null || spec.isBlank()) throw new IllegalArgumentException(option + ": no value given");
        List<String> out = new ArrayList<>();
        String[] parts = spec.split(",", -1);
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i].trim();
            if (p.isEmpty()) {
                throw new IllegalArgumentException(option + ": item " + (i + 1) + " of '" + spec + "' is empty");
            }
            out.add(p);
        }
        return out;
    }

    private static long integer(String item, String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--range: '" + item + "': " + (s.isBlank() ? "a bound is missing"
                    : "'" + s.trim() + "' is not an integer") + " (expected A..B, e.g. 1..52)");
        }
    }

    private static double number(String option, String s) {
        Double d = parse(s);
        if (d == null) {
            throw new IllegalArgumentException(option + ": '" + s + "' is neither a number nor a range A..B");
        }
        return d;
    }

    static Double parse(String s) {
        try {
            double d = Double.parseDouble(s.trim());
            return Double.isFinite(d) && !s.trim().matches(".*[dDfFxX].*") ? d : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static IllegalArgumentException tooMany(String option, String spec) {
        return new IllegalArgumentException(String.format(Locale.ROOT,
                "%s: '%s' gives more than %d points (thin it with --step)", option, spec, MAX_POINTS));
    }
}
