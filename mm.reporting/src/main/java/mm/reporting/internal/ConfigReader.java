package mm.reporting.internal;

import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Reads a component's typed configuration one property at a time. A value SCR cannot convert (its method throws)
 * or one out of range is refused with one sentence naming the PID and the property, and the default is kept: a bad
 * line in a profile must not keep the component from starting.
 */
final class ConfigReader {
    private final String pid;
    private final Consumer<String> warn;

    ConfigReader(String pid, Consumer<String> warn) {
        this.pid = pid;
        this.warn = warn;
    }

    int integer(String key, IntSupplier read, int def, int min, int max) {
        int v;
        try {
            v = read.getAsInt();
        } catch (RuntimeException e) {
            return refuse(key, "is not an integer", def);
        }
        if (v < min || v > max) return refuse(key, "= " + v + " is out of range " + min + ".." + max, def);
        return v;
    }

    double decimal(String key, DoubleSupplier read, double def, double min, double max) {
        double v;
        try {
            v = read.getAsDouble();
        } catch (RuntimeException e) {
            return refuse(key, "is not a number", def);
        }
        if (!(v >= min && v <= max)) return refuse(key, "= " + fmt(v) + " is out of range " + fmt(min) + ".." + fmt(max), def);
        return v;
    }

    boolean bool(String key, Supplier<String> read, boolean def) {
        String v;
        try {
            v = read.get();
        } catch (RuntimeException e) {
            v = null;
        }
        String t = v == null ? "" : v.trim().toLowerCase(Locale.ROOT);
        if (t.equals("true")) return true;
        if (t.equals("false")) return false;
        return refuse(key, "= '" + v + "' is not true or false", def);
    }

    private <T> T refuse(String key, String why, T def) {
        String d = def instanceof Double x ? fmt(x) : String.valueOf(def);
        warn.accept("configuration " + pid + ": property " + key + " " + why + "; keeping the default " + d);
        return def;
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && !Double.isInfinite(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
