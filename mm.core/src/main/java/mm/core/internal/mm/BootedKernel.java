package mm.core.internal.mm;

/**
 * mm.core's internal service: the kernel the model booted last. {@link MemoryModelImpl} provides it next to
 * {@code MemoryModel}, so the hotplug and free page reporting primitives work on the same {@link Kernel} without
 * casting the public service. Not exported: only this bundle sees the type.
 */
public interface BootedKernel {
    /** True once a boot has completed (or while one runs). */
    boolean booted();

    /** The booted kernel; throws when nothing is booted. */
    Kernel kernel();
}
