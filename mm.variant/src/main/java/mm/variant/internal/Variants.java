package mm.variant.internal;

import java.util.List;
import java.util.Map;
import mm.variant.api.VariantConstraint;
import mm.variant.api.VariantListener;
import mm.variant.api.VariantService;

/**
 * The {@link VariantService} over a {@link Selection}: the one select flow (known variant, constraints, the
 * implementation can be had, store, apply, announce) shared by the OSGi registry and the standalone registry.
 */
abstract class Variants<H> implements VariantService {
    final Selection<H> selection;
    /** Serialises {@link #select}: a selection is checked, stored and applied as one step. */
    private final Object selectLock = new Object();

    Variants(Selection<H> selection) {
        this.selection = selection;
    }

    protected abstract List<VariantConstraint> constraints();

    protected abstract List<VariantListener> listeners();

    /** The implementation held by {@code handle}, or null when it cannot be had (its component failed to activate). */
    protected abstract Object service(H handle);

    /** Why the implementation held by {@code handle} cannot be had, if known. */
    protected String activationFailure(H handle) {
        return null;
    }

    /** Stores the choice where it outlives this registry (Config Admin), under sequence number {@code seq}. */
    protected void store(String subsystem, String variant, long seq) {}

    @Override
    public Map<String, List<String>> variants() {
        return selection.variants();
    }

    @Override
    public String active(String subsystem) {
        return selection.active(subsystem);
    }

    @Override
    public Map<String, String> selection() {
        return selection.selection();
    }

    /** Complete when it returns, whatever thread later delivers the stored configuration. */
    @Override
    public void select(String subsystem, String variant) {
        synchronized (selectLock) {
            Map<String, String> view = selection.proposed(subsystem, variant);
            List<VariantConstraint> cs = constraints();
            if (cs != null) {
                for (VariantConstraint c : cs) {
                    String reason = c.refuse(subsystem, variant, view);
                    if (reason != null) {
                        throw new IllegalArgumentException("cannot select " + subsystem + "=" + variant + ": " + reason);
                    }
                }
            }
            H h = selection.handle(subsystem, variant);
            if (h == null || service(h) == null) {
                String why = h == null ? "it went away" : activationFailure(h);
                throw new IllegalArgumentException("cannot select " + subsystem + "=" + variant + ": its component"
                        + (why == null ? " could not be activated" : " failed to activate: " + why));
            }
            store(subsystem, variant, selection.nextSeq());
            fire(selection.choose(subsystem, variant));
        }
    }

    @Override
    public <T> T activeService(String subsystem, Class<T> type) {
        H h = selection.activeHandle(subsystem);
        if (h == null) return null;
        Object svc = service(h);
        if (svc == null) return null;
        if (!type.isInstance(svc)) {
            throw new ClassCastException("variant '" + selection.active(subsystem) + "' of subsystem '" + subsystem
                    + "' (" + svc.getClass().getName() + ") does not implement " + type.getName());
        }
        return type.cast(svc);
    }

    /** Tells the listeners, outside every lock of the registry. */
    protected void fire(List<Selection.Change> changes) {
        if (changes == null || changes.isEmpty()) return;
        List<VariantListener> ls = listeners();
        if (ls == null) return;
        for (Selection.Change c : changes) {
            for (VariantListener l : ls) l.activeChanged(c.subsystem(), c.previous(), c.current());
        }
    }
}
