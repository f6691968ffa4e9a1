package mm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * The variant mechanism in the real framework (booted in this JVM through {@link Launch}), with the test-only
 * subsystem {@code itest.greeter}: variant a (the default) and a constraint in bundle itest.variants, variants b and c
 * in bundle itest.variants.b. The profile selects b through a config line.
 */
class VariantsIT {
    @TempDir
    static Path tmp;
    static Launch launch;
    static Gogo gogo;
    static final ByteArrayOutputStream out = new ByteArrayOutputStream();

    @BeforeAll
    static void boot() throws Exception {
        Path profile = tmp.resolve("variants.txt");
        Files.writeString(profile, String.join("\n", "@full", Mmkit.itestBundle("itest.variants.jar").toString(),
                Mmkit.itestBundle("itest.variants-b.jar").toString(), "config mm.variant itest.greeter=b", ""));
        launch = Launch.start(profile.toString(), Launch.Settings.script(false));
        gogo = launch.session(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    @AfterAll
    static void stop() {
        if (gogo != null) gogo.close();
        if (launch != null) launch.close();
    }

    /** Runs one Gogo command line and returns what it printed. */
    static String sh(String line) throws Exception {
        out.reset();
        gogo.run(line);
        return out.toString(StandardCharsets.UTF_8);
    }

    /** What a consumer gets: VariantService.activeService("itest.greeter", Greeter.class).greet(), or null. */
    static String greet() throws Exception {
        BundleContext ctx = launch.context();
        ServiceReference<?> ref = ctx.getAllServiceReferences("mm.variant.api.VariantService", null)[0];
        Object variants = ctx.getService(ref);
        try {
            Class<?> greeterType = bundle("itest.variants").loadClass("itest.variants.api.Greeter");
            Method activeService = ref.getBundle().loadClass("mm.variant.api.VariantService")
                    .getMethod("activeService", String.class, Class.class);
            Object greeter = activeService.invoke(variants, "itest.greeter", greeterType);
            return greeter == null ? null : (String) greeterType.getMethod("greet").invoke(greeter);
        } finally {
            ctx.ungetService(ref);
        }
    }

    static Bundle bundle(String bsn) {
        for (Bundle b : launch.context().getBundles()) if (bsn.equals(b.getSymbolicName())) return b;
        throw new AssertionError("no bundle " + bsn);
    }

    @Test
    void selectCallRefuseStopAndStartAgain() throws Exception {
        // the profile's config line selected b before the bundles started
        assertEquals("itest.greeter: a *b c\n", sh("mm:variant itest.greeter"));
        assertEquals("hello from b", greet());

        assertEquals("itest.greeter: a (was b)\n", sh("mm:variant itest.greeter a"));
        assertEquals("hello from a", greet());

        assertEquals("itest.greeter: b (was a)\n", sh("mm:variant itest.greeter b"));
        assertEquals("hello from b", greet());

        Exception refused = assertThrows(Exception.class, () -> sh("mm:variant itest.greeter c"));
        // the constraint sees the whole selection as it would be (other subsystems' choices too)
        assertTrue(refused.getMessage().matches("cannot select itest\\.greeter=c: variant c is never allowed "
                + "\\(asked with selection \\{(.*, )?itest\\.greeter=c(, .*)?\\}\\)"), refused.getMessage());
        assertEquals("hello from b", greet(), "a refused choice changes nothing");

        Exception unknown = assertThrows(Exception.class, () -> sh("mm:variant itest.greeter z"));
        assertEquals("subsystem 'itest.greeter' has no variant 'z' (variants: a, b, c)", unknown.getMessage());

        // the selected variant's bundle stops: no active variant, and no silent switch to the default a
        Bundle b = bundle("itest.variants.b");
        b.stop();
        assertNull(greet());
        assertEquals("itest.greeter: a  (selected 'b' is not available: none active)\n", sh("mm:variant itest.greeter"));

        // it comes back: the selection still holds
        b.start();
        assertEquals("hello from b", greet());
        assertEquals("itest.greeter: a *b c\n", sh("mm:variant itest.greeter"));

        // listeners were told every change of the active variant (the first when itest.variants.b started)
        assertEquals(List.of("itest.greeter: none -> b", "itest.greeter: b -> a", "itest.greeter: a -> b", "itest.greeter: b -> none",
                "itest.greeter: none -> b"), List.of(sh("itest:events").split("\n")));
    }

    @Test
    void theListingMarksTheActiveVariant() throws Exception {
        String listing = sh("mm:variant");
        assertTrue(listing.startsWith("SUBSYSTEM "), listing);
        assertTrue(listing.lines().anyMatch(l -> l.matches("itest\\.greeter +a \\*b c")), listing);
    }
}
