package mm.shell.api;

import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The one-line progress indicator of long commands, as {@code mm:boot} and {@code mm:check} draw it: after the work
 * has run for a second the line is redrawn on the session's stderr every 200 ms from what the supplier says then,
 * and erased when the work ends; short work never draws anything. A service of mm.shell, so that every command shows
 * progress the same way.
 */
@ProviderType
public interface Progress {
    /**
     * Whether long commands show the line: the framework property {@code mm.progress} (the launcher sets it for an
     * interactive terminal without --json, and for --progress).
     */
    boolean enabled();

    /**
     * Runs {@code work} and returns what it returns, drawing {@code line} meanwhile when {@link #enabled()} or
     * {@code force}.
     *
     * @throws Exception whatever {@code work} throws
     */
    <T> T during(Supplier<String> line, boolean force, Callable<T> work) throws Exception;

    /**
     * What the boot running now is doing, for a command that boots several times to put in its own line: the step
     * (from the boot phases) and the share of the machine's struct pages initialised, e.g.
     * {@code deferred struct page init, 40% of struct pages initialised}; empty when no boot has started.
     */
    String bootStatus();
}
