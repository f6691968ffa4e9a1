package mm.shell.internal;

import mm.shell.api.Report;
import org.osgi.framework.BundleContext;

/** Prints a command's {@link Report}: as text, or as JSON when the framework property {@code mm.json} is true. */
public final class Out {
    /** Framework property set by the launcher's {@code --json}. */
    public static final String JSON_PROPERTY = "mm.json";

    private Out() {}

    public static boolean json(BundleContext ctx) {
        return Boolean.parseBoolean(ctx.getProperty(JSON_PROPERTY));
    }

    /** Prints {@code r} (text or JSON) on System.out, ending with one newline. */
    public static void print(BundleContext ctx, Report r) {
        String s = r.render(json(ctx));
        System.out.print(s.isEmpty() || s.endsWith("\n") ? s : s + "\n");
        System.out.flush();
    }
}
