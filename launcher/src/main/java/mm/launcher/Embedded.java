package mm.launcher;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
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
