package mm.machine.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The kernel's build: a version preset (the Debian config of that kernel, as the reference boots were built) and the
 * {@code CONFIG_} options set on top of it, only those that change what mmkit emulates. {@code options} holds the
 * options set explicitly, in the kernel's spelling ({@code CONFIG_CMA=y}); the accessors give the effective values.
 * <p>
 * Presets (docs/machine-format.md, "Kernel build configuration"):
 * <ul>
 * <li>{@code 6.12} (the default): the reference kernel, Debian 6.12's config plus {@code CONFIG_PAGE_OWNER=y}:
 * hot-added memory onlined ({@code CONFIG_MEMORY_HOTPLUG_DEFAULT_ONLINE=y}), deferred struct page init, no CMA,
 * unaccepted memory supported (meminfo's {@code Unaccepted:}); the {@code Memory:} line after deferred init.</li>
 * <li>{@code 6.1}: Debian 6.1: hot-added blocks stay offline, no unaccepted memory (6.5 added it), start_kernel
 * builds the zonelists before it prints the command line, and mm_init prints the {@code Memory:} line right after
 * memblock_free_all, before deferred init (its "available" figure lacks the pages still deferred).</li>
 * </ul>
 */
public record KernelConfig(String version, Map<String, String> options) {
    /** The presets, the default first. */
    public static final List<String> VERSIONS = List.of("6.12", "6.1");

    /** Every option mmkit reads, with the values it takes ({@code y}/{@code n}). */
    public static final List<String> OPTIONS = List.of("CONFIG_MEMORY_HOTPLUG_DEFAULT_ONLINE",
            "CONFIG_MHP_DEFAULT_ONLINE_TYPE_OFFLINE", "CONFIG_MHP_DEFAULT_ONLINE_TYPE_ONLINE_AUTO",
            "CONFIG_MHP_DEFAULT_ONLINE_TYPE_ONLINE_KERNEL", "CONFIG_MHP_DEFAULT_ONLINE_TYPE_ONLINE_MOVABLE",
            "CONFIG_PAGE_OWNER", "CONFIG_DEFERRED_STRUCT_PAGE_INIT", "CONFIG_SHUFFLE_PAGE_ALLOCATOR", "CONFIG_CMA",
            "CONFIG_DMA_CMA", "CONFIG_UNACCEPTED_MEMORY");

    private static final String MHP_TYPE = "CONFIG_MHP_DEFAULT_ONLINE_TYPE_";

    public KernelConfig {
        if (!VERSIONS.contains(version)) throw new IllegalArgumentException(unknownVersion(version));
        Map<String, String> m = new TreeMap<>(options);
        for (Map.Entry<String, String> e : m.entrySet()) {
            String why = check(version, e.getKey(), e.getValue());
            if (why != null) throw new IllegalArgumentException(why);
        }
        options = java.util.Collections.unmodifiableMap(m);
    }

    /** The reference kernel's build (6.12). */
    public static KernelConfig defaults() { return new KernelConfig("6.12", Map.of()); }

    public static KernelConfig preset(String version) { return new KernelConfig(version, Map.of()); }

    static String unknownVersion(String v) {
        return "unknown kernel version '" + v + "' (presets: " + String.join(", ", VERSIONS) + ")";
    }

    /** Why {@code name=value} cannot be set on a build of {@code version}, or null when it can. */
    public static String check(String version, String name, String value) {
        if (!OPTIONS.contains(name)) {
            return "unknown build option '" + name + "' (known: CONFIG_MEMORY_HOTPLUG_DEFAULT_ONLINE, "
                    + MHP_TYPE + "*, CONFIG_PAGE_OWNER, CONFIG_DEFERRED_STRUCT_PAGE_INIT, CONFIG_SHUFFLE_PAGE_ALLOCATOR,"
                    + " CONFIG_CMA, CONFIG_DMA_CMA, CONFIG_UNACCEPTED_MEMORY)";
        }
        if (!value.equals("y") && !value.equals("n")) return "expected " + name + "=y or " + name + "=n, got '"
                + name + "=" + value + "'";
        if (name.startsWith(MHP_TYPE) && value.equals("n")) return name + " is one choice of the default online type:"
                + " set the one you want to y";
        if (name.equals("CONFIG_UNACCEPTED_MEMORY") && value.equals("y") && version.equals("6.1")) {
            return "CONFIG_UNACCEPTED_MEMORY does not exist in 6.1 (added in 6.5)";
        }
        return null;
    }

    /** This build with {@code name=value} set (a default online type replaces the one set before). */
    public KernelConfig with(String name, String value) {
        Map<String, String> m = new LinkedHashMap<>(options);
        if (name.startsWith(MHP_TYPE) || name.equals("CONFIG_MEMORY_HOTPLUG_DEFAULT_ONLINE")) {
            m.keySet().removeIf(k -> k.startsWith(MHP_TYPE) || k.equals("CONFIG_MEMORY_HOTPLUG_DEFAULT_ONLINE"));
        }
        m.put(name, value);
        return new KernelConfig(version, m);
    }

    /** The same options on another version's preset. */
    public KernelConfig withVersion(String v) { return new KernelConfig(v, options); }

    /** The preset's value of an option. */
    private boolean presetEnabled(String name) {
        boolean v612 = version.equals("6.12");
        return switch (name) {
            case "CONFIG_MEMORY_HOTPLUG_DEFAULT_ONLINE" -> v612;
            case "CONFIG_PAGE_OWNER", "CONFIG_DEFERRED_STRUCT_PAGE_INIT", "CONFIG_SHUFFLE_PAGE_ALLOCATOR" -> true;
            case "CONFIG_UNACCEPTED_MEMORY" -> v612;
            case "CONFIG_DMA_CMA" -> enabled("CONFIG_CMA"); // distribution configs that build CMA build DMA_CMA
            default -> false;
        };
    }

    /** The effective value of a y/n option. */
    public boolean enabled(String name) {
        String v = options.get(name);
        return v != null ? v.equals("y") : presetEnabled(name);
    }

    /** mhp_default_online_type: what hot-added blocks become (auto_online_blocks) unless memhp_default_state= says. */
    public String mhpDefaultOnlineType() {
        for (Map.Entry<String, String> e : options.entrySet()) {
            if (!e.getKey().startsWith(MHP_TYPE)) continue;
            return switch (e.getKey().substring(MHP_TYPE.length())) {
                case "ONLINE_AUTO" -> "online";
                case "ONLINE_KERNEL" -> "online_kernel";
                case "ONLINE_MOVABLE" -> "online_movable";
                default -> "offline";
            };
        }
        return enabled("CONFIG_MEMORY_HOTPLUG_DEFAULT_ONLINE") ? "online" : "offline";
    }

    public boolean pageOwner() { return enabled("CONFIG_PAGE_OWNER"); }

    public boolean deferredStructPageInit() { return enabled("CONFIG_DEFERRED_STRUCT_PAGE_INIT"); }

    /** CONFIG_CMA: MIGRATE_CMA exists (pagetypeinfo's CMA column, meminfo's CmaTotal / CmaFree). */
    public boolean cma() { return enabled("CONFIG_CMA"); }

    /** CONFIG_DMA_CMA (with CONFIG_CMA): the {@code cma=} parameter and the default area. */
    public boolean dmaCma() { return cma() && enabled("CONFIG_DMA_CMA"); }

    public boolean unacceptedMemory() { return enabled("CONFIG_UNACCEPTED_MEMORY"); }

    /** 6.1's mm_init prints the {@code Memory:} line right after memblock_free_all, before deferred init. */
    public boolean memoryLineBeforeDeferredInit() { return version.equals("6.1"); }

    /** 6.1's start_kernel builds the zonelists before it prints the command line. */
    public boolean zonelistsBeforeCommandLine() { return version.equals("6.1"); }

    /**
     * The preset for a kernel version read from a {@code Linux version} line: 6.12 for 6.12 and later, 6.1 for
     * earlier 6.x and 5.x kernels (the nearest preset mmkit has); null when the text is no kernel version.
     */
    public static String presetFor(String kernelRelease) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^([0-9]+)\\.([0-9]+)").matcher(kernelRelease);
        if (!m.find()) return null;
        int major = Integer.parseInt(m.group(1)), minor = Integer.parseInt(m.group(2));
        return major > 6 || major == 6 && minor >= 12 ? "6.12" : "6.1";
    }

    /** The statements that write this build in a machine file ({@code config 6.1}, {@code config CONFIG_CMA=y}). */
    public List<String> statements() {
        List<String> out = new java.util.ArrayList<>();
        if (!version.equals("6.12")) out.add("config " + version);
        options.forEach((k, v) -> out.add("config " + k + "=" + v));
        return out;
    }
}
