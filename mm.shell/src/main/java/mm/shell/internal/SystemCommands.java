package mm.shell.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import mm.shell.api.Help;
import mm.shell.api.Report;
import mm.shell.api.ReportPrinter;
import mm.variant.api.VariantService;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code mm:variant}, {@code mm:profile}, {@code mm:version}: what is running and which variants are chosen. */
@Component(service = SystemCommands.class, property = Help.GROUP + "=" + HelpCommands.RUNTIME_GROUP)
@GogoCommand(scope = "mm", function = {"variant", "profile", "version"})
public final class SystemCommands {
    /** Framework properties published by the launcher. */
    public static final String PROFILE = "mm.profile";
    public static final String PROFILE_FILE = "mm.profile.file";
    /** Comma-separated bundle locations, in start order. */
    public static final String PROFILE_BUNDLES = "mm.profile.bundles";
    /** The profile's {@code config} lines, newline-separated. */
    public static final String PROFILE_CONFIG = "mm.profile.config";

    private final BundleContext ctx;
    private final VariantService variants;
    private final ReportPrinter out;

    @Activate
    public SystemCommands(BundleContext ctx, @Reference VariantService variants, @Reference ReportPrinter out) {
        this.ctx = ctx;
        this.variants = variants;
        this.out = out;
    }

    // ---------------------------------------------------------------- mm:variant

    @Descriptor("list every subsystem with variants, its variants and the active one (marked *)")
    public void variant() {
        Map<String, List<String>> all = variants.variants();
        Map<String, String> selection = variants.selection();
        TreeSet<String> subs = new TreeSet<>(all.keySet());
        subs.addAll(selection.keySet());
        List<Object> rows = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        if (subs.isEmpty()) {
            text.append("no subsystem has variants\n");
        } else {
            int w = Math.max("SUBSYSTEM".length(), subs.stream().mapToInt(String::length).max().orElse(0)) + 2;
            text.append(pad("SUBSYSTEM", w)).append("VARIANTS (* = active)\n");
            for (String sub : subs) {
                rows.add(row(sub, all, selection));
                text.append(pad(sub, w)).append(line(sub, all, selection)).append('\n');
            }
        }
        out.print(Report.of("variants", text.toString(), Map.of("subsystems", rows)));
    }

    @Descriptor("show the variants of one subsystem and the active one (marked *)")
    public void variant(@Descriptor("subsystem, e.g. page-ext or deferred-init") String subsystem) {
        Map<String, List<String>> all = variants.variants();
        Map<String, String> selection = variants.selection();
        if (!all.containsKey(subsystem) && !selection.containsKey(subsystem)) {
            throw new IllegalArgumentException(unknown(subsystem, all));
        }
        Map<String, Object> row = row(subsystem, all, selection);
        out.print(Report.of("variant", subsystem + ": " + line(subsystem, all, selection), row));
    }

    @Descriptor("select the variant of a subsystem (refused with the reason when unknown or impossible)")
    public void variant(@Descriptor("subsystem, e.g. page-ext or deferred-init") String subsystem,
                        @Descriptor("variant name, e.g. early") String name) {
        String before = variants.active(subsystem);
        variants.select(subsystem, name);
        String now = variants.active(subsystem);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("subsystem", subsystem);
        data.put("selected", name);
        data.put("previous", before);
        data.put("active", now);
        String text = subsystem + ": " + name + (before == null ? " (was none)" : " (was " + before + ")");
        if (!name.equals(now)) text += ", but it is not active: " + (now == null ? "none is" : now + " is");
        out.print(Report.of("variant-select", text, data));
    }

    private Map<String, Object> row(String sub, Map<String, List<String>> all, Map<String, String> selection) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("subsystem", sub);
        row.put("variants", all.getOrDefault(sub, List.of()));
        row.put("selected", selection.get(sub));
        row.put("active", variants.active(sub));
        return row;
    }

    private String line(String sub, Map<String, List<String>> all, Map<String, String> selection) {
        String active = variants.active(sub);
        String selected = selection.get(sub);
        StringBuilder b = new StringBuilder();
        for (String v : all.getOrDefault(sub, List.of())) {
            if (b.length() > 0) b.append(' ');
            b.append(v.equals(active) ? "*" : "").append(v);
        }
        if (selected == null) {
            b.append(b.length() > 0 ? "  " : "").append("(none selected)");
        } else if (active == null) {
            b.append(b.length() > 0 ? "  " : "").append("(selected '").append(selected)
                    .append("' is not available: none active)");
        }
        return b.toString();
    }

    private static String unknown(String subsystem, Map<String, List<String>> all) {
        return all.isEmpty() ? "unknown subsystem '" + subsystem + "': no variants are registered"
                : "unknown subsystem '" + subsystem + "' (subsystems: " + String.join(", ", new TreeSet<>(all.keySet()))
                        + ")";
    }

    // ---------------------------------------------------------------- mm:profile

    @Descriptor("show the launcher profile: its name and file, its bundles with their state, its config lines")
    public void profile() {
        String name = ctx.getProperty(PROFILE);
        if (name == null) {
            throw new IllegalStateException("no profile: this framework was not started by the mmkit launcher");
        }
        String file = ctx.getProperty(PROFILE_FILE);
        List<Object> bundles = new ArrayList<>();
        StringBuilder text = new StringBuilder("profile ").append(name);
        if (file != null) text.append(" (").append(file).append(')');
        text.append("\nbundles:\n");
        List<String[]> lines = new ArrayList<>();
        String bundleList = ctx.getProperty(PROFILE_BUNDLES);
        for (String loc : bundleList == null ? new String[0] : bundleList.split(",")) {
            if (loc.isBlank()) continue;
            Bundle b = ctx.getBundle(loc.trim());
            Map<String, Object> row = new LinkedHashMap<>();
            if (b == null) {
                row.put("location", loc);
                row.put("state", "UNINSTALLED");
                lines.add(new String[] {"-", "UNINSTALLED", loc, ""});
            } else {
                String state = state(b);
                row.put("id", b.getBundleId());
                row.put("name", b.getSymbolicName());
                row.put("version", b.getVersion().toString());
                row.put("state", state);
                row.put("location", loc);
                lines.add(new String[] {String.valueOf(b.getBundleId()), state, b.getSymbolicName(),
                        b.getVersion().toString()});
            }
            bundles.add(row);
        }
        int w = lines.stream().mapToInt(l -> l[2].length()).max().orElse(4) + 2;
        text.append(String.format("  %4s  %-20s  %s%s%n", "ID", "STATE", pad("NAME", w), "VERSION"));
        for (String[] l : lines) text.append(String.format("  %4s  %-20s  %s%s%n", l[0], l[1], pad(l[2], w), l[3]));
        List<String> config = new ArrayList<>();
        String cfg = ctx.getProperty(PROFILE_CONFIG);
        if (cfg != null) for (String l : cfg.split("\n")) if (!l.isBlank()) config.add(l.trim());
        text.append("config:");
        if (config.isEmpty()) text.append(" none\n");
        else {
            text.append('\n');
            for (String l : config) text.append("  ").append(l).append('\n');
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("name", name);
        data.put("file", file);
        data.put("bundles", bundles);
        data.put("config", config);
        out.print(Report.of("profile", text.toString(), data));
    }

    private static String state(Bundle b) {
        String s = switch (b.getState()) {
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.ACTIVE -> "ACTIVE";
            default -> "UNINSTALLED";
        };
        return b.getHeaders("").get(Constants.FRAGMENT_HOST) != null ? s + " (fragment)" : s;
    }

    // ---------------------------------------------------------------- mm:version

    @Descriptor("show the mmkit, Felix and Java versions")
    public void version() {
        String mmkit = ctx.getBundle().getHeaders("").get(Constants.BUNDLE_VERSION);
        String felix = ctx.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).getVersion().toString();
        String java = System.getProperty("java.version");
        String vm = System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version");
        String vendor = System.getProperty("java.vendor");
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("mmkit", mmkit);
        data.put("felix", felix);
        data.put("java", java);
        data.put("vm", vm);
        data.put("vendor", vendor);
        String text = "mmkit " + mmkit + "\nfelix " + felix + "\njava " + java + " (" + vendor + ", " + vm + ")\n";
        out.print(Report.of("version", text, data));
    }

    private static String pad(String s, int w) {
        return s.length() >= w ? s + " " : s + " ".repeat(w - s.length());
    }
}
