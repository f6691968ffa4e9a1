package mm.web.internal;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.apache.felix.webconsole.spi.SecurityProvider;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.servlet.runtime.HttpServiceRuntime;

/**
 * The web console's login: HTTP basic authentication against the user and password of the configuration
 * {@value WebConfig#PID} (a password generated at start when none is configured). The web profile makes the console
 * require this provider ({@code felix.webconsole.security.providers=mm.web}), so the console serves nothing before it
 * is registered and never falls back to the console's built-in admin/admin. Prints the console's address and the
 * login once the HTTP runtime is up, and again when it moves.
 */
@Component(service = SecurityProvider.class, configurationPid = WebConfig.PID, immediate = true,
        property = SecurityProvider.PROPERTY_ID + "=" + WebLogin.PROVIDER_ID)
@Designate(ocd = WebConfig.class)
public final class WebLogin implements SecurityProvider {
    /** The id the web profile requires ({@code felix.webconsole.security.providers}). */
    static final String PROVIDER_ID = "mm.web";
    /** The web console's path (its default {@code manager.root}). */
    static final String CONSOLE_PATH = "system/console";
    static final String ENDPOINT = "osgi.http.endpoint";
    /** The framework properties of Felix HTTP Jetty that the web profile sets. */
    static final String PORT = "org.osgi.service.http.port";
    static final String HOST = "org.apache.felix.http.host";

    private final String user;
    private final byte[] password;
    private final String shownPassword;
    private final PrintStream out;
    private final UnaryOperator<String> properties;
    private String announced;

    @Activate
    public WebLogin(WebConfig config, BundleContext ctx) {
        this(config, System.out, new SecureRandom(), ctx::getProperty);
    }

    /** {@code properties}: the framework properties (the HTTP port and address the profile sets). */
    WebLogin(WebConfig config, PrintStream out, SecureRandom random, UnaryOperator<String> properties) {
        this.properties = properties;
        this.user = config.user().isBlank() ? "admin" : config.user().strip();
        boolean configured = !config.password().isEmpty();
        String pw = configured ? config.password() : generate(random);
        this.password = pw.getBytes(StandardCharsets.UTF_8);
        this.shownPassword = configured ? "as configured in " + WebConfig.PID : pw;
        this.out = out;
    }

    /** 16 characters of base64url: 96 random bits. */
    static String generate(SecureRandom random) {
        byte[] b = new byte[12];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    @Reference(service = HttpServiceRuntime.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, updated = "updatedRuntime")
    void bindRuntime(Map<String, Object> props) {
        announce(props);
    }

    void updatedRuntime(Map<String, Object> props) {
        announce(props);
    }

    void unbindRuntime(Map<String, Object> props) {
        // the console is gone with the runtime; the next runtime announces itself
    }

    /**
     * Felix HTTP Jetty starts its server while its bundle starts, before mm.web in the web profile: a runtime that is
     * not bound once this component is active means that Jetty could not listen (the port is taken or not allowed).
     */
    @Activate
    synchronized void started() {
        if (announced == null) print(notListening());
    }

    /** Prints the console's line for the runtime's first endpoint, once per address. */
    synchronized void announce(Map<String, Object> runtime) {
        String endpoint = firstEndpoint(runtime.get(ENDPOINT));
        print(endpoint != null ? line(endpoint) : notListening());
    }

    private void print(String text) {
        if (text.equals(announced)) return;
        announced = text;
        out.println(text);
        out.flush();
    }

    /** The sentence for a console that has no address: where it was to listen, and what to change. */
    String notListening() {
        String host = properties.apply(HOST);
        String port = properties.apply(PORT);
        String where = (host == null || host.isBlank() ? "all addresses" : host.strip()) + ", port "
                + (port == null || port.isBlank() ? "8080" : port.strip());
        return "mmkit web console: not listening (" + where + "): is the port in use? Choose another with 'property "
                + PORT + "=PORT' in a profile that includes @web (docs/web.md)";
    }

    /** {@code mmkit web console: http://127.0.0.1:8080/system/console (user admin, password ...)}. */
    String line(String endpoint) {
        String base = endpoint.endsWith("/") ? endpoint : endpoint + "/";
        return "mmkit web console: " + base + CONSOLE_PATH + " (user " + user + ", password " + shownPassword + ")";
    }

    static String firstEndpoint(Object value) {
        if (value instanceof String s) return s.isBlank() ? null : s;
        if (value instanceof String[] a) return a.length == 0 ? null : a[0];
        if (value instanceof Iterable<?> it) {
            for (Object o : it) return Objects.toString(o, null);
        }
        return null;
    }

    @Override
    public Object authenticate(HttpServletRequest request, HttpServletResponse response) {
        String user = check(request.getHeader("Authorization"));
        if (user != null) {
            request.setAttribute("org.osgi.service.http.authentication.type", HttpServletRequest.BASIC_AUTH);
            request.setAttribute("org.osgi.service.http.authentication.remote.user", user);
            return user;
        }
        response.setHeader("WWW-Authenticate", "Basic realm=\"mmkit\", charset=\"UTF-8\"");
        response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        response.setContentLength(0);
        return null;
    }

    /** The user of a valid {@code Authorization: Basic ...} header, else null. */
    String check(String header) {
        if (header == null) return null;
        String h = header.strip();
        if (h.length() < 6 || !h.regionMatches(true, 0, "Basic ", 0, 6)) return null;
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(h.substring(6).strip());
        } catch (IllegalArgumentException e) {
            return null;
        }
        String pair = new String(decoded, StandardCharsets.UTF_8);
        int colon = pair.indexOf(':');
        if (colon < 0) return null;
        String u = pair.substring(0, colon);
        byte[] p = pair.substring(colon + 1).getBytes(StandardCharsets.UTF_8);
        boolean ok = MessageDigest.isEqual(p, password) & u.equals(user);
        return ok ? u : null;
    }

    @Override
    public boolean authorize(Object user, String role) {
        return this.user.equals(user);
    }

    @Override
    public void logout(HttpServletRequest request, HttpServletResponse response) {
        // basic authentication: the browser forgets the login when it closes
    }
}
