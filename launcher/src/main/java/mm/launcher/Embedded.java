package mm.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/** The resources embedded in the launcher (bundles/, profiles/), listed for error messages. */
final class Embedded {
    private Embedded() {}

    /** The launcher jar (or class directory). */
    static Path codeSourcePath() {
        try {
            return Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    static String codeSource() {
        Path p = codeSourcePath();
        return p == null ? "the launcher" : p.toString();
    }

    /** The launcher jar's entries under bundles/ and profiles/ (read once), or null when run from a directory. */
    private static volatile Map<String, JarEntry> jarEntries;
    private static JarFile jar;

    /**
     * Whether the launcher has {@code name} ("bundles/mm.core.jar", "profiles/full.txt"): from the jar's central
     * directory, read once. Class.getResource per name (a jar: URL each) cost a start about 10 ms.
     */
    static boolean exists(String name) {
        Path cs = codeSourcePath();
        if (cs == null) return Main.class.getResource("/" + name) != null;
        if (Files.isDirectory(cs)) return Files.isRegularFile(cs.resolve(name));
        Map<String, JarEntry> e = entries(cs);
        return e != null ? e.containsKey(name) : Main.class.getResource("/" + name) != null;
    }

    /** The text of an embedded resource that {@link #exists}. */
    static String readText(String name) throws IOException {
        Path cs = codeSourcePath();
        if (cs != null && Files.isDirectory(cs)) return Files.readString(cs.resolve(name), StandardCharsets.UTF_8);
        Map<String, JarEntry> e = cs == null ? null : entries(cs);
        if (e != null && e.containsKey(name)) {
            synchronized (Embedded.class) {
                try (InputStream in = jar.getInputStream(e.get(name))) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
        }
        try (InputStream in = Main.class.getResourceAsStream("/" + name)) {
            if (in == null) throw new IOException("no " + name + " in " + codeSource());
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Where an embedded resource is, as Class.getResource would say it ("jar:file:/.../mmkit.jar!/NAME"). */
    static String url(String name) {
        Path cs = codeSourcePath();
        if (cs == null) {
            java.net.URL u = Main.class.getResource("/" + name);
            return u == null ? name : u.toString();
        }
        if (Files.isDirectory(cs)) return cs.resolve(name).toFile().toURI().toString();
        return "jar:" + cs.toFile().toURI() + "!/" + name;
    }

    private static Map<String, JarEntry> entries(Path cs) {
        Map<String, JarEntry> e = jarEntries;
        if (e != null) return e;
        synchronized (Embedded.class) {
            if (jarEntries != null) return jarEntries;
            try {
                jar = new JarFile(cs.toFile());
                Map<String, JarEntry> m = new HashMap<>();
                for (Enumeration<JarEntry> en = jar.entries(); en.hasMoreElements(); ) {
                    JarEntry j = en.nextElement();
                    if (j.getName().startsWith("bundles/") || j.getName().startsWith("profiles/")) m.put(j.getName(), j);
                }
                jarEntries = m;
                return m;
            } catch (IOException ex) {
                return null;
            }
        }
    }

    /** Names (without {@code suffix}) of the entries directly under {@code dir} (e.g. "profiles/"), sorted. */
    static List<String> list(String dir, String suffix) {
        List<String> out = new ArrayList<>();
        Path cs = codeSourcePath();
        if (cs == null) return out;
        try {
            if (Files.isDirectory(cs)) {
                Path d = cs.resolve(dir);
                if (Files.isDirectory(d)) {
                    try (Stream<Path> s = Files.list(d)) {
                        s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(suffix))
                                .forEach(n -> out.add(n.substring(0, n.length() - suffix.length())));
                    }
                }
            } else {
                try (JarFile jar = new JarFile(cs.toFile())) {
                    for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                        String n = e.nextElement().getName();
                        if (n.startsWith(dir) && n.endsWith(suffix) && n.indexOf('/', dir.length()) < 0) {
                            out.add(n.substring(dir.length(), n.length() - suffix.length()));
                        }
                    }
                }
            }
        } catch (IOException e) {
            // only used for messages
        }
        out.sort(null);
        return out;
    }
}
