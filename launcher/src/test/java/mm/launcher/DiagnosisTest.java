package mm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.osgi.framework.wiring.BundleRequirement;
import org.osgi.framework.wiring.BundleRevision;

class DiagnosisTest {
    /** A requirement as the resolver reports it, for the diagnosis tests. */
    static BundleRequirement req(String ns, String filter) {
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
    void packagesWithVersionRanges() {
        assertEquals("package mm.core.api (version [1.0,2))", Diagnosis.describe(req("osgi.wiring.package",
                "(&(osgi.wiring.package=mm.core.api)(version>=1.0.0)(!(version>=2.0.0)))")));
        assertEquals("package org.slf4j (version >=1.7.36)", Diagnosis.describe(req("osgi.wiring.package",
                "(&(osgi.wiring.package=org.slf4j)(version>=1.7.36))")));
        assertEquals("package x", Diagnosis.describe(req("osgi.wiring.package", "(osgi.wiring.package=x)")));
    }

    @Test
    void theDeclarativeServicesExtender() {
        assertEquals("extender osgi.component (version [1.5,2)) (the Declarative Services runtime)",
                Diagnosis.describe(req("osgi.extender",
                        "(&(osgi.extender=osgi.component)(version>=1.5.0)(!(version>=2.0.0)))")));
    }

    @Test
    void theJavaVersion() {
        assertEquals("Java environment JavaSE (version 21)", Diagnosis.describe(req("osgi.ee",
                "(&(osgi.ee=JavaSE)(version=21))")));
    }

    @Test
    void shortening() {
        assertEquals("2.18", Diagnosis.shorten("2.18.0", 2));
        assertEquals("3", Diagnosis.shorten("3.0.0", 1));
        assertEquals("1.0", Diagnosis.shorten("1.0.0", 2));
        assertEquals("1.2.3", Diagnosis.shorten("1.2.3", 1));
    }
}
