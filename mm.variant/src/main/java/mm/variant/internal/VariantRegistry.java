package mm.variant.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import mm.variant.api.VariantConstraint;
import mm.variant.api.VariantListener;
import mm.variant.api.VariantService;
import org.osgi.framework.AllServiceListener;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * The {@link VariantService}: tracks every service carrying {@code mm.subsystem} and {@code mm.variant} (whatever
 * its interface), keeps the selection from the configuration {@code mm.variant}, and hands out the active variant.
 * It holds no machine state: a variant swap never touches the emulated machine.
 */
@Component(service = VariantService.class, configurationPid = VariantService.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true)
public final class VariantRegistry implements VariantService, AllServiceListener {
    static final String FILTER = "(&(" + SUBSYSTEM + "=*)(" + VARIANT + "=*))";
    /**
     * A private property of the stored selection: how many selections this registry has stored. Config Admin delivers
     * updates on its own thread, late; a delivery older than the last store is an echo the registry has already
     * applied itself, and must not undo a newer selection.
     */
    static final String SEQ = ".mm.variant.seq";

    private final BundleContext ctx;
    /** Guards every field below; never held while calling out (services, constraints, listeners, CM). */
    private final Object lock = new Object();
    /** Serialises {@link #select} calls. */
    private final Object selectLock = new Object();
    /** subsystem -> variant -> references, the best (highest ranking, then lowest id) first. */
    private final Map<String, Map<String, List<ServiceReference<?>>>> refs = new TreeMap<>();
    private final Map<ServiceReference<?>, Object> fetched = new HashMap<>();
    private Map<String, String> configured;
    /** The {@link #SEQ} of the last selection this registry stored (or saw). */
    private long stored;
    private boolean closed;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile List<VariantConstraint> constraints;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile List<VariantListener> listeners;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile ConfigurationAdmin configAdmin;

    /** SCR's runtime, to name why a variant's component failed to activate. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile ServiceComponentRuntime scr;

    @Activate
    public VariantRegistry(BundleContext ctx, Map<String, Object> props) {
        this.ctx = ctx;
        this.configured = selectionOf(props);
        this.stored = seqOf(props);
        try {
            ctx.addServiceListener(this, FILTER);
            ServiceReference<?>[] existing = ctx.getAllServiceReferences(null, FILTER);
            if (existing != null) {
                synchronized (lock) {
                    for (ServiceReference<?> r : existing) add(r);
                }
            }
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Modified
    void modified(Map<String, Object> props) {
        Map<String, String> before;
        Map<String, String> after;
        synchronized (lock) {
            long seq = seqOf(props);
            // an echo of an older store of ours: the registry applied that selection and a newer one since
            if (seq >= 0 && seq < stored) return;
            stored = Math.max(stored, seq);
            before = activeMap();
            configured = selectionOf(props);
            after = activeMap();
        }
        fire(before, after);
    }

    @Deactivate
    void deactivate() {
        ctx.removeServiceListener(this);
        List<ServiceReference<?>> toRelease;
        synchronized (lock) {
            closed = true;
            toRelease = new ArrayList<>(fetched.keySet());
            fetched.clear();
            refs.clear();
        }
        for (ServiceReference<?> r : toRelease) release(r);
    }

    // ---------------------------------------------------------------- VariantService

    @Override
    public Map<String, List<String>> variants() {
        synchronized (lock) {
            Map<String, List<String>> out = new TreeMap<>();
            refs.forEach((sub, byName) -> out.put(sub, List.copyOf(byName.keySet())));
            return Collections.unmodifiableMap(out);
        }
    }

    @Override
    public String active(String subsystem) {
        synchronized (lock) {
            return activeOf(subsystem);
        }
    }

    @Override
    public Map<String, String> selection() {
        synchronized (lock) {
            return Collections.unmodifiableMap(selectionMap());
        }
    }

    @Override
    public void select(String subsystem, String variant) {
        Objects.requireNonNull(subsystem, "subsystem");
        Objects.requireNonNull(variant, "variant");
        synchronized (selectLock) {
            Map<String, String> next;
            synchronized (lock) {
                Map<String, List<ServiceReference<?>>> byName = refs.get(subsystem);
                if (byName == null) {
                    throw new IllegalArgumentException(refs.isEmpty()
                            ? "unknown subsystem '" + subsystem + "': no variants are registered"
                            : "unknown subsystem '" + subsystem + "' (subsystems: " + String.join(", ", refs.keySet())
                                    + ")");
                }
                if (!byName.containsKey(variant)) {
                    throw new IllegalArgumentException("subsystem '" + subsystem + "' has no variant '" + variant
                            + "' (variants: " + String.join(", ", byName.keySet()) + ")");
                }
                next = selectionMap();
                next.put(subsystem, variant);
            }
            Map<String, String> view = Collections.unmodifiableMap(next);
            List<VariantConstraint> cs = constraints;
            if (cs != null) {
                for (VariantConstraint c : cs) {
                    String reason = c.refuse(subsystem, variant, view);
                    if (reason != null) {
                        throw new IllegalArgumentException(
                                "cannot select " + subsystem + "=" + variant + ": " + reason);
                    }
                }
            }
            activate(subsystem, variant);
            // Config Admin only stores the choice (for the next start and for whoever reads it); the registry
            // applies it here, so the switch is complete when select returns, however slow Config Admin's thread is
            ConfigurationAdmin cm = configAdmin;
            if (cm != null) persist(cm, subsystem, variant);
            applyInMemory(subsystem, variant);
        }
    }

    /**
     * Gets the variant's service before it is selected: a DS component that cannot activate fails the selection
     * now, with SCR's reason, instead of leaving the subsystem with no usable variant.
     */
    private void activate(String subsystem, String variant) {
        ServiceReference<?> ref;
        synchronized (lock) {
            Map<String, List<ServiceReference<?>>> byName = refs.get(subsystem);
            List<ServiceReference<?>> list = byName == null ? null : byName.get(variant);
            ref = list == null || list.isEmpty() ? null : list.get(0);
            if (ref == null || fetched.containsKey(ref)) return;
        }
        Object got = ctx.getService(ref);
        if (got == null) {
            String why = activationFailure(ref);
            throw new IllegalArgumentException("cannot select " + subsystem + "=" + variant + ": its component"
                    + (why == null ? " could not be activated" : " failed to activate: " + why));
        }
        boolean unget = true;
        synchronized (lock) {
            if (!closed && !fetched.containsKey(ref) && contains(ref)) {
                fetched.put(ref, got);
                unget = false;
            }
        }
        if (unget) ctx.ungetService(ref);
    }

    /** SCR's failure text for the component behind {@code ref}, or null when SCR is not there or says nothing. */
    private String activationFailure(ServiceReference<?> ref) {
        ServiceComponentRuntime rt = scr;
        Object name = ref.getProperty("component.name");
        if (rt == null || name == null) return null;
        try {
            ComponentDescriptionDTO d = rt.getComponentDescriptionDTO(ref.getBundle(), String.valueOf(name));
            if (d == null) return null;
            for (ComponentConfigurationDTO c : rt.getComponentConfigurationDTOs(d)) {
                if (c.failure != null && !c.failure.isBlank()) return firstLine(c.failure);
            }
        } catch (RuntimeException e) {
            return null; // the bundle went away meanwhile
        }
        return null;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }

    @Override
    public <T> T activeService(String subsystem, Class<T> type) {
        ServiceReference<?> ref;
        Object svc;
        synchronized (lock) {
            ref = activeRef(subsystem);
            if (ref == null) return null;
            svc = fetched.get(ref);
        }
        if (svc == null) {
            Object got = ctx.getService(ref);
            if (got == null) return null; // unregistered meanwhile
            boolean unget = true;
            synchronized (lock) {
                Object prior = fetched.get(ref);
                if (prior != null) {
                    svc = prior;
                } else if (!closed && contains(ref)) {
                    fetched.put(ref, got);
                    svc = got;
                    unget = false;
                }
            }
            if (unget) ctx.ungetService(ref);
            if (svc == null) return null; // went away while we fetched it
        }
        if (!type.isInstance(svc)) {
            throw new ClassCastException("variant '" + ref.getProperty(VARIANT) + "' of subsystem '" + subsystem
                    + "' (" + svc.getClass().getName() + ") does not implement " + type.getName());
        }
        return type.cast(svc);
    }

    // ---------------------------------------------------------------- service events

    @Override
    public void serviceChanged(ServiceEvent event) {
        ServiceReference<?> r = event.getServiceReference();
        Map<String, String> before;
        Map<String, String> after;
        boolean release = false;
        synchronized (lock) {
            if (closed) return;
            before = activeMap();
            switch (event.getType()) {
                case ServiceEvent.REGISTERED -> add(r);
                case ServiceEvent.MODIFIED -> {
                    remove(r);
                    add(r);
                }
                case ServiceEvent.MODIFIED_ENDMATCH, ServiceEvent.UNREGISTERING -> {
                    remove(r);
                    release = fetched.remove(r) != null;
                }
                default -> { }
            }
            after = activeMap();
        }
        if (release) release(r);
        fire(before, after);
    }

    // ---------------------------------------------------------------- internals (callers hold lock)

    private void add(ServiceReference<?> r) {
        String sub = str(r.getProperty(SUBSYSTEM));
        String name = str(r.getProperty(VARIANT));
        if (sub == null || name == null) return;
        List<ServiceReference<?>> list =
                refs.computeIfAbsent(sub, k -> new TreeMap<>()).computeIfAbsent(name, k -> new ArrayList<>());
        if (list.contains(r)) return;
        list.add(r);
        list.sort(Collections.reverseOrder()); // ServiceReference order: higher ranking, then lower id, is greater
    }

    private void remove(ServiceReference<?> r) {
        for (var subIt = refs.values().iterator(); subIt.hasNext(); ) {
            Map<String, List<ServiceReference<?>>> byName = subIt.next();
            for (var it = byName.values().iterator(); it.hasNext(); ) {
                List<ServiceReference<?>> list = it.next();
                if (list.remove(r) && list.isEmpty()) it.remove();
            }
            if (byName.isEmpty()) subIt.remove();
        }
    }

    private boolean contains(ServiceReference<?> r) {
        for (Map<String, List<ServiceReference<?>>> byName : refs.values()) {
            for (List<ServiceReference<?>> list : byName.values()) if (list.contains(r)) return true;
        }
        return false;
    }

    private String selectedOf(String subsystem) {
        String c = configured.get(subsystem);
        if (c != null) return c;
        Map<String, List<ServiceReference<?>>> byName = refs.get(subsystem);
        if (byName == null) return null;
        ServiceReference<?> best = null;
        for (List<ServiceReference<?>> list : byName.values()) {
            for (ServiceReference<?> r : list) {
                if (Boolean.parseBoolean(String.valueOf(r.getProperty(DEFAULT)))
                        && (best == null || r.compareTo(best) > 0)) {
                    best = r;
                }
            }
        }
        return best == null ? null : str(best.getProperty(VARIANT));
    }

    private ServiceReference<?> activeRef(String subsystem) {
        String name = selectedOf(subsystem);
        if (name == null) return null;
        Map<String, List<ServiceReference<?>>> byName = refs.get(subsystem);
        List<ServiceReference<?>> list = byName == null ? null : byName.get(name);
        return list == null || list.isEmpty() ? null : list.get(0);
    }

    private String activeOf(String subsystem) {
        ServiceReference<?> r = activeRef(subsystem);
        return r == null ? null : str(r.getProperty(VARIANT));
    }

    private Map<String, String> selectionMap() {
        Map<String, String> out = new TreeMap<>(configured);
        for (String sub : refs.keySet()) {
            String s = selectedOf(sub);
            if (s != null) out.put(sub, s);
        }
        return out;
    }

    private Map<String, String> activeMap() {
        Map<String, String> out = new HashMap<>();
        for (String sub : refs.keySet()) {
            String a = activeOf(sub);
            if (a != null) out.put(sub, a);
        }
        return out;
    }

    // ---------------------------------------------------------------- selection changes

    private void applyInMemory(String subsystem, String variant) {
        Map<String, String> before;
        Map<String, String> after;
        synchronized (lock) {
            before = activeMap();
            Map<String, String> c = new TreeMap<>(configured);
            c.put(subsystem, variant);
            configured = Collections.unmodifiableMap(c);
            after = activeMap();
        }
        fire(before, after);
    }

    private void persist(ConfigurationAdmin cm, String subsystem, String variant) {
        long seq;
        synchronized (lock) {
            seq = ++stored;
        }
        try {
            Configuration c = cm.getConfiguration(PID, "?");
            Dictionary<String, Object> props = new Hashtable<>();
            Dictionary<String, Object> old = c.getProperties();
            if (old != null) {
                for (Enumeration<String> keys = old.keys(); keys.hasMoreElements(); ) {
                    String k = keys.nextElement();
                    props.put(k, old.get(k));
                }
            }
            props.put(subsystem, variant);
            props.put(SEQ, seq);
            c.update(props);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the variant selection in configuration " + PID, e);
        }
    }

    private void fire(Map<String, String> before, Map<String, String> after) {
        if (before.equals(after)) return;
        List<VariantListener> ls = listeners;
        if (ls == null || ls.isEmpty()) return;
        Map<String, String> all = new TreeMap<>(before);
        all.putAll(after);
        for (String sub : all.keySet()) {
            String b = before.get(sub);
            String a = after.get(sub);
            if (Objects.equals(a, b)) continue;
            for (VariantListener l : ls) l.activeChanged(sub, b, a);
        }
    }

    private void release(ServiceReference<?> r) {
        try {
            ctx.ungetService(r);
        } catch (IllegalStateException e) {
            // our bundle context is already invalid: the framework releases everything itself
        }
    }

    /** The selection held in a configuration: every property that is not a framework / DS / CM property. */
    static Map<String, String> selectionOf(Map<String, Object> props) {
        Map<String, String> out = new TreeMap<>();
        if (props != null) {
            props.forEach((k, v) -> {
                if (!isReservedKey(k) && v != null) out.put(k, String.valueOf(v).trim());
            });
        }
        return Collections.unmodifiableMap(out);
    }

    /** The {@link #SEQ} of a delivered configuration, or -1 when it has none (written by someone else). */
    static long seqOf(Map<String, Object> props) {
        Object v = props == null ? null : props.get(SEQ);
        if (v instanceof Number n) return n.longValue();
        if (v != null) {
            try {
                return Long.parseLong(v.toString().trim());
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }

    static boolean isReservedKey(String k) {
        return k.isEmpty() || k.startsWith(".") || k.startsWith("component.") || k.startsWith("service.")
                || k.startsWith("felix.") || k.startsWith("osgi.") || k.equals(Constants.OBJECTCLASS);
    }

    private static String str(Object o) {
        if (o == null) return null;
        String s = String.valueOf(o).trim();
        return s.isEmpty() ? null : s;
    }
}
