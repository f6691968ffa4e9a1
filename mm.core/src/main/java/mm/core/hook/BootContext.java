package mm.core.hook;

import mm.core.api.Memblock;
import mm.core.api.MemoryModel;
import mm.machine.api.Machine;
import org.osgi.annotation.versioning.ProviderType;

/** What a boot phase listener can use: the booting machine, memblock (while it exists), the model, the log. */
@ProviderType
public interface BootContext {
    Machine machine();
    /** memblock of this boot; throws IllegalStateException after page_alloc_init_late discarded it. */
    Memblock memblock();
    MemoryModel model();
    /** Prints a kernel log line ({@code mm:dmesg}), stamped with the emulated clock. */
    void log(String line);
    /** Measured wall time and modelled kernel time of a named step, shown in the boot report. */
    void recordTiming(String step, double measuredMs, double modelledMs);

    /** True when free_area_init deferred some struct pages (the kernel's deferred_struct_pages). */
    boolean deferredStructPages();

    /** The emulated time now, ns since boot. */
    long clockNanos();

    /** Advances the emulated clock by a modelled duration. */
    void advanceClock(long nanos);
}
