package mm.launcher;

import java.lang.reflect.InvocationTargetException;
import java.util.Hashtable;
import java.util.stream.Collectors;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;

/**
 * {@code help} without gogo.shell's {@code telnetd}. gogo.command's {@code felix:help} lists commands through the system
 * bundle's context, which service hooks do not filter ({@link HideTelnetd} hides the command from everything else);
 * this {@code felix:help}, registered with a higher ranking, asks the original and leaves telnetd out, so {@code help}
 * never offers a command that cannot run.
 */
public final class HelpWithoutTelnetd {
    static final String FILTER = "(&(osgi.command.scope=felix)(osgi.command.function=help))";
    private final BundleContext ctx;
    private ServiceRegistration<?> self;

    private HelpWithoutTelnetd(BundleContext ctx) { this.ctx = ctx; }

    static void register(BundleContext systemContext) {
        HelpWithoutTelnetd h = new HelpWithoutTelnetd(systemContext);
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("osgi.command.scope", "felix");
        p.put("osgi.command.function", new String[] {"help"});
        p.put(Constants.SERVICE_RANKING, 100);
        h.self = systemContext.registerService(Object.class.getName(), h, p);
    }

    /** The command list, less gogo:telnetd. */
    public String help() throws Exception {
        String all = (String) original(null);
        return all.lines().filter(l -> !isTelnet(l.strip())).collect(Collectors.joining("\n", "", all.endsWith("\n") ? "\n" : ""));
    }

    /** One command's usage; telnetd is not a command here. */
    public String help(String name) throws Exception {
        if (isTelnet(name.strip())) return "No methods found matching: " + name;
        return (String) original(name);
    }

    private static boolean isTelnet(String name) {
        return name.equals("telnetd") || name.endsWith(":telnetd");
    }

    private Object original(String name) throws Exception {
        ServiceReference<?>[] refs;
        try {
            refs = ctx.getServiceReferences((String) null, FILTER);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        if (refs != null) {
            for (ServiceReference<?> r : refs) {
                if (self != null && r.equals(self.getReference())) continue;
                Object basic = ctx.getService(r);
                if (basic == null) continue;
                try {
                    return name == null ? basic.getClass().getMethod("help").invoke(basic)
                            : basic.getClass().getMethod("help", String.class).invoke(basic, name);
                } catch (InvocationTargetException e) {
                    if (e.getCause() instanceof Exception ex) throw ex;
                    throw e;
                } finally {
                    ctx.ungetService(r);
                }
            }
        }
        throw new IllegalStateException("help is not available: no bundle provides gogo.command's felix:help");
    }
}
