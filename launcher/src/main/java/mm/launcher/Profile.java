package mm.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A launcher profile: the bundles to install, in start order, and Config Admin properties to set before they start.
 *
 * <pre>
 * # comment
 * {@literal @}minimal                        include another profile (same directory first, then the embedded ones)
 * mm.core                         an embedded bundle (/bundles/mm.core.jar in mmkit.jar; ".jar" is optional)
 * ../x/target/foo.jar             a bundle file (a path relative to the profile file)
 * config mm.variant page-ext=late  Config Admin: PID, key=value (values are strings)
 * property org.osgi.service.http.port=8080   a framework property (a later line wins over an earlier one)
 * </pre>
 *
 * A name given to {@code --profile} is an embedded profile ({@code profiles/NAME.txt}) unless it contains a path
 * separator or ends with {@code .txt}, then it is a file.
 */
final class Profile {
    /** One bundle: an embedded jar ({@code file == null}) or a jar file. */
    record BundleRef(String name, Path file, String source) {
        String location() {
            return file == null ? "mm:" + name : file.toUri().toString();
        }
    }

    /** One {@code config PID key=value} line. */
    record ConfigLine(String pid, String key, String value, String source) {
        @Override
        public String toString() {
            return pid + " " + key + "=" + value;
        }
    }

    final String name;
    /** Where the profile came from (a file path or the resource URL inside mmkit.jar). */
    final String location;
    final List<BundleRef> bundles;
    final List<ConfigLine> config;
    /** The {@code property KEY=VALUE} lines: framework properties, a later line winning. */
    final Map<String, String> properties;

    private Profile(String name, String location, List<BundleRef> bundles, List<ConfigLine> config,
                    Map<String, String> properties) {
        this.name = name;
        this.location = location;
        this.bundles = List.copyOf(bundles);
        this.config = List.copyOf(config);
        this.properties = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }

    /** Loads {@code nameOrFile} and its includes. */
    static Profile load(String nameOrFile) throws LaunchException {
        Source top = find(nameOrFile, null);
        Map<String, BundleRef> bundles = new LinkedHashMap<>();
        List<ConfigLine> config = new ArrayList<>();
        Map<String, String> properties = new LinkedHashMap<>();
        read(top, bundles, config, properties, new ArrayDeque<>());
        return new Profile(top.name, top.location, new ArrayList<>(bundles.values()), config, properties);
    }

    /** The text of a profile and where it came from. */
    private record Source(String name, String location, Path dir, String text) {
        String where() {
            return location;
        }
    }

    private static Source find(String nameOrFile, Source includer) throws LaunchException {
        boolean isPath = nameOrFile.contains("/") || nameOrFile.contains("\\") || nameOrFile.endsWith(".txt");
        if (isPath || (includer != null && includer.dir != null)) {
            Path p = includer != null && includer.dir != null
                    ? includer.dir.resolve(isPath ? nameOrFile : nameOrFile + ".txt")
                    : Path.of(nameOrFile);
            if (Files.isRegularFile(p)) {
                try {
                    String fileName = p.getFileName().toString();
                    String name = fileName.endsWith(".txt") ? fileName.substring(0, fileName.length() - 4) : fileName;
                    return new Source(name, p.toAbsolutePath().normalize().toString(),
                            p.toAbsolutePath().getParent(), Files.readString(p, StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new LaunchException("cannot read profile " + p + ": " + e.getMessage());
                }
            }
            if (isPath) {
                throw new LaunchException(includer == null
                        ? "profile file " + p.toAbsolutePath().normalize() + " does not exist"
                        : includer.where() + ": included profile file " + p.toAbsolutePath().normalize()
                                + " does not exist");
            }
        }
        String resource = "profiles/" + nameOrFile + ".txt";
        if (!Embedded.exists(resource)) {
            String known = String.join(", ", Embedded.list("profiles/", ".txt"));
            String msg = "unknown profile '" + nameOrFile + "': there is no profiles/" + nameOrFile + ".txt in "
                    + Embedded.codeSource() + " (profiles: " + known + "); a profile can also be a file path";
            throw new LaunchException(includer == null ? msg : includer.where() + ": " + msg);
        }
        String url = Embedded.url(resource);
        try {
            return new Source(nameOrFile, url, null, Embedded.readText(resource));
        } catch (IOException e) {
            throw new LaunchException("cannot read profile " + url + ": " + e.getMessage());
        }
    }

    private static void read(Source src, Map<String, BundleRef> bundles, List<ConfigLine> config,
                             Map<String, String> properties, Deque<String> stack) throws LaunchException {
        if (stack.contains(src.location)) {
            throw new LaunchException("profile '" + src.name + "' (" + src.location + ") includes itself: "
                    + String.join(" -> ", stack) + " -> " + src.location);
        }
        stack.push(src.location);
        String[] lines = src.text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            String where = src.location + ":" + (i + 1);
            if (line.isEmpty() || line.startsWith("#")) continue;
            if (line.startsWith("@")) {
                String inc = line.substring(1).strip();
                if (inc.isEmpty()) throw new LaunchException(where + ": '@' needs a profile name");
                read(find(inc, new Source(src.name, where, src.dir, "")), bundles, config, properties, stack);
            } else if (line.startsWith("config ") || line.startsWith("config\t")) {
                String rest = line.substring(7).strip();
                int sp = indexOfBlank(rest);
                int eq = sp < 0 ? -1 : rest.indexOf('=', sp);
                if (sp < 0 || eq < 0) {
                    throw new LaunchException(where + ": expected 'config PID key=value', got '" + line + "'");
                }
                String key = rest.substring(sp, eq).strip();
                if (key.isEmpty()) throw new LaunchException(where + ": empty key in '" + line + "'");
                config.add(new ConfigLine(rest.substring(0, sp), key, rest.substring(eq + 1).strip(), where));
            } else if (line.startsWith("property ") || line.startsWith("property\t")) {
                String rest = line.substring(9).strip();
                int eq = rest.indexOf('=');
                String key = eq < 0 ? "" : rest.substring(0, eq).strip();
                if (key.isEmpty() || indexOfBlank(key) >= 0) {
                    throw new LaunchException(where + ": expected 'property KEY=VALUE', got '" + line + "'");
                }
                properties.remove(key);
                properties.put(key, rest.substring(eq + 1).strip());
            } else {
                BundleRef ref = bundle(line, src, where);
                bundles.putIfAbsent(ref.location(), ref);
            }
        }
        stack.pop();
    }

    private static BundleRef bundle(String line, Source src, String where) throws LaunchException {
        if (indexOfBlank(line) >= 0) {
            throw new LaunchException(where + ": expected a bundle name, '@profile', 'config PID key=value' or 'property KEY=VALUE', got '"
                    + line + "'");
        }
        String jar = line.endsWith(".jar") ? line : line + ".jar";
        if (!line.contains("/") && !line.contains("\\") && Embedded.exists("bundles/" + jar)) {
            return new BundleRef(jar, null, where);
        }
        if (line.contains("/") || line.contains("\\") || line.endsWith(".jar")) {
            Path p = src.dir != null ? src.dir.resolve(line) : Path.of(line);
            if (Files.isRegularFile(p)) return new BundleRef(p.getFileName().toString(), p.toAbsolutePath().normalize(), where);
            if (line.contains("/") || line.contains("\\")) {
                throw new LaunchException(where + ": bundle file " + p.toAbsolutePath().normalize() + " does not exist");
            }
        }
        throw new LaunchException(where + ": no bundle '" + line + "' is embedded in " + Embedded.codeSource()
                + " (embedded: " + String.join(", ", Embedded.list("bundles/", ".jar")) + ")");
    }

    private static int indexOfBlank(String s) {
        for (int i = 0; i < s.length(); i++) if (Character.isWhitespace(s.charAt(i))) return i;
        return -1;
    }

    /** The Config Admin properties per PID, in profile order. */
    Map<String, Map<String, String>> configByPid() {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        for (ConfigLine c : config) out.computeIfAbsent(c.pid, k -> new LinkedHashMap<>()).put(c.key, c.value);
        return out;
    }

    Set<String> bundleNames() {
        Set<String> out = new LinkedHashSet<>();
        for (BundleRef b : bundles) out.add(b.name);
        return out;
    }

    String describe() {
        return "profile '" + name + "' (" + location + ")";
    }
}
