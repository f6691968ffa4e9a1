package mm.launcher;

import java.util.Collection;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.hooks.service.EventListenerHook;
import org.osgi.framework.hooks.service.FindHook;
import org.osgi.framework.hooks.service.ListenerHook.ListenerInfo;

/**
 * gogo.shell registers a {@code telnetd} command that opens an unauthenticated shell on a TCP port, able to install
 * bundles. mmkit offers no remote shell: these service hooks hide that command's service from every bundle but the
 * one that registered it, so Gogo never sees it ({@code telnetd start} is "Command not found").
 */
final class HideTelnetd implements FindHook, EventListenerHook {
    static final String TELNET = "org.apache.felix.gogo.shell.Telnet";

    static void register(BundleContext systemContext) {
        HideTelnetd h = new HideTelnetd();
        systemContext.registerService(new String[] {FindHook.class.getName(), EventListenerHook.class.getName()}, h, null);
    }

    private static boolean hidden(ServiceReference<?> ref, BundleContext viewer) {
        Object classes = ref.getProperty(Constants.OBJECTCLASS);
        if (!(classes instanceof String[] names)) return false;
        for (String n : names) {
            if (n.equals(TELNET)) return viewer == null || ref.getBundle() == null || !ref.getBundle().equals(viewer.getBundle());
        }
        return false;
    }

    @Override
    public void find(BundleContext context, String name, String filter, boolean allServices,
                     Collection<ServiceReference<?>> references) {
        references.removeIf(r -> hidden(r, context));
    }

    @Override
    public void event(ServiceEvent event, Map<BundleContext, Collection<ListenerInfo>> listeners) {
        ServiceReference<?> ref = event.getServiceReference();
        listeners.keySet().removeIf(ctx -> hidden(ref, ctx));
    }
}
