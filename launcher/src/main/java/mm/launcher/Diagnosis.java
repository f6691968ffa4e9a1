package mm.launcher;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.namespace.BundleNamespace;
import org.osgi.framework.namespace.ExecutionEnvironmentNamespace;
import org.osgi.framework.namespace.HostNamespace;
import org.osgi.framework.namespace.IdentityNamespace;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRequirement;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.FrameworkWiring;

/** Explains, in mm terms, why bundles of a profile cannot resolve. */
final class Diagnosis {
    private Diagnosis() {}

    /**
     * One line per unresolved bundle: {@code bundle X cannot start: it needs ... which no bundle in the profile
     * provides}. Falls back to the framework's own message when every requirement has a provider (uses conflicts).
     */
    static List<String> explain(Collection<Bundle> bundles, FrameworkWiring wiring) {
        List<String> out = new ArrayList<>();
        for (Bundle b : bundles) {
            if (b.getState() != Bundle.INSTALLED) continue;
            BundleRevision rev = b.adapt(BundleRevision.class);
            if (rev == null) continue;
            Set<String> needs = new LinkedHashSet<>();
            for (BundleRequirement req : rev.getDeclaredRequirements(null)) {
                Map<String, String> dir = req.getDirectives();
                if (Constants.RESOLUTION_OPTIONAL.equals(dir.get(Constants.RESOLUTION_DIRECTIVE))) continue;
                String effective = dir.get(Constants.EFFECTIVE_DIRECTIVE);
                if (effective != null && !Constants.EFFECTIVE_RESOLVE.equals(effective)) continue;
                Collection<BundleCapability> providers = wiring.findProviders(req);
                if (providers.isEmpty() && bootRequirement(req, wiring) != null) {
                    needs.add(bootRequirement(req, wiring));
                    continue;
                }
                if (providers.isEmpty()) {
                    needs.add("it needs " + describe(req) + " which no bundle in the profile provides");
                    continue;
                }
                boolean anyUsable = false;
                Set<String> broken = new LinkedHashSet<>();
                for (BundleCapability cap : providers) {
                    Bundle p = cap.getRevision().getBundle();
                    if (p == b || p.getState() != Bundle.INSTALLED) anyUsable = true;
                    else broken.add(p.getSymbolicName());
                }
                if (!anyUsable && !broken.isEmpty()) {
                    needs.add("it needs " + describe(req) + " from " + String.join(", ", broken)
                            + ", which cannot start either");
                }
            }
            String name = b.getSymbolicName() == null ? b.getLocation() : b.getSymbolicName();
            if (needs.isEmpty()) {
                out.add("bundle " + name + " cannot start: " + frameworkMessage(b));
            } else {
                out.add("bundle " + name + " cannot start: " + String.join("; ", needs));
            }
        }
        return out;
    }

    /** The page_ext early variant's requirement on the boot configuration (Launch.bootCapability). */
    static final String EARLY_PAGE_EXT = "page_ext early init (early_page_ext) requires deferred struct page init off: "
            + "add 'config mm.variant deferred-init=off' to the profile";

    /**
     * A requirement in the mm.boot namespace (what the profile's boot configuration must be), explained in mm terms;
     * null for other requirements.
     */
    static String bootRequirement(BundleRequirement req, FrameworkWiring wiring) {
        if (!Launch.BOOT_NAMESPACE.equals(req.getNamespace())) return null;
        String filter = req.getDirectives().getOrDefault(Constants.FILTER_DIRECTIVE, "");
        if (filter.replace(" ", "").contains("(deferred-init=off)")) {
            return EARLY_PAGE_EXT + " (it requires capability " + Launch.BOOT_NAMESPACE + " " + filter
                    + ": the profile boots with " + current(wiring) + ")";
        }
        return "it requires the boot configuration " + Launch.BOOT_NAMESPACE + " " + filter + ", and the profile boots with "
                + current(wiring);
    }

    /** The mm.boot capability the system bundle provides: "deferred-init=per-node". */
    private static String current(FrameworkWiring wiring) {
        BundleRevision rev = wiring == null ? null : wiring.getBundle().adapt(BundleRevision.class);
        if (rev == null) return "an unknown boot configuration";
        List<String> out = new ArrayList<>();
        for (BundleCapability c : rev.getDeclaredCapabilities(Launch.BOOT_NAMESPACE)) {
            c.getAttributes().forEach((k, v) -> out.add(k + "=" + v));
        }
        return out.isEmpty() ? "no " + Launch.BOOT_NAMESPACE + " capability" : String.join(", ", out);
    }

    private static String frameworkMessage(Bundle b) {
        try {
            b.start();
            return "the framework resolved it only on a second attempt";
        } catch (BundleException e) {
            return e.getMessage();
        }
    }

    private static final Pattern NOT_GE = Pattern.compile("\\(!\\(version>=([^()]*)\\)\\)");
    private static final Pattern NOT_LE = Pattern.compile("\\(!\\(version<=([^()]*)\\)\\)");
    private static final Pattern GE = Pattern.compile("\\(version>=([^()]*)\\)");
    private static final Pattern LE = Pattern.compile("\\(version<=([^()]*)\\)");
    private static final Pattern EQ = Pattern.compile("\\(version=([^()]*)\\)");

    /** "package mm.core.api (version [1.0,2.0))", "extender osgi.component ... (the Declarative Services runtime)". */
    static String describe(BundleRequirement req) {
        String ns = req.getNamespace();
        String filter = req.getDirectives().getOrDefault(Constants.FILTER_DIRECTIVE, "");
        String what = switch (ns) {
            case PackageNamespace.PACKAGE_NAMESPACE -> "package";
            case BundleNamespace.BUNDLE_NAMESPACE -> "bundle";
            case HostNamespace.HOST_NAMESPACE -> "host bundle";
            case IdentityNamespace.IDENTITY_NAMESPACE -> "bundle";
            case ExecutionEnvironmentNamespace.EXECUTION_ENVIRONMENT_NAMESPACE -> "Java environment";
            case "osgi.extender" -> "extender";
            case "osgi.service" -> "service";
            default -> "capability " + ns;
        };
        String key = ns.equals("osgi.service") ? Constants.OBJECTCLASS : ns;
        Matcher m = Pattern.compile("\\(" + Pattern.quote(key) + "=([^()]*)\\)").matcher(filter);
        if (!m.find()) return what + " " + filter;
        String value = m.group(1);
        String range = range(filter);
        String s = what + " " + value + (range == null ? "" : " (version " + range + ")");
        if (ns.equals("osgi.extender") && value.equals("osgi.component")) s += " (the Declarative Services runtime)";
        if (ns.equals("osgi.extender") && value.equals("osgi.serviceloader.processor")) s += " (SPI Fly)";
        return s;
    }

    private static String range(String filter) {
        String f = filter;
        String hi = null;
        String lo = null;
        char hiB = ')';
        char loB = '[';
        Matcher m;
        if ((m = NOT_GE.matcher(f)).find()) {
            hi = m.group(1);
            f = m.replaceAll("");
        } else if ((m = LE.matcher(f)).find()) {
            hi = m.group(1);
            hiB = ']';
            f = m.replaceAll("");
        }
        if ((m = NOT_LE.matcher(f)).find()) {
            lo = m.group(1);
            loB = '(';
        } else if ((m = GE.matcher(f)).find()) {
            lo = m.group(1);
        } else if ((m = EQ.matcher(f)).find()) {
            return shorten(m.group(1), 2);
        }
        if (lo == null && hi == null) return null;
        if (hi == null) return ">=" + shorten(lo, 2);
        return loB + (lo == null ? "0" : shorten(lo, 2)) + "," + shorten(hi, 1) + hiB;
    }

    /** Drops trailing ".0" segments down to {@code keep} segments, as bnd writes ranges: [1.0,2), [2.18,3). */
    static String shorten(String v, int keep) {
        String s = v.trim();
        while (s.endsWith(".0") && s.split("\\.").length > keep) s = s.substring(0, s.length() - 2);
        return s;
    }
}
