package mm.shell.internal;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import mm.core.api.Mm;
import mm.core.api.ZoneType;
import mm.core.hook.BootContext;
import mm.core.hook.BootPhase;
import mm.core.hook.BootPhaseListener;
import mm.core.hook.PageInitHook;
import mm.machine.api.E820Range;
import mm.machine.api.Machine;
import mm.shell.api.Progress;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * The one-line progress indicator of a long boot: the step the boot is in (from the boot phases) and the share of
 * the machine's struct pages initialised so far (memmap init, then deferred init, the long part), redrawn on the
 * session's stderr after the boot has run for a second and erased when it ends. On when the framework property
 * {@code mm.progress} is true (the launcher sets it for an interactive terminal without --json, and for
 * --progress), or for one boot with {@code mm:boot --progress}.
 */
// called after every other phase listener: a phase's own work (page_ext_init...) is then the step shown
@Component(service = {BootProgress.class, Progress.class, BootPhaseListener.class, PageInitHook.class},
        immediate = true, property = "service.ranking:Integer=-1000000")
public final class BootProgress implements Progress, BootPhaseListener, PageInitHook {
    public static final String PROPERTY = "mm.progress";

    private final boolean enabled;
    private final LongAdder pages = new LongAdder();
    private volatile String step = "setup_arch";
    /** The RAM pages of the machine booting now (0: no boot has started). */
    private volatile long total;

    @Activate
    public BootProgress(BundleContext ctx) { this(Boolean.parseBoolean(ctx.getProperty(PROPERTY))); }

    BootProgress(boolean enabled) { this.enabled = enabled; }

    /** Runs {@code boot} of {@code m}, drawing the indicator on {@code err} when it is on and the boot is long. */
    <T> T during(Machine m, boolean force, PrintStream err, Callable<T> boot) throws Exception {
        if (!enabled && !force) return boot.call();
        pages.reset();
        step = "setup_arch";
        long ram = ramPages(m);
        return ProgressLine.during(() -> currentLine(m.name(), ram), err, boot);
    }

    /** Whether long commands show a progress line (the framework property {@link #PROPERTY}). */
    @Override public boolean enabled() { return enabled; }

    @Override public <T> T during(Supplier<String> line, boolean force, Callable<T> work) throws Exception {
        if (!enabled && !force) return work.call();
        return ProgressLine.during(line, System.err, work);
    }

    @Override public String bootStatus() {
        long t = total;
        return t <= 0 ? "" : status(t);
    }

    /** The line as it would be drawn now. */
    String currentLine(String machine, long total) {
        return "booting " + machine + ": " + status(total);
    }

    private String status(long total) {
        long done = pages.sum();
        int pct = total <= 0 ? 0 : (int) Math.min(99, done * 100 / total);
        return String.format(Locale.ROOT, "%s, %d%% of struct pages initialised", step, pct);
    }

    /** The pages of System RAM: what memmap init and deferred init initialise. */
    static long ramPages(Machine m) {
        long n = 0;
        for (E820Range r : m.e820()) if (r.type().isRam()) n += Math.max(0, Mm.pfnDown(r.end()) - Mm.pfnUp(r.start()));
        return n;
    }

    /** The step after each phase: a phase is announced when its work is done. */
    @Override public void onPhase(BootPhase phase, BootContext ctx) {
        if (phase == BootPhase.SETUP_ARCH && ctx != null) {
            // a new boot, whoever started it: memmap init (free_area_init) comes next
            pages.reset();
            total = ramPages(ctx.machine());
        }
        step = switch (phase) {
            case SETUP_ARCH -> "free_area_init";
            case FREE_AREA_INIT -> "memblock_free_all";
            case MEMBLOCK_FREE_ALL, EARLY_ALLOCATIONS, PAGE_EXT_EARLY, KMEMLEAK_INIT -> "boot allocations";
            case MID_ALLOCATIONS -> "deferred struct page init";
            case PAGE_ALLOC_INIT_LATE -> "page_ext_init";
            case PAGE_EXT_LATE -> "late boot";
            case LATE_BOOT -> "finishing"; // what the listeners of DONE do (page_owner, memory blocks...)
            case DONE -> "done";
        };
    }

    @Override public void onPagesInitialised(int nid, ZoneType zone, long startPfn, long endPfn) {
        pages.add(endPfn - startPfn);
    }
}
