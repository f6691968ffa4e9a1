package mm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.wiring.BundleRequirement;
import org.osgi.framework.wiring.BundleRevision;

/** The mm.boot capability a profile gives the system bundle, and how a bundle missing it is explained. */
class BootCapabilityTest {
    @TempDir
    Path tmp;

    private Profile profile(String... lines) throws Exception {
        Path p = tmp.resolve("p.txt");
        Files.writeString(p, String.join("\n", lines) + "\n");
        return Profile.load(p.toString());
    }

    @Test
    void theProfilesDeferredInitSelectionOrMmCoresDefault() throws Exception {
        assertEquals("mm.boot;deferred-init=\"per-node\"", Launch.bootCapability(profile("mm.core")));
        assertEquals("mm.boot;deferred-init=\"off\"",
                Launch.bootCapability(profile("mm.core", "config mm.variant deferred-init=off")));
        assertEquals("mm.boot;deferred-init=\"multithreaded\"",
                Launch.bootCapability(profile("config mm.variant page-ext=late", "config mm.variant deferred-init=multithreaded")));
    }

    private static BundleRequirement req(String ns, String filter) {
        return new BundleRequirement() {
            @Override public BundleRevision getRevision() { return null; }
            @Override public BundleRevision getResource() { return null; }
            @Override public boolean matches(org.osgi.framework.wiring.BundleCapability c) { return false; }
            @Override public String getNamespace() { return ns; }
            @Override public Map<String, String> getDirectives() { return Map.of("filter", filter); }
            @Override public Map<String, Object> getAttributes() { return Map.of(); }
        };
    }

    @Test
    void theEarlyPageExtRequirementIsExplainedInMmTerms() {
        assertEquals("page_ext early init (early_page_ext) requires deferred struct page init off: add 'config"
                + " mm.variant deferred-init=off' to the profile (it requires capability mm.boot (deferred-init=off): the"
                + " profile boots with an unknown boot configuration)",
                Diagnosis.bootRequirement(req("mm.boot", "(deferred-init=off)"), null));
        assertNull(Diagnosis.bootRequirement(req("osgi.wiring.package", "(osgi.wiring.package=x)"), null));
    }
}
