package mm.launcher;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * A Gogo {@code CommandSession}, driven by reflection: the launcher's class loader does not share
 * {@code org.apache.felix.service.command} with the bundles.
 */
public final class Gogo implements AutoCloseable {
    static final String PROCESSOR = "org.apache.felix.service.command.CommandProcessor";
    private static final int INSPECT = 0; // Converter.INSPECT

    private final Object session;
    private final Method execute;
    private final Method format;
    private final Method close;
    private final PrintStream out;

    private Gogo(Object session, Class<?> sessionType, PrintStream out) throws ReflectiveOperationException {
        this.session = session;
        this.execute = sessionType.getMethod("execute", CharSequence.class);
        this.format = sessionType.getMethod("format", Object.class, int.class);
        this.close = sessionType.getMethod("close");
        this.out = out;
    }

    /**
     * Waits for the CommandProcessor (gogo.runtime registers it just after its start returns) and opens a session on
     * the given streams. Fails at once when no installed bundle provides one; {@code hangBoundMs} is against a hang.
     */
    static Gogo open(BundleContext ctx, InputStream in, PrintStream out, PrintStream err, long hangBoundMs)
            throws LaunchException {
        if (!Launch.anyProvides(ctx, PROCESSOR)) {
            throw new LaunchException("no bundle provides the Gogo command processor"
                    + " (add org.apache.felix.gogo.runtime to the profile)");
        }
        ServiceReference<?> ref = Launch.awaitService(ctx, PROCESSOR, hangBoundMs);
        if (ref == null) {
            throw new LaunchException("the Gogo command processor did not register within " + hangBoundMs / 1000
                    + " s of starting");
        }
        try {
            Class<?> cp = ref.getBundle().loadClass(PROCESSOR);
            Class<?> cs = ref.getBundle().loadClass("org.apache.felix.service.command.CommandSession");
            Object processor = ctx.getService(ref);
            Object session = cp.getMethod("createSession", InputStream.class, OutputStream.class, OutputStream.class)
                    .invoke(processor, in, out, err);
            // as the interactive shell's gosh_profile: unscoped names look in scope gogo first ('help' is mm.shell's
            // gogo:help, which starts with a pointer to mm:help), then anywhere
            cs.getMethod("put", String.class, Object.class).invoke(session, "SCOPE", "gogo:*");
            return new Gogo(session, cs, out);
        } catch (ReflectiveOperationException e) {
            throw new LaunchException("cannot open a Gogo session: " + rootMessage(e), e);
        }
    }


    /**
     * Runs one command line; prints its value (unless null or empty) the way the Gogo console does.
     *
     * @throws Exception the command's own exception (message for the user)
     */
    public void run(String line) throws Exception {
        Object result;
        try {
            result = execute.invoke(session, line);
        } catch (InvocationTargetException e) {
            Throwable t = e.getCause();
            if (t instanceof Exception ex) throw ex;
            if (t instanceof Error er) throw er;
            throw e;
        }
        if (result != null) {
            CharSequence s = (CharSequence) format.invoke(session, result, INSPECT);
            if (s != null && s.length() > 0) out.println(s);
        }
        out.flush();
    }

    @Override
    public void close() {
        try {
            close.invoke(session);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // the framework may already be stopping
        }
    }

    /** The message a user should see for a failed command. */
    static String message(Throwable t) { return message(t, null); }

    /**
     * The message a user should see for the failed command line {@code cmd}: Gogo's argument-matching texts name the
     * arguments given.
     */
    static String message(Throwable t, String cmd) {
        for (Throwable o = t; o != null; o = o.getCause() == o ? null : o.getCause()) {
            if (o instanceof OutOfMemoryError) {
                return String.format(java.util.Locale.ROOT, "the JVM ran out of heap (it has %.1f GiB): run java"
                        + " with a larger -Xmx", Runtime.getRuntime().maxMemory() / (double) (1L << 30));
            }
        }
        Throwable c = t;
        while ((c.getMessage() == null || c.getMessage().isBlank()) && c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        String m = c.getMessage();
        if ((m == null || m.isBlank()) && cmd != null && c instanceof IllegalArgumentException) {
            // Gogo's conversion of an argument (an int out of range) fails without a text
            return userSentence("argument type mismatch", cmd);
        }
        if (m == null || m.isBlank()) return "internal error (" + c.getClass().getSimpleName() + ")";
        return userSentence(m, cmd);
    }

    static String userSentence(String m) { return userSentence(m, null); }

    /**
     * Gogo's argument-matching texts ("Cannot coerce alloc(Token, Token) to any of [...]", "argument type mismatch")
     * as a user sentence naming the command and the arguments given (cut to about 60 characters).
     */
    static String userSentence(String m, String cmd) {
        String name = null, args = "";
        if (cmd != null) {
            String[] w = cmd.strip().split("\\s+", 2);
            name = w[0];
            args = w.length > 1 ? w[1] : "";
            if (args.length() > 60) args = args.substring(0, 57) + "...";
        }
        java.util.regex.Matcher coerce = java.util.regex.Pattern.compile("^Cannot coerce (\\S+?)\\(.*").matcher(m);
        boolean mismatch = m.equals("argument type mismatch");
        if (!coerce.find() && !mismatch) return m;
        String command = name != null ? name : mismatch ? "COMMAND" : coerce.group(1);
        if (args.isEmpty()) return command + " needs arguments (help " + command + " lists its forms)";
        return "the arguments '" + args + "' match none of the forms of " + command + " (help " + command
                + " lists them)";
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) c = c.getCause();
        return message(c);
    }
}
