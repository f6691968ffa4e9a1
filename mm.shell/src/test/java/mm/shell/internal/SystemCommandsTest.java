package mm.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import mm.variant.api.VariantService;
import mm.variant.internal.StandaloneVariants;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;

class SystemCommandsTest {
    /** Two subsystems: page-ext (late selected and active), reporting (bitmap selected, its bundle stopped). */
    static VariantService variants() {
        Object bitmap = "bitmap strategy";
        StandaloneVariants v = new StandaloneVariants()
                .register("page-ext", "early", false, "early init")
                .register("page-ext", "late", true, "late init")
                .register("reporting", "array", false, "array strategy")
                .register("reporting", "bitmap", true, bitmap);
        v.select("reporting", "bitmap");
        v.unregister(bitmap);
        return v;
    }

    private static BundleContext context(boolean json) {
        return (BundleContext) Proxy.newProxyInstance(BundleContext.class.getClassLoader(),
                new Class<?>[] {BundleContext.class}, (p, m, a) -> {
                    if (m.getName().equals("getProperty") && mm.shell.api.ReportPrinter.JSON_PROPERTY.equals(a[0])) return json ? "true" : null;
                    if (m.getName().equals("getProperty")) return null;
                    throw new UnsupportedOperationException(m.getName());
                });
    }

    private static String capture(Runnable r) {
        try {
            return StdoutCapture.of(r::run);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void listingMarksTheActiveVariantAndAnUnavailableSelection() {
        SystemCommands c = new SystemCommands(context(false), variants(), new ReportPrinterImpl(false));
        assertEquals("""
                SUBSYSTEM  VARIANTS (* = active)
                page-ext   early *late
                reporting  array  (selected 'bitmap' is not available: none active)
                """, capture(c::variant));
        assertEquals("page-ext: early *late\n", capture(() -> c.variant("page-ext")));
    }

    @Test
    void listingAsJson() {
        SystemCommands c = new SystemCommands(context(true), variants(), new ReportPrinterImpl(true));
        assertEquals("{\"report\":\"variants\",\"subsystems\":["
                + "{\"subsystem\":\"page-ext\",\"variants\":[\"early\",\"late\"],\"selected\":\"late\",\"active\":\"late\"},"
                + "{\"subsystem\":\"reporting\",\"variants\":[\"array\"],\"selected\":\"bitmap\",\"active\":null}]}\n",
                capture(c::variant));
    }

    @Test
    void selectingSaysWhatChanged() {
        SystemCommands c = new SystemCommands(context(false), variants(), new ReportPrinterImpl(false));
        assertEquals("page-ext: early (was late)\n", capture(() -> c.variant("page-ext", "early")));
        assertEquals("reporting: array (was none)\n", capture(() -> c.variant("reporting", "array")));
    }

    @Test
    void errorsNameTheKnownSubsystems() {
        SystemCommands c = new SystemCommands(context(false), variants(), new ReportPrinterImpl(false));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.variant("nosuch"));
        assertEquals("unknown subsystem 'nosuch' (subsystems: page-ext, reporting)", e.getMessage());
    }
}
