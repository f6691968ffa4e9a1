package mm.shell.internal;

import java.lang.reflect.InvocationTargetException;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * {@code help} (scope {@code gogo}, which both the interactive shell and the launcher's script sessions search
 * first: {@code SCOPE=gogo:*}): a pointer to {@code mm:help}, then Gogo's own {@code felix:help} list;
 * {@code help NAME} is {@code felix:help NAME}. Gogo's help stays where it is: this only calls it, as Gogo would.
 */
@Component(service = HelpPointer.class)
@GogoCommand(scope = "gogo", function = "help")
public final class HelpPointer {
    static final String POINTER = "mmkit: 'mm:help' lists the mm commands by subsystem, each with one line; "
            + HelpCommands.DOCS + ". Every command of the runtime:";
    private static final String FELIX_HELP = "(&(osgi.command.scope=felix)(osgi.command.function=help))";

    private final BundleContext ctx;

    @Activate
    public HelpPointer(BundleContext ctx) {
        this.ctx = ctx;
    }

    @Descriptor("displays available commands, after a pointer to mm:help (the mm commands by subsystem)")
    public String help() {
        String list = felixHelp(new Class<?>[0]);
        return POINTER + "\n" + (list == null ? "(felix:help is not available: org.apache.felix.gogo.command is not"
                + " running)\n" : list);
    }

    @Descriptor("displays information about a specific command")
    public String help(@Descriptor("target command") String name) {
        String text = felixHelp(new Class<?>[] {String.class}, name);
        if (text == null) throw new IllegalStateException("felix:help is not available: org.apache.felix.gogo.command"
                + " is not running");
        return text;
    }

    /**
     * Calls the highest-ranked felix:help (a plain command object, as Gogo itself calls it), or null when none runs.
     */
    private String felixHelp(Class<?>[] types, Object... args) {
        ServiceReference<?>[] refs;
        try {
            refs = ctx.getAllServiceReferences(null, FELIX_HELP);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        if (refs == null) return null;
        // the highest-ranked felix:help first, as Gogo resolves a command (the launcher's one leaves telnetd out)
        java.util.Arrays.sort(refs, java.util.Collections.reverseOrder());
        for (ServiceReference<?> ref : refs) {
            Object target = ctx.getService(ref);
            if (target == null) continue;
            try {
                Object r = target.getClass().getMethod("help", types).invoke(target, args);
                return r == null ? "" : r.toString();
            } catch (InvocationTargetException e) {
                Throwable c = e.getCause();
                if (c instanceof RuntimeException re) throw re;
                throw new IllegalStateException("felix:help failed: " + c.getMessage(), c);
            } catch (ReflectiveOperationException e) {
                // not Gogo's help: try the next one
            } finally {
                ctx.ungetService(ref);
            }
        }
        return null;
    }
}
