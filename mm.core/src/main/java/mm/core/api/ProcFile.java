package mm.core.api;

import java.util.Map;

/**
 * One of the kernel's /proc views as the kernel prints it ({@code text}: /proc/zoneinfo, /proc/buddyinfo...) and the
 * same facts as data ({@code data}: String, Number, Boolean, null, Map, Collection, long[] or int[] values, snake_case
 * keys). The commands render the data (JSON); the model only produces it.
 */
public record ProcFile(String name, String text, Map<String, Object> data) {
    public ProcFile {
        data = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(data));
    }
}
