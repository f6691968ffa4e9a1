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
 * The {@link VariantService} in a framework: a thin tracker of every service carrying {@code mm.subsystem} and
 * {@code mm.variant} (whatever its interface) that feeds the {@link Selection}; the selection is kept in the
 * configuration {@code mm.variant}. It holds no machine state: a variant swap never touches the emulated machine.
 */
@Component(service = VariantService.class, configurationPid = VariantService.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true)
public final class VariantRegistry extends Variants<ServiceReference<?>> implements AllServiceListener {
    static final String FILTER = "(&(" + SUBSYSTEM + "=*)(" + VARIANT + "=*))";
    /**
     * A private property of the stored selection: the sequence number it was stored under. Config Admin delivers
     * updates on its own thread, late; the registry has applied its own selections already, and an old delivery must
     * not undo a newer one.
     */
    static final String SEQ = ".mm.variant.seq";

    private final BundleContext ctx;
    /** The services fetched for the registry's users (released when they go away or the registry stops). */
    private final Map<ServiceReference<?>, Object> fetched = new HashMap<>();
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
        super(new Selection<ServiceReference<?>>(ServiceReference::compareTo));
        this.ctx = ctx;
        selection.deliver(selectionOf(props), seqOf(props));
        try {
            ctx.addServiceListener(this, FILTER);
            ServiceReference<?>[] existing = ctx.getAllServiceReferences(null, FILTER);
            if (existing != null) for (ServiceReference<?> r : existing) add(r);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Modified
    void modified(Map<String, Object> props) {
        fire(selection.deliver(selectionOf(props), seqOf(props)));
    }

    @Deactivate
    void deactivate() {
        ctx.removeServiceListener(this);
        List<ServiceReference<?>> toRelease;
        synchronized (fetched) {
            closed = true;
            toRelease = new ArrayList<>(fetched.keySet());
            fetched.clear();
        }
        selection.clear();
        for (ServiceReference<?> r : toRelease) release(r);
    }

    @Override protected List<VariantConstraint> constraints() { return constraints; }

    @Override protected List<VariantListener> listeners() { return listeners; }

    // ---------------------------------------------------------------- service events

    @Override
    public void serviceChanged(ServiceEvent event) {
        ServiceReference<?> r = event.getServiceReference();
        switch (event.getType()) {
            case ServiceEvent.REGISTERED -> fire(add(r));
            case ServiceEvent.MODIFIED -> {
                List<Selection.Change> gone = selection.remove(r);
                fire(gone);
                fire(add(r));
            }
            case ServiceEvent.MODIFIED_ENDMATCH, ServiceEvent.UNREGISTERING -> {
                List<Selection.Change> changes = selection.remove(r);
                boolean release;
                synchronized (fetched) {
                    release = fetched.remove(r) != null;
                }
                if (release) release(r);
                fire(changes);
            }
            default -> { }
        }
    }

    private List<Selection.Change> add(ServiceReference<?> r) {
        synchronized (fetched) {
            if (closed) return List.of();
        }
        return selection.add(str(r.getProperty(SUBSYSTEM)), str(r.getProperty(VARIANT)),
                Boolean.parseBoolean(String.valueOf(r.getProperty(DEFAULT))), r);
    }

    // ---------------------------------------------------------------- services

    /** Gets (once) and keeps the service behind {@code ref}; null when it went away or its component failed. */
    @Override
    protected Object service(ServiceReference<?> ref) {
        synchronized (fetched) {
            Object svc = fetched.get(ref);
            if (svc != null) return svc;
        }
        Object got = ctx.getService(ref);
        if (got == null) return null;
        synchronized (fetched) {
            Object prior = fetched.get(ref);
            if (prior == null && !closed && selection.contains(ref)) {
                fetched.put(ref, got);
                return got;
            }
            ctx.ungetService(ref);
            return prior;
        }
    }

    /** SCR's failure text for the component behind {@code ref}, or null when SCR is not there or says nothing. */
    @Override
    protected String activationFailure(ServiceReference<?> ref) {
        ServiceComponentRuntime rt = scr;
        Object name = ref.getProperty("component.name");
        if (rt == null || name == null || ref.getBundle() == null) return null;
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

    private void release(ServiceReference<?> r) {
        try {
            ctx.ungetService(r);
        } catch (IllegalStateException e) {
            // our bundle context is already invalid: the framework releases everything itself
        }
    }

    // ---------------------------------------------------------------- Config Admin

    /** Config Admin only stores the choice (for the next start and for whoever reads it); it is applied already. */
    @Override
    protected void store(String subsystem, String variant, long seq) {
        ConfigurationAdmin cm = configAdmin;
        if (cm == null) return;
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
            throw new UncheckedIOException("cannot store the variant selection in configuration " + PID + ": "
                    + e.getMessage(), e);
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

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }

    private static String str(Object o) {
        if (o == null) return null;
        String s = String.valueOf(o).trim();
        return s.isEmpty() ? null : s;
    }
}
