package mm.core.hook;

import mm.machine.api.Machine;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard service: the Java heap a bundle will hold for a boot, by its own storage's accounting (page_ext tables,
 * page_owner records...), so that mm.core can refuse a boot the JVM cannot hold before it allocates anything.
 */
@ConsumerType
public interface BootHeapFootprint {
    /**
     * @param machine         the machine about to boot (its options say which features are on)
     * @param presentSections memory sections that will have a memmap
     * @param presentPages    pages of memory (System RAM) the boot will see
     * @return heap bytes this bundle will hold for the booted machine; 0 when it stores nothing per page
     */
    long bootHeapBytes(Machine machine, long presentSections, long presentPages);
}
