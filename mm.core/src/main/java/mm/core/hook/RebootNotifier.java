package mm.core.hook;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard service: the reboot notifier chain ({@code register_reboot_notifier}, kernel/reboot.c). Told when a booted
 * model is about to boot again, before the previous kernel is replaced, so that whoever works on it (a background
 * workload holding pages) can stop cleanly instead of freeing stale pages into the new kernel. Called on the thread
 * that boots; returns once the work has stopped.
 */
@ConsumerType
public interface RebootNotifier {
    /** The running kernel is about to be replaced by a new boot. */
    void onReboot();

    /** The boot that {@link #onReboot} announced is over: {@code booted}, or failed with the previous kernel kept. */
    default void onRebootDone(boolean booted) {}
}
