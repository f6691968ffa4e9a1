package mm.reporting.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import mm.core.api.Memmap;
import mm.core.api.MemoryModel;
import mm.core.api.Mm;
import mm.core.api.PageFlags;
import mm.core.hook.FreeListTakeHook;
import mm.core.spi.FreePageReportingSupport.ZoneHandle;
import mm.core.spi.FreePageReportingSupport;
import mm.reporting.api.BalloonDevice;
import mm.reporting.api.PageReportingDevice;
import mm.reporting.api.RefaultCounter;
import mm.reporting.api.ReportingService;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The emulated virtio-balloon device with VIRTIO_BALLOON_F_REPORTING (drivers/virtio/virtio_balloon.c plus the
 * host): a reporting virtqueue of {@value #PAGE_REPORTING_CAPACITY} entries, a configurable host latency per report,
 * and the host's view of the guest's memory, 2 bits per page: backed (the guest touched it, the host holds memory
 * for it) and discarded (reported; MADV_DONTNEED). Touches and re-faults are seen through a FreeListTakeHook,
 * registered while the device has a booted guest, when memory leaves the buddy free lists for an allocation: that
 * backs it; taking a discarded page is a re-fault. Allocations served from a per-cpu list cost the host nothing.
 *
 * <p>Configuration: {@link BalloonConfig} (PID {@value BalloonConfig#PID}).
 */
@Component(service = {BalloonDevice.class}, immediate = true, configurationPid = BalloonConfig.PID)
@Designate(ocd = BalloonConfig.class)
public final class VirtioBalloon implements BalloonDevice, PageReportingDevice {
    private static final Logger LOG = LoggerFactory.getLogger(VirtioBalloon.class);
    public static final int PAGE_REPORTING_CAPACITY = 32;
    public static final long DEFAULT_LATENCY_NANOS = 5_000_000;
    static final long BACKED = 1, DISCARDED = 2;
    /** The BACKED bit of each of a host word's 32 pages. */
    private static final long BACKED_BITS = 0x5555_5555_5555_5555L;

    /** The k low bits set (k in 0..64). */
    private static long lowBits(int k) { return k >= 64 ? -1L : (1L << k) - 1; }
    private static final int HISTORY_MAX = 4096;

    private final MemoryModel model;
    private final Hooks hooks;
    private final ReportingService reporting;
    private volatile int capacity = PAGE_REPORTING_CAPACITY;
    private volatile int order;
    private volatile long latencyNanos = DEFAULT_LATENCY_NANOS;

    private volatile boolean ready;
    private volatile HostView host = new HostView(0);
    private volatile FreePageReportingSupport support;
    private volatile RefaultCounter refaultCounter;
    private final AtomicLong rss = new AtomicLong(), discarded = new AtomicLong(), refaults = new AtomicLong();
    private final AtomicLong reports = new AtomicLong(), blocks = new AtomicLong(), pages = new AtomicLong();
    private final List<long[]> history = new ArrayList<>();
    private AutoCloseable takeHookRegistration;

    @Activate
    public VirtioBalloon(@Reference(name = "reporting") ReportingService reporting,
                         @Reference(name = "model") MemoryModel model, BundleContext ctx, BalloonConfig config) {
        this(model, new OsgiHooks(ctx), reporting);
        configure(config, LOG::warn);
        reporting.register(this); // virtballoon_probe -> page_reporting_register
    }

    /** Outside OSGi (tests, benchmarks): the caller registers the device. */
    public VirtioBalloon(MemoryModel model, Hooks hooks, ReportingService reporting) {
        this.model = model;
        this.hooks = hooks;
        this.reporting = reporting;
    }

    /**
     * The configuration of PID {@value BalloonConfig#PID}; a value that cannot be used is reported to {@code warn}
     * and its default kept.
     */
    void configure(BalloonConfig config, Consumer<String> warn) {
        ConfigReader r = new ConfigReader(BalloonConfig.PID, warn);
        latencyNanos = (long) (r.decimal("latency.us", config::latency_us, DEFAULT_LATENCY_NANOS / 1e3, 0,
                ReportingCommands.MAX_MS * 1000) * 1000);
        capacity = r.integer("capacity", config::capacity, PAGE_REPORTING_CAPACITY, 1, Integer.MAX_VALUE);
        order = r.integer("order", config::order, 0, 0, Mm.MAX_PAGE_ORDER);
    }

    @Deactivate
    void deactivate() {
        if (reporting != null) reporting.unregister(this);
        closeTakeHook();
    }

    private synchronized void closeTakeHook() {
        if (takeHookRegistration == null) return;
        try {
            takeHookRegistration.close();
        } catch (Exception e) {
            LOG.warn("balloon: unregistering the free-list take hook failed", e);
        }
        takeHookRegistration = null;
    }

    private synchronized void ensureTakeHook() {
        if (takeHookRegistration == null) takeHookRegistration = hooks.addTakeHook(takeHook);
    }

    /** page_reporting_register: re-faults are counted into the core's statistics from now on. */
    @Override public void registered(RefaultCounter counter) { refaultCounter = counter; }

    @Override public BalloonDevice balloon() { return this; }

    // ---------------------------------------------------------------- PageReportingDevice

    @Override public int capacity() { return capacity; }

    @Override public int order() { return order; }

    @Override public void setCapacity(int c) { capacity = Math.max(1, c); }

    @Override
    public void guestBooting() {
        ready = false;
    }

    /** The host view of a freshly booted guest: every managed page not in the buddy is backed. */
    @Override
    public synchronized void guestBooted(FreePageReportingSupport s) {
        ready = false;
        support = s;
        Memmap mm = model.memmap();
        HostView h = new HostView(mm.maxPfn());
        for (long p = mm.nextValidPfn(0); p >= 0; p = mm.nextValidPfn(p + Mm.PAGES_PER_SECTION)) h.add(p);
        long backed = 0;
        long reserved = PageFlags.bit(PageFlags.PG_reserved);
        // uniformly free sections (compact memmap) are handled whole: all their pages are this zone's free pages,
        // so marking them backed and then not backed leaves nothing but the counts; a section an earlier zone's walk
        // marked (overlapping zone spans) goes page by page, as before
        // by section number (below 2^25 for PFNs below 2^40)
        java.util.BitSet markedByOtherZone = new java.util.BitSet();
        for (ZoneHandle z : s.zones()) {
            java.util.BitSet wholeHere = new java.util.BitSet();
            // the host word of 32 pages being built (one read and one write per word, not per page)
            long accBase = -1, acc = 0;
            for (long p = z.startPfn(); p < z.endPfn(); p++) {
                if (!mm.valid(p)) {
                    long next = mm.nextValidPfn(p); // over a hole by present sections
                    if (next < 0) break;
                    p = next - 1;
                    continue;
                }
                if (((p & (Mm.PAGES_PER_SECTION - 1)) == 0 || p == z.startPfn()) && mm.uniformlyFree(p)) {
                    long f = mm.rawFlags(p);
                    if ((p & (Mm.PAGES_PER_SECTION - 1)) == 0 && p + Mm.PAGES_PER_SECTION <= z.endPfn()
                            && PageFlags.nid(f) == z.nid() && PageFlags.zoneIdx(f) == z.type().ordinal()) {
                        backed += Mm.PAGES_PER_SECTION;
                        wholeHere.set((int) (p >>> Mm.PFN_SECTION_SHIFT));
                        p += Mm.PAGES_PER_SECTION - 1;
                        continue;
                    }
                    markedByOtherZone.set((int) (p >>> Mm.PFN_SECTION_SHIFT));
                }
                if ((p & (Mm.PAGES_PER_SECTION - 1)) == 0 && p + Mm.PAGES_PER_SECTION <= z.endPfn()
                        && mm.uniformlyReserved(p)) {
                    p += Mm.PAGES_PER_SECTION - 1; // all PG_reserved (compact memmap): none of it is marked
                    continue;
                }
                long f = mm.rawFlags(p);
                if (f == PageFlags.POISON || (f & reserved) != 0) continue;
                if ((p & ~31L) != accBase) {
                    if (accBase >= 0) h.setWord(accBase, acc);
                    accBase = p & ~31L;
                    acc = h.word(accBase);
                }
                acc |= BACKED << ((p & 31) << 1);
                backed++;
            }
            if (accBase >= 0) h.setWord(accBase, acc);
            long[] free = {0};
            s.forEachFreeBlock(z, 0, (pfn, o, mt, reported) -> {
                int nr = (int) (pfn >>> Mm.PFN_SECTION_SHIFT);
                if (wholeHere.get(nr) && !markedByOtherZone.get(nr)) {
                    free[0] += 1L << o; // its pages were counted backed above without being marked
                    return;
                }
                // a word (32 pages) at a time: the block's BACKED bits in it are cleared and counted
                for (long p = pfn, end = pfn + (1L << o); p < end; ) {
                    long wb = p & ~31L;
                    int lo = (int) (p - wb), hi = (int) Math.min(32, end - wb);
                    long mask = BACKED_BITS & lowBits(2 * hi) & ~lowBits(2 * lo);
                    long w = h.word(wb), cleared = w & mask;
                    if (cleared != 0) {
                        h.setWord(wb, w & ~cleared);
                        free[0] += Long.bitCount(cleared);
                    }
                    p = wb + hi;
                }
            });
            backed -= free[0];
        }
        host = h;
        rss.set(backed);
        discarded.set(0);
        refaults.set(0);
        reports.set(0);
        blocks.set(0);
        pages.set(0);
        synchronized (history) { history.clear(); }
        ready = true;
        ensureTakeHook(); // the host sees every first touch and every re-fault from now on
        sample();
    }

    /** The host receives a scatterlist: discard every page. Returns the emulated time the host takes. */
    @Override
    public long report(long[] pfns, int[] orders, int n) {
        HostView h = host;
        long np = 0;
        for (int i = 0; i < n; i++) {
            long start = pfns[i], end = start + (1L << orders[i]);
            np += 1L << orders[i];
            for (long p = start; p < end && h.covers(p); p++) discard(h, p);
        }
        reports.incrementAndGet();
        blocks.addAndGet(n);
        pages.addAndGet(np);
        sample();
        return latencyNanos;
    }

    private void discard(HostView h, long p) {
        int sh = (int) ((p & 31) << 1);
        while (true) {
            long w = h.word(p);
            long v = (w >>> sh) & 3;
            if (v == DISCARDED) return;
            long nw = (w & ~(3L << sh)) | (DISCARDED << sh);
            if (h.cas(p, w, nw)) {
                if ((v & BACKED) != 0) rss.decrementAndGet();
                discarded.incrementAndGet();
                return;
            }
        }
    }

    /** Two bits per page, 32 pages a word: the low bit of every pair (BACKED), and the high bit (DISCARDED). */
    private static final long LOW_BITS = 0x5555_5555_5555_5555L;

    /**
     * The guest touches {@code [start, end)}: every page not backed yet is faulted in (rss grows), a discarded one is
     * a re-fault. A word at a time: a word whose pages are all backed already costs one read. Returns the re-faults.
     */
    private long touch(HostView h, long start, long end) {
        long refaulted = 0, faulted = 0;
        for (long p = start; p < end; p = (p | 31) + 1) {
            int lo = (int) (p & 31), hi = (int) Math.min(32, lo + (end - p));
            // the 2-bit fields of pages lo..hi-1 of this word
            long field = (hi - lo == 32 ? -1L : ((1L << ((hi - lo) << 1)) - 1) << (lo << 1));
            long backedMask = LOW_BITS & field;
            while (true) {
                long w = h.word(p);
                if ((w & field) == backedMask) break; // all backed: nothing for the host to do
                long backed = w & backedMask, discardedBits = (w >>> 1) & backedMask & ~backed;
                if (h.cas(p, w, (w & ~field) | backedMask)) {
                    long d = Long.bitCount(discardedBits);
                    faulted += Long.bitCount(backedMask) - Long.bitCount(backed);
                    refaulted += d;
                    break;
                }
            }
        }
        if (faulted != 0) rss.addAndGet(faulted);
        if (refaulted != 0) {
            discarded.addAndGet(-refaulted);
            refaults.addAndGet(refaulted);
        }
        return refaulted;
    }

    /**
     * The host sees the guest touch memory when it leaves the buddy free lists for an allocation (rmqueue_buddy,
     * rmqueue_bulk filling a per-cpu list), not on every allocation: a page recycled through a per-cpu list was
     * handed out before, so it is backed already, and a reported (discarded) page is only ever on a buddy list.
     * This is the point where the guest clears PG_reported (__del_page_from_free_list); the host checks its own two
     * bits rather than the flag, because the kernel drops the flag from the halves of a reported block that expand()
     * splits and from a reported block that merges with a freed buddy, while the host still has those pages
     * discarded.
     */
    private final FreeListTakeHook takeHook = (pfn, nrPages, order) -> {
        if (!ready) return;
        HostView h = host;
        long end = pfn + nrPages;
        if (!h.covers(pfn) || !h.covers(end - 1)) return;
        long n = touch(h, pfn, end);
        RefaultCounter c = refaultCounter;
        if (n > 0 && c != null && support != null) c.refaulted(pfn, order, n);
    };

    // ---------------------------------------------------------------- BalloonDevice

    @Override public long hostRssPages() { return rss.get(); }
    @Override public long discardedPages() { return discarded.get(); }
    @Override public long refaults() { return refaults.get(); }
    @Override public long reports() { return reports.get(); }
    @Override public long reportedBlocks() { return blocks.get(); }
    @Override public long reportedPages() { return pages.get(); }
    @Override public long latencyNanos() { return latencyNanos; }

    @Override public void setLatencyNanos(long nanos) {
        if (nanos < 0) throw new IllegalArgumentException("latency must be >= 0");
        latencyNanos = nanos;
    }

    @Override
    public List<long[]> rssHistory() {
        synchronized (history) { return List.copyOf(history); }
    }

    @Override
    public void sample() {
        if (!model.booted()) return;
        long[] s = {model.clockNanos(), rss.get()};
        synchronized (history) {
            if (!history.isEmpty() && history.get(history.size() - 1)[0] == s[0]) history.set(history.size() - 1, s);
            else history.add(s);
            if (history.size() > HISTORY_MAX) {
                // keep every other sample (and the newest)
                List<long[]> kept = new ArrayList<>();
                for (int i = 0; i < history.size(); i += 2) kept.add(history.get(i));
                if (kept.get(kept.size() - 1) != s) kept.add(s);
                history.clear();
                history.addAll(kept);
            }
        }
    }

    @Override
    public void resetStatistics() {
        synchronized (history) { history.clear(); }
        refaults.set(0);
        reports.set(0);
        blocks.set(0);
        pages.set(0);
        sample();
    }
}
