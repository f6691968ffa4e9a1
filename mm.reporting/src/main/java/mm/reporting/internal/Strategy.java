package mm.reporting.internal;

import java.util.Map;

/**
 * A free page reporting strategy: a variant of subsystem {@code reporting} (service property {@code mm.variant}).
 * The core starts the active one with a {@link StrategyContext} and stops it before another one starts. A strategy
 * holds only transient state (its queue, bitmap or worker); the pages themselves stay in mm.core's free lists.
 */
public interface Strategy {
    String name();

    /** Starts reporting: registers its hooks, starts its worker, takes over pending work from the free lists. */
    void start(StrategyContext ctx);

    /**
     * Stops: after it returns no hook of this strategy runs any more, its worker has ended and every page it isolated
     * is back on the free lists. Captured-but-unreported work is dropped (the pages are free; a later strategy finds
     * them on the free lists).
     */
    void stop();

    /** Strategy-specific state for {@code mm:reporting status} (queue fill, bitmap bits...). */
    Map<String, Object> details();
}
