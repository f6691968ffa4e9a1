package mm.variant.internal;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import mm.variant.api.VariantConstraint;
import mm.variant.api.VariantListener;

/**
 * The variant registry without a framework (tests, benchmarks, embedding): implementations are registered by hand
 * instead of tracked as services; the selection, constraints and listeners behave as in the OSGi registry, whose
 * {@link Selection} core they share. A later registration of the same variant wins, as a higher-ranked service would.
 */
public final class StandaloneVariants extends Variants<Object> {
    private final List<VariantConstraint> constraints = new CopyOnWriteArrayList<>();
    private final List<VariantListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<Object, Long> order;

    public StandaloneVariants() {
        this(new IdentityHashMap<>());
    }

    private StandaloneVariants(Map<Object, Long> order) {
        super(new Selection<>((a, b) -> Long.compare(rank(order, a), rank(order, b))));
        this.order = order;
    }

    private static long rank(Map<Object, Long> order, Object o) {
        synchronized (order) {
            Long r = order.get(o);
            return r == null ? Long.MIN_VALUE : r;
        }
    }

    /** Registers {@code impl} as variant {@code variant} of {@code subsystem}; returns this, for chaining. */
    public StandaloneVariants register(String subsystem, String variant, boolean isDefault, Object impl) {
        synchronized (order) {
            order.put(impl, (long) order.size());
        }
        fire(selection.add(subsystem, variant, isDefault, impl));
        return this;
    }

    /** Unregisters {@code impl} (as when its bundle stops). */
    public void unregister(Object impl) {
        fire(selection.remove(impl));
    }

    public void addConstraint(VariantConstraint c) { constraints.add(c); }

    public void addListener(VariantListener l) { listeners.add(l); }

    public void removeListener(VariantListener l) { listeners.remove(l); }

    @Override protected List<VariantConstraint> constraints() { return constraints; }

    @Override protected List<VariantListener> listeners() { return listeners; }

    @Override protected Object service(Object handle) { return handle; }
}
