package mm.hotplug.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import mm.core.api.MemoryModel;
import mm.core.api.Mm;
import mm.core.api.ZoneInfo;
import mm.hotplug.api.HotplugResult;

/** Collects what an operation logs (into the kernel log too) and its facts, then builds its {@link HotplugResult}. */
final class Op {
    final String name;
    final long start, size;
    final Map<String, Object> details = new LinkedHashMap<>();
    private final MemoryModel model;
    private final int logMark;
    /** The outermost operation advances the emulated clock by the time it took (the kernel's stamps move on). */
    private final boolean outermost;
    private final long t0 = System.nanoTime();
    private long advanced;

    Op(MemoryModel model, String name, long start, long size) { this(model, name, start, size, true); }

    Op(MemoryModel model, String name, long start, long size, boolean outermost) {
        this.model = model;
        this.name = name;
        this.start = start;
        this.size = size;
        this.outermost = outermost;
        this.logMark = model.dmesg().size();
    }

    void advanceClock(long ns) {
        model.advanceClock(ns);
        advanced += ns;
    }

    private void finish() {
        // under a run seed (reproducible runs) the clock moves by modelled time only, never by the host's speed
        if (outermost && model.seed().isEmpty()) model.advanceClock(Math.max(0, System.nanoTime() - t0 - advanced));
    }

    void log(String line) { model.log(line); }

    void put(String k, Object v) { details.put(k, v); }

    @SuppressWarnings("unchecked")
    void merge(HotplugResult r) {
        List<Object> parts = (List<Object>) details.computeIfAbsent("blocks_done", x -> new ArrayList<>());
        Map<String, Object> d = new LinkedHashMap<>(r.details());
        d.put("errno", r.errno());
        if (r.reason() != null) d.put("reason", r.reason());
        parts.add(d);
    }

    private List<String> newLog() {
        List<String> all = model.dmesg();
        return new ArrayList<>(all.subList(Math.min(logMark, all.size()), all.size()));
    }

    HotplugResult ok() {
        finish();
        return new HotplugResult(name, start, size, 0, null, newLog(), details);
    }

    HotplugResult fail(int errno, String reason) {
        finish();
        return new HotplugResult(name, start, size, errno, reason, newLog(), details);
    }

    /** offline_pages' failure path: the (debug) message, then the errno. */
    HotplugResult failOffline(long startPfn, long endPfn, int errno, String reason) {
        log(String.format(Locale.ROOT, "memory offlining [mem %#010x-%#010x] failed due to %s",
                startPfn << Mm.PAGE_SHIFT, (endPfn << Mm.PAGE_SHIFT) - 1, reason));
        return fail(errno, reason);
    }

    /** A zone's counters as the results carry them ({@code zone_before}, {@code zone_after}). */
    static Map<String, Object> row(ZoneInfo z) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("node", z.nid());
        m.put("zone", z.zone().kernelName());
        m.put("start_pfn", z.zoneStartPfn());
        m.put("spanned", z.spannedPages());
        m.put("present", z.presentPages());
        m.put("managed", z.managedPages());
        m.put("free", z.freePages());
        return m;
    }
}
