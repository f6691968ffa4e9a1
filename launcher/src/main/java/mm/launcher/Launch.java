package mm.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.wiring.FrameworkWiring;

/** A running Felix with a profile's bundles installed, configured and started. */
public final class Launch implements AutoCloseable {
    /** Framework properties read by mm.core (see mm.shell.internal.SystemCommands and Out). */
    public static final String PROP_PROFILE = "mm.profile";
    public static final String PROP_PROFILE_FILE = "mm.profile.file";
    public static final String PROP_PROFILE_BUNDLES = "mm.profile.bundles";
    public static final String PROP_PROFILE_CONFIG = "mm.profile.config";
    public static final String PROP_JSON = "mm.json";

    static final String SCRIPT_SHELL = "org.apache.felix.gogo.shell.jar";
    static final String JLINE = "jline.jar";
    static final String INTERACTIVE_SHELL = "org.apache.felix.gogo.jline.jar";
    private static final String CM = "org.osgi.service.cm.ConfigurationAdmin";
    private static final String VARIANTS = "mm.variant.api.VariantService";
    private static final String VARIANT_PID = "mm.variant";
    /**
     * How long to wait for a service that a started bundle declares it provides: against a real hang only. A healthy
     * start registers it within a second even on a loaded host; a profile that lacks the bundle fails at once.
     */
    static final long SERVICE_HANG_BOUND_MS = 120_000;

    /** How to start: {@code json} sets {@code mm.json}; {@code interactive} picks the shell bundles. */
    public record Settings(boolean json, boolean interactive, Map<String, String> extraProperties) {
        public Settings {
            extraProperties = Map.copyOf(extraProperties);
        }

        public static Settings script(boolean json) {
            return new Settings(json, false, Map.of());
        }
    }

    private final Profile profile;
    private final Framework framework;
    private final Storage storage;
    private final List<Bundle> bundles;
    private final long startNanos;
    private final Map<String, Long> phases = new java.util.LinkedHashMap<>();
    /** The same phases in CPU time of the launching thread. */
    private final Map<String, Long> cpu = new java.util.LinkedHashMap<>();

    /** Whether the phases' CPU time is measured (--timing: the management beans cost a start ~10 ms otherwise). */
    static volatile boolean measureCpu;

    /** CPU time of the calling thread, ns (0 unless {@link #measureCpu}). */
    private static long cpu() {
        return measureCpu ? java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() : 0;
    }
    private boolean closed;

    /** Deletes a temporary bundle cache when the JVM exits without {@link #close} (Ctrl-C, System.exit from the shell). */
    private final Thread cleanup;

    private Launch(Profile profile, Framework framework, Storage storage, List<Bundle> bundles, long startNanos) {
        this.profile = profile;
        this.framework = framework;
        this.storage = storage;
        this.bundles = bundles;
        this.startNanos = startNanos;
        this.cleanup = new Thread(storage::releaseAtExit, "mmkit storage cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
    }

    /** Starts a profile by name or file (see {@link Profile}). */
    public static Launch start(String profile, Settings settings) throws LaunchException {
        return start(Profile.load(profile), settings);
    }

    static Launch start(Profile profile, Settings settings) throws LaunchException {
        long t0 = System.nanoTime(), c0 = cpu();
        List<Profile.BundleRef> refs = new ArrayList<>(profile.bundles);
        for (String shell : settings.interactive() ? List.of(JLINE, INTERACTIVE_SHELL) : List.of(SCRIPT_SHELL)) {
            if (refs.stream().noneMatch(r -> r.name().equals(shell))) {
                if (!Embedded.exists("bundles/" + shell)) {
                    throw new LaunchException("the shell bundle " + shell + " is not embedded in " + Embedded.codeSource());
                }
                refs.add(new Profile.BundleRef(shell, null, "launcher"));
            }
        }
        // slf4j-simple reads system properties: INFO chatter would mix with command output
        System.getProperties().putIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        // the web profile: Jetty and Felix HTTP log failures with stack traces (a port in use); mm.web says it in
        // one sentence instead (docs/web.md: -Dorg.slf4j.simpleLogger.log.org.eclipse.jetty=warn shows them)
        System.getProperties().putIfAbsent("org.slf4j.simpleLogger.log.org.eclipse.jetty", "off");
        System.getProperties().putIfAbsent("org.slf4j.simpleLogger.log.org.apache.felix.http", "off");
        // a bundle cache kept across runs when it can be (Storage): no installing at each start
        Storage storage = Storage.open(refs, profile.properties);
        Map<String, String> cfg = new HashMap<>();
        cfg.put(Constants.FRAMEWORK_STORAGE, storage.dir().toString());
        // SCR keeps the parsed component descriptions in a kept cache: no XML parsing at the next start (Felix SCR
        // stores them when it stops, per bundle id and last-modified time: Launch.abandon)
        if (storage.kept()) cfg.put("ds.cache.metadata", "true");
        cfg.put("felix.log.level", "1");
        cfg.put("ds.loglevel", System.getProperty("mm.ds.loglevel", "warn"));
        if (!settings.interactive()) cfg.put("gosh.args", "--nointeractive --noshutdown --quiet");
        cfg.put(PROP_PROFILE, profile.name);
        cfg.put(PROP_PROFILE_FILE, profile.location);
        cfg.put(PROP_PROFILE_BUNDLES, refs.stream().map(Profile.BundleRef::location).collect(Collectors.joining(",")));
        cfg.put(PROP_PROFILE_CONFIG, profile.config.stream().map(Object::toString).collect(Collectors.joining("\n")));
        cfg.put(PROP_JSON, Boolean.toString(settings.json()));
        cfg.put(Constants.FRAMEWORK_SYSTEMCAPABILITIES_EXTRA, bootCapability(profile));
        cfg.putAll(profile.properties);
        cfg.putAll(settings.extraProperties());

        // Felix is shaded into mmkit.jar: no ServiceLoader scan of the class path (a few ms)
        FrameworkFactory factory = new org.apache.felix.framework.FrameworkFactory();
        Framework fw = null;
        Launch launch = null;
        try {
            fw = init(factory, cfg, storage);
            HideTelnetd.register(fw.getBundleContext());
            HelpWithoutTelnetd.register(fw.getBundleContext());
            BundleContext ctx = fw.getBundleContext();
            List<Bundle> installed = new ArrayList<>();
            long tInit = System.nanoTime(), cInit = cpu();
            for (Profile.BundleRef r : refs) {
                Bundle kept = storage.fresh() ? null : ctx.getBundle(r.location());
                installed.add(kept != null ? kept : install(ctx, profile, r));
            }
            storage.made(installed);
            long tInstalled = System.nanoTime(), cInstalled = cpu();
            launch = new Launch(profile, fw, storage, installed, t0);
            launch.phases.put("init", tInit - t0);
            launch.phases.put("install", tInstalled - tInit);
            launch.cpu.put("init", cInit - c0);
            launch.cpu.put("install", cInstalled - cInit);
            fw.start();
            FrameworkWiring wiring = fw.adapt(FrameworkWiring.class);
            if (!wiring.resolveBundles(installed)) {
                List<String> why = Diagnosis.explain(installed, wiring);
                throw new LaunchException(profile.describe() + ": "
                        + String.join("\nmmkit: " + profile.describe() + ": ", why));
            }
            long tResolved = System.nanoTime(), cResolved = cpu();
            launch.phases.put("resolve", tResolved - tInstalled);
            launch.cpu.put("resolve", cResolved - cInstalled);
            launch.startBundles(settings.interactive());
            launch.phases.put("start", System.nanoTime() - tResolved);
            launch.cpu.put("start", cpu() - cResolved);
            return launch;
        } catch (LaunchException e) {
            closeQuietly(launch, fw, storage);
            throw e;
        } catch (BundleException | RuntimeException | IOException e) {
            closeQuietly(launch, fw, storage);
            throw new LaunchException(profile.describe() + ": the framework failed to start: " + Gogo.message(e), e);
        }
    }

    /** The namespace of the boot configuration a bundle can require (mm.pageext.early: deferred-init=off). */
    static final String BOOT_NAMESPACE = "mm.boot";

    /**
     * {@code mm.boot;deferred-init=<variant>}: the deferred-init variant the profile selects ({@code config mm.variant
     * deferred-init=...}), else mm.core's default {@code per-node}, as a capability of the system bundle, so that a
     * bundle that cannot work with deferred struct page init (mm.pageext.early) does not resolve in such a profile.
     */
    static String bootCapability(Profile profile) {
        String deferred = profile.configByPid().getOrDefault("mm.variant", Map.of()).getOrDefault("deferred-init", "per-node");
        return BOOT_NAMESPACE + ";deferred-init=\"" + deferred.replace("\"", "") + "\"";
    }

    /**
     * A framework initialised on {@code storage}: a kept cache's bundles are reloaded, and checked against what was
     * recorded when it was made (Storage.matches); a cache changed since is made again, from an empty directory.
     */
    private static Framework init(FrameworkFactory factory, Map<String, String> cfg, Storage storage)
            throws BundleException, IOException {
        if (storage.fresh()) cfg.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        Framework fw = factory.newFramework(cfg);
        try {
            fw.init();
            if (storage.matches(fw.getBundleContext())) return fw;
        } catch (BundleException | RuntimeException e) {
            if (storage.fresh()) throw e;
            // a kept cache Felix cannot read (damaged on disk): made again below
        }
        stopQuietly(fw); // it is replaced anyway
        storage.remake();
        cfg.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        fw = factory.newFramework(cfg);
        fw.init();
        return fw;
    }

    private static Bundle install(BundleContext ctx, Profile profile, Profile.BundleRef r) throws LaunchException {
        try {
            if (r.file() != null) return ctx.installBundle(r.location());
            try (InputStream in = Main.class.getResourceAsStream("/bundles/" + r.name())) {
                if (in == null) throw new LaunchException(r.source() + ": no embedded bundle " + r.name());
                return ctx.installBundle(r.location(), in);
            }
        } catch (BundleException | IOException e) {
            throw new LaunchException(profile.describe() + ": cannot install " + r.name() + " (" + r.source() + "): "
                    + Gogo.message(e), e);
        }
    }

    /**
     * Config Admin first, then the profile's config, then extenders (SCR: so that it finds the mm bundles started
     * after it and enables their components synchronously), then every other bundle in profile order; shells last.
     */
    private void startBundles(boolean interactive) throws LaunchException {
        List<Bundle> started = new ArrayList<>();
        for (Bundle b : bundles) if (provides(b, "osgi.service", Constants.OBJECTCLASS, CM)) started.add(b);
        for (Bundle b : started) start(b);
        applyConfig();
        for (Bundle b : bundles) {
            if (!started.contains(b) && provides(b, "osgi.extender", null, null)) {
                start(b);
                started.add(b);
            }
        }
        for (Bundle b : bundles) {
            if (started.contains(b) || isShell(b, interactive)) continue;
            start(b);
        }
        // before the shell starts: a launch refused here stops a framework with no shell thread running in it
        checkVariantConfig();
        if (!interactive) {
            for (Bundle b : bundles) if (isShell(b, false)) start(b);
        }
    }

    private boolean isShell(Bundle b, boolean interactive) {
        String loc = b.getLocation();
        return loc.equals("mm:" + SCRIPT_SHELL) || loc.equals("mm:" + INTERACTIVE_SHELL)
                || (interactive && loc.equals("mm:" + JLINE));
    }

    private void start(Bundle b) throws LaunchException {
        BundleRevision rev = b.adapt(BundleRevision.class);
        if (rev != null && (rev.getTypes() & BundleRevision.TYPE_FRAGMENT) != 0) return;
        try {
            // transiently: a kept bundle cache must not restart anything by itself at the next run's init
            b.start(Bundle.START_TRANSIENT);
        } catch (BundleException e) {
            throw new LaunchException(profile.describe() + ": bundle " + b.getSymbolicName() + " cannot start: "
                    + Gogo.message(e), e);
        }
    }

    /** Whether {@code b} declares a capability in {@code namespace} (whose {@code attr} contains {@code value}). */
    private static boolean provides(Bundle b, String namespace, String attr, String value) {
        BundleRevision rev = b.adapt(BundleRevision.class);
        if (rev == null) return false;
        for (BundleCapability c : rev.getDeclaredCapabilities(namespace)) {
            if (attr == null) return true;
            Object v = c.getAttributes().get(attr);
            if (v instanceof List<?> l ? l.contains(value) : value.equals(v)) return true;
        }
        return false;
    }

    /** Applies the profile's {@code config} lines through Config Admin (by reflection: its API is in a bundle). */
    private void applyConfig() throws LaunchException {
        Map<String, Map<String, String>> byPid = profile.configByPid();
        if (byPid.isEmpty()) return;
        BundleContext ctx = framework.getBundleContext();
        if (!anyProvides(ctx, CM)) {
            throw new LaunchException(profile.describe() + " has config lines (" + profile.config.get(0).source()
                    + ") but no bundle in it provides Config Admin (add org.apache.felix.configadmin)");
        }
        ServiceReference<?> ref = awaitService(ctx, CM, SERVICE_HANG_BOUND_MS);
        if (ref == null) {
            throw new LaunchException(profile.describe() + ": Config Admin did not register its service within "
                    + SERVICE_HANG_BOUND_MS / 1000 + " s of starting");
        }
        try {
            Class<?> cmType = ref.getBundle().loadClass(CM);
            Class<?> confType = ref.getBundle().loadClass("org.osgi.service.cm.Configuration");
            Object cm = ctx.getService(ref);
            for (Map.Entry<String, Map<String, String>> e : byPid.entrySet()) {
                Object conf = cmType.getMethod("getConfiguration", String.class, String.class).invoke(cm, e.getKey(), "?");
                @SuppressWarnings("unchecked")
                Dictionary<String, Object> old = (Dictionary<String, Object>) confType.getMethod("getProperties").invoke(conf);
                Dictionary<String, Object> props = new Hashtable<>();
                if (old != null) for (var keys = old.keys(); keys.hasMoreElements(); ) {
                    String k = keys.nextElement();
                    props.put(k, old.get(k));
                }
                e.getValue().forEach(props::put);
                confType.getMethod("update", Dictionary.class).invoke(conf, props);
            }
        } catch (ReflectiveOperationException e) {
            throw new LaunchException(profile.describe() + ": cannot apply its config lines: " + Gogo.message(e), e);
        }
    }

    /**
     * A profile's {@code config mm.variant SUBSYSTEM=VARIANT} line must name a registered subsystem and variant:
     * checked once every bundle has started (the registry knows them all then), so that a misspelling fails the
     * launch with the known names instead of being ignored.
     */
    void checkVariantConfig() throws LaunchException {
        List<Profile.ConfigLine> lines = profile.config.stream().filter(c -> c.pid().equals(VARIANT_PID)).toList();
        if (lines.isEmpty()) return;
        BundleContext ctx = framework.getBundleContext();
        ServiceReference<?> ref = anyProvides(ctx, VARIANTS) ? awaitService(ctx, VARIANTS, SERVICE_HANG_BOUND_MS) : null;
        if (ref == null) {
            throw new LaunchException(profile.describe() + ": " + lines.get(0).source() + ": config "
                    + VARIANT_PID + " needs the variant registry, and no bundle in the profile provides it (add mm.variant)");
        }
        Map<?, ?> known;
        try {
            Object svc = ctx.getService(ref);
            known = (Map<?, ?>) ref.getBundle().loadClass(VARIANTS).getMethod("variants").invoke(svc);
        } catch (ReflectiveOperationException e) {
            throw new LaunchException(profile.describe() + ": cannot read the registered variants: " + Gogo.message(e), e);
        }
        for (Profile.ConfigLine c : lines) {
            Object variants = known.get(c.key());
            String where = c.source() + ": config " + VARIANT_PID + " " + c.key() + "=" + c.value() + ": ";
            if (variants == null) {
                throw new LaunchException(where + "unknown subsystem '" + c.key() + "' (subsystems: "
                        + String.join(", ", known.keySet().stream().map(String::valueOf).sorted().toList()) + ")");
            }
            if (!((List<?>) variants).contains(c.value())) {
                throw new LaunchException(where + "subsystem '" + c.key() + "' has no variant '" + c.value()
                        + "' (variants: " + String.join(", ", ((List<?>) variants).stream().map(String::valueOf).toList())
                        + ")");
            }
        }
    }

    /** Whether an installed bundle declares that it registers a {@code type} service (osgi.service capability). */
    static boolean anyProvides(BundleContext ctx, String type) {
        for (Bundle b : ctx.getBundles()) if (provides(b, "osgi.service", Constants.OBJECTCLASS, type)) return true;
        return false;
    }

    static ServiceReference<?> awaitService(BundleContext ctx, String type, long timeoutMs) {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (true) {
            try {
                ServiceReference<?>[] refs = ctx.getAllServiceReferences(type, null);
                if (refs != null && refs.length > 0) return refs[0];
            } catch (InvalidSyntaxException e) {
                throw new IllegalStateException(e);
            }
            if (System.nanoTime() > deadline) return null;
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    /** Opens a Gogo session whose output goes to {@code out}. */
    public Gogo session(InputStream in, PrintStream out, PrintStream err) throws LaunchException {
        return Gogo.open(framework.getBundleContext(), in, out, err, SERVICE_HANG_BOUND_MS);
    }

    /** Starts the interactive shell (gogo.jline) with jline's class loader as TCCL: jline finds its terminal providers through it (otherwise a dumb terminal). */
    void startInteractiveShell() throws LaunchException {
        BundleContext ctx = framework.getBundleContext();
        Bundle jline = ctx.getBundle("mm:" + JLINE);
        Bundle shell = ctx.getBundle("mm:" + INTERACTIVE_SHELL);
        if (jline == null || shell == null) throw new LaunchException("the interactive shell is not installed");
        start(jline);
        Thread t = Thread.currentThread();
        ClassLoader old = t.getContextClassLoader();
        BundleWiring w = jline.adapt(BundleWiring.class);
        if (w != null) t.setContextClassLoader(w.getClassLoader());
        try {
            start(shell);
        } finally {
            t.setContextClassLoader(old);
        }
    }

    /** Blocks until the framework stops (the shell's {@code exit} or {@code stop 0}). */
    void awaitStop() throws InterruptedException {
        framework.waitForStop(0);
    }

    public BundleContext context() {
        return framework.getBundleContext();
    }

    public Framework framework() {
        return framework;
    }

    /** Installed profile bundles, in profile order (shell bundles last). */
    public List<Bundle> bundles() {
        return List.copyOf(bundles);
    }

    /** System.nanoTime() when {@link #start} began. */
    long startNanos() {
        return startNanos;
    }

    /** The bundle cache, for --timing: "reused DIR", "made DIR" or "temporary (why)". */
    String storageNote() {
        return storage.describe();
    }

    /** How long each start-up phase took (init, install, resolve, start), in ms, for --timing. */
    String phases() {
        StringBuilder b = new StringBuilder();
        phases.forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append(k).append(' ').append(v / 1_000_000)
                .append(" ms").append(cpu.containsKey(k) ? " (cpu " + cpu.get(k) / 1_000_000 + ")" : ""));
        return b.toString();
    }

    /**
     * The end of a script run: the process exits next, so the framework is not stopped bundle by bundle (SCR
     * deactivating every component, Gogo, Config Admin: a few hundred ms for nothing, docs/build.md); only the
     * bundle cache is released (a temporary one deleted). Whatever a command writes is written before it returns (SafeFiles).
     */
    void abandon() {
        if (storage.madeNow()) {
            // the first run on a kept cache stops the framework in order: SCR stores the component descriptions
            close();
            return;
        }
        if (closed) return;
        closed = true;
        storage.release();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException e) {
            // the JVM is already exiting: the hook runs, harmlessly
        }
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        closeQuietly(null, framework, storage);
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException e) {
            // the JVM is already exiting: the hook runs, harmlessly
        }
    }

    private static void closeQuietly(Launch launch, Framework fw, Storage storage) {
        if (launch != null) {
            launch.close();
            return;
        }
        if (fw != null) stopQuietly(fw);
        storage.release();
    }

    /** Stops a framework and waits up to 10 s; a failure to stop is not the caller's concern (it goes anyway). */
    private static void stopQuietly(Framework fw) {
        try {
            fw.stop();
            fw.waitForStop(10_000);
        } catch (BundleException | RuntimeException e) {
            // stopping anyway
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
