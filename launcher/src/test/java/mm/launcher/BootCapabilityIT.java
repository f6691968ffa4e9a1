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
/** Needs the embedded bundles (the profiles name them), so it runs after package, with the integration tests. */
class BootCapabilityIT {
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

    @Test
    void theEarlyPageExtRequirementIsExplainedInMmTerms() {
        assertEquals("page_ext early init (early_page_ext) requires deferred struct page init off: add 'config"
                + " mm.variant deferred-init=off' to the profile (it requires capability mm.boot (deferred-init=off): the"
                + " profile boots with an unknown boot configuration)",
                Diagnosis.bootRequirement(DiagnosisTest.req("mm.boot", "(deferred-init=off)"), null));
        assertNull(Diagnosis.bootRequirement(DiagnosisTest.req("osgi.wiring.package", "(osgi.wiring.package=x)"), null));
    }
}
