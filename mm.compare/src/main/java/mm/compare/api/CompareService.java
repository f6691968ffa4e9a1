package mm.compare.api;

import java.nio.file.Path;
import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Runs compares on the emulator of this framework. Every call leaves the runtime's choices as they were: the
 * variants it selected are selected back and the current machine is restored. The memory state is that of the
 * compare's last boot (the state before cannot be rebuilt in general: {@code mm:boot} boots the restored machine).
 */
@ProviderType
public interface CompareService {
    /** What is run after each configuration's boot (a script of commands), before the numbers are read. */
    @ConsumerType
    @FunctionalInterface
    interface Scenario {
        void run(Configuration c) throws Exception;
    }

    /**
     * A configuration from its words: {@code SUBSYSTEM=VARIANT} for a registered subsystem and one of its
     * variants, {@code machine=NAME|FILE}, anything else a kernel command-line word.
     *
     * @throws IllegalArgumentException naming the word when it cannot be used
     */
    Configuration configuration(String label, String text);

    /**
     * Boots each configuration (on {@code machine} unless it names its own; null: the current machine), runs
     * {@code scenario} (may be null), and reads every number.
     *
     * @throws IllegalArgumentException when a configuration cannot be used (checked before anything boots)
     */
    Comparison compare(String machine, List<Configuration> configs, Scenario scenario);

    /**
     * Holds the emulator against a real kernel's snapshot {@code dir}: the machine is imported from its console log
     * or dmesg, booted (with {@code config}'s variants and words when not null), and every number of the snapshot's
     * files is set against the emulated one with a verdict.
     *
     * @throws IllegalArgumentException when {@code dir} has no log or the log cannot be imported
     */
    Comparison real(Path dir, Configuration config);
}
