package mm.reporting.internal;

import java.util.List;
import mm.core.api.ZoneType;
import mm.core.hook.FreeListHook;
import mm.core.spi.FreePageReportingSupport.ZoneHandle;
import mm.core.spi.FreePageReportingSupport;
import mm.reporting.api.PageReportingDevice;
import mm.reporting.api.Tunables;

/** What a running strategy works with: one boot, one device, one reporting order. */
public final class StrategyContext {
    final FreePageReportingSupport support;
    final EmuClock clock;
    final PageReportingDevice device;
    final int order;
    final Metrics metrics;
    final Hooks hooks;
    final Tunables params;
    final long bootId;
    /** The zones of this boot, by slot, and slot by (nid, zone type). */
    final List<ZoneHandle> zones;
    private final int[] slotByKey;
    /** The counters of each zone, by slot (the hooks' fast path). */
    final Metrics.ZoneCounters[] counters;

    /** Tunables of the strategies (mm:reporting config). */

    StrategyContext(FreePageReportingSupport support, EmuClock clock, PageReportingDevice device, int order,
                    Metrics metrics, Hooks hooks, Tunables params) {
        this.support = support;
        this.clock = clock;
        this.device = device;
        this.order = order;
        this.metrics = metrics;
        this.hooks = hooks;
        this.params = params;
        this.bootId = support.bootId();
        this.zones = support.zones();
        int maxNid = 0;
        for (ZoneHandle z : zones) maxNid = Math.max(maxNid, z.nid());
        slotByKey = new int[(maxNid + 1) * ZoneType.VALUES.length];
        java.util.Arrays.fill(slotByKey, -1);
        for (ZoneHandle z : zones) slotByKey[z.nid() * ZoneType.VALUES.length + z.type().ordinal()] = z.slot();
        counters = new Metrics.ZoneCounters[zones.size()];
        for (ZoneHandle z : zones) counters[z.slot()] = metrics.zone(z.nid(), z.type());
    }

    /** The zone of a FreeListHook callback, or null (another boot). */
    ZoneHandle zone(int nid, ZoneType type) {
        int key = nid * ZoneType.VALUES.length + type.ordinal();
        if (nid < 0 || key >= slotByKey.length) return null;
        int s = slotByKey[key];
        return s < 0 ? null : zones.get(s);
    }

    int capacity() { return Math.max(1, device.capacity()); }

    /** Registers an enqueue hook for as long as the strategy runs. */
    AutoCloseable addFreeListHook(FreeListHook h) { return hooks.addFreeListHook(h); }
}
