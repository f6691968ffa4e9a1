package mm.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import mm.variant.api.VariantService;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;

class SystemCommandsTest {
    /** Two subsystems: pageext (late selected and active), reporting (bitmap selected, its bundle stopped). */
    static final class FakeVariants implements VariantService {
        final Map<String, String> selection = new TreeMap<>(Map.of("pageext", "late", "reporting", "bitmap"));

        @Override
        public Map<String, List<String>> variants() {
            return Map.of("pageext", List.of("early", "late"), "reporting", List.of("array"));
        }

        @Override
        public String active(String subsystem) {
            String s = selection.get(subsystem);
            return variants().getOrDefault(subsystem, List.of()).contains(s) ? s : null;
        }

        @Override
        public Map<String, String> selection() {
            return selection;
        }

        @Override
        public void select(String subsystem, String variant) {
            if (!variants().getOrDefault(subsystem, List.of()).contains(variant)) {
                throw new IllegalArgumentException("subsystem '" + subsystem + "' has no variant '" + variant + "'");
            }
            selection.put(subsystem, variant);
        }

        @Override
        public <T> T activeService(String subsystem, Class<T> type) {
            return null;
        }
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
        PrintStream old = System.out;
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        System.setOut(new PrintStream(b, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setOut(old);
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    @Test
    void listingMarksTheActiveVariantAndAnUnavailableSelection() {
        SystemCommands c = new SystemCommands(context(false), new FakeVariants(), new ReportPrinterImpl(false));
        assertEquals("""
                SUBSYSTEM  VARIANTS (* = active)
                pageext    early *late
                reporting  array  (selected 'bitmap' is not available: none active)
                """, capture(c::variant));
        assertEquals("pageext: early *late\n", capture(() -> c.variant("pageext")));
    }

    @Test
    void listingAsJson() {
        SystemCommands c = new SystemCommands(context(true), new FakeVariants(), new ReportPrinterImpl(true));
        assertEquals("{\"report\":\"variants\",\"subsystems\":["
                + "{\"subsystem\":\"pageext\",\"variants\":[\"early\",\"late\"],\"selected\":\"late\",\"active\":\"late\"},"
                + "{\"subsystem\":\"reporting\",\"variants\":[\"array\"],\"selected\":\"bitmap\",\"active\":null}]}\n",
                capture(c::variant));
    }

    @Test
    void selectingSaysWhatChanged() {
        SystemCommands c = new SystemCommands(context(false), new FakeVariants(), new ReportPrinterImpl(false));
        assertEquals("pageext: early (was late)\n", capture(() -> c.variant("pageext", "early")));
        assertEquals("reporting: array (was none)\n", capture(() -> c.variant("reporting", "array")));
    }

    @Test
    void errorsNameTheKnownSubsystems() {
        SystemCommands c = new SystemCommands(context(false), new FakeVariants(), new ReportPrinterImpl(false));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.variant("nosuch"));
        assertEquals("unknown subsystem 'nosuch' (subsystems: pageext, reporting)", e.getMessage());
    }
}
