package mm.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.annotation.Annotation;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebLoginTest {
    static WebConfig config(String user, String password) {
        return new WebConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return WebConfig.class;
            }

            @Override
            public String user() {
                return user;
            }

            @Override
            public String password() {
                return password;
            }
        };
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

    @Test
    void withoutAConfiguredPasswordOneIsGeneratedPrintedWithTheUrlAndOnlyItLogsIn() {
        WebLogin login = new WebLogin(config("admin", ""), out, new SecureRandom(), k -> null);
        login.announce(Map.of(WebLogin.ENDPOINT, new String[] {"http://127.0.0.1:8080/"}));
        String line = printed.toString(StandardCharsets.UTF_8).strip();
        assertTrue(line.matches("mmkit web console: http://127\\.0\\.0\\.1:8080/system/console \\(user admin, password"
                + " [A-Za-z0-9_-]{16}\\)"), line);
        String password = line.substring(line.lastIndexOf(' ') + 1, line.length() - 1);
        assertEquals("admin", login.check(basic("admin", password)));
        assertNull(login.check(basic("admin", "admin")), "never the console's admin/admin");
        assertNull(login.check(basic("root", password)));
        assertNull(login.check(basic("admin", password + "x")));
        assertNull(login.check("Basic !!!not-base64"));
        assertNull(login.check("Bearer x"));
        assertNull(login.check(null));
    }

    @Test
    void aRuntimeWithoutAnEndpointOnTheAddressSaysItIsNotListening() {
        Map<String, String> fw = Map.of(WebLogin.HOST, "127.0.0.1", WebLogin.PORT, "9090");
        WebLogin login = new WebLogin(config("admin", "pw"), out, new SecureRandom(), fw::get);
        login.started();
        assertEquals("mmkit web console: not listening (127.0.0.1, port 9090): is the port in use? Choose another with"
                + " 'property org.osgi.service.http.port=PORT' in a profile that includes @web (docs/web.md)",
                printed.toString(StandardCharsets.UTF_8).strip());
        login.announce(Map.of(WebLogin.ENDPOINT, new String[] {"http://127.0.0.1:9090/"}));
        assertTrue(printed.toString(StandardCharsets.UTF_8).endsWith("http://127.0.0.1:9090/system/console (user admin,"
                + " password as configured in mm.web)\n"), printed.toString());
    }

    @Test
    void eachStartGeneratesAnotherPassword() {
        SecureRandom r = new SecureRandom();
        assertNotEquals(WebLogin.generate(r), WebLogin.generate(r));
    }

    @Test
    void aConfiguredLoginIsUsedAndItsPasswordNotPrinted() {
        WebLogin login = new WebLogin(config("alice", "s3cret: yes"), out, new SecureRandom(), k -> null);
        login.announce(Map.of(WebLogin.ENDPOINT, "http://127.0.0.1:9090/"));
        assertEquals("mmkit web console: http://127.0.0.1:9090/system/console (user alice, password as configured in"
                + " mm.web)", printed.toString(StandardCharsets.UTF_8).strip());
        assertEquals("alice", login.check(basic("alice", "s3cret: yes")));
        assertNull(login.check(basic("admin", "s3cret: yes")));
    }

    @Test
    void theLineIsPrintedOncePerAddress() {
        WebLogin login = new WebLogin(config("admin", "pw"), out, new SecureRandom(), k -> null);
        login.announce(Map.of(WebLogin.ENDPOINT, List.of("http://127.0.0.1:8080/")));
        login.started();
        login.announce(Map.of(WebLogin.ENDPOINT, List.of("http://127.0.0.1:8080/")));
        login.announce(Map.of(WebLogin.ENDPOINT, List.of("http://127.0.0.1:8081/")));
        assertEquals(2, printed.toString(StandardCharsets.UTF_8).lines().count(), printed.toString());
    }
}
