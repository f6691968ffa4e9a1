import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Writes the API baseline that bnd-baseline-maven-plugin compares each build against (docs/build.md, "API baseline").
 * Run by cnf/baseline-refresh.sh after the reactor is packaged; plain JDK 17, no dependencies:
 * {@code java cnf/baseline/BaselineRepo.java ROOT REPO_DIR GROUP_ID}.
 *
 * For every module of ROOT/pom.xml (but pom-packaged ones) it stores a jar holding only the manifest of the main
 * artifact (target/ARTIFACT-VERSION.jar) and the classes of its exported packages (what baselining compares), with Bundle-Version
 * 0.0.0 so that bnd never reports a bundle-version mismatch (package versions are what the build checks). The
 * repository version is derived from the content, so a refreshed baseline never meets a stale copy in ~/.m2.
 * Prints that version on stdout.
 */
public class BaselineRepo {
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]).toAbsolutePath();
        Path repo = Path.of(args[1]).toAbsolutePath();
        String groupId = args[2];

        TreeMap<String, Api> apiJars = new TreeMap<>();
        for (String module : children(pom(root.resolve("pom.xml")), "modules", "module")) {
            Element p = pom(root.resolve(module).resolve("pom.xml"));
            String artifactId = text(p, "artifactId");
            String packaging = text(p, "packaging");
            if ("pom".equals(packaging)) continue;
            String version = text(p, "version");
            if (version == null) version = text(firstChild(p, "parent"), "version");
            Path jar = root.resolve(module).resolve("target").resolve(artifactId + "-" + version + ".jar");
            if (!Files.isRegularFile(jar)) throw new IOException(jar + " is missing: package the reactor first");
            Api api = apiJar(jar);
            apiJars.put(artifactId, api);
        }

        MessageDigest all = MessageDigest.getInstance("SHA-1");
        apiJars.forEach((a, api) -> { all.update(a.getBytes()); all.update(api.bytes()); });
        String version = "0.0.0-b" + HexFormat.of().formatHex(all.digest()).substring(0, 12);

        Path groupDir = repo.resolve(groupId.replace('.', '/'));
        for (var e : apiJars.entrySet()) {
            Path dir = groupDir.resolve(e.getKey()).resolve(version);
            Files.createDirectories(dir);
            Path jar = dir.resolve(e.getKey() + "-" + version + ".jar");
            Files.write(jar, e.getValue().bytes());
            Files.writeString(dir.resolve(jar.getFileName() + ".sha1"), sha1(e.getValue().bytes()));
            System.err.println("baseline " + e.getKey() + ": " + e.getValue().packages());
        }
        System.out.println(version);
    }

    /** The manifest plus the exported packages' entries of {@code bundle}. */
    /** Every entry's time: the same bytes on every refresh of an unchanged API (and so the same version). */
    static final LocalDateTime TIME = LocalDateTime.of(2026, 1, 1, 0, 0);

    record Api(byte[] bytes, List<String> packages) {}

    static Api apiJar(Path bundle) throws IOException {
        try (JarFile in = new JarFile(bundle.toFile())) {
            Manifest mf = in.getManifest();
            if (mf == null) mf = new Manifest();
            // a plain jar (launcher, bench) exports nothing: its baseline is the manifest alone
            List<String> packages = exportsOf(mf);
            List<String> dirs = new ArrayList<>();
            for (String pkg : packages) dirs.add(pkg.replace('.', '/') + "/");
            mf.getMainAttributes().put(new Attributes.Name("Bundle-Version"), "0.0.0");
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (JarOutputStream out = new JarOutputStream(bytes)) {
                JarEntry manifest = new JarEntry(JarFile.MANIFEST_NAME);
                manifest.setTimeLocal(TIME);
                out.putNextEntry(manifest);
                mf.write(out);
                out.closeEntry();
                for (Enumeration<JarEntry> en = in.entries(); en.hasMoreElements(); ) {
                    JarEntry e = en.nextElement();
                    String name = e.getName();
                    int slash = name.lastIndexOf('/');
                    if (e.isDirectory() || slash < 0 || !dirs.contains(name.substring(0, slash + 1))
                            || name.equals(JarFile.MANIFEST_NAME)) continue;
                    JarEntry copy = new JarEntry(name);
                    copy.setTimeLocal(TIME);
                    out.putNextEntry(copy);
                    try (InputStream is = in.getInputStream(e)) { is.transferTo(out); }
                    out.closeEntry();
                }
            }
            return new Api(bytes.toByteArray(), packages);
        }
    }

    /** The package names of Export-Package (clauses split at commas outside quotes). */
    static List<String> exportsOf(Manifest mf) {
        String header = mf.getMainAttributes().getValue("Export-Package");
        List<String> names = new ArrayList<>();
        if (header == null || header.isBlank()) return names;
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i <= header.length(); i++) {
            char c = i < header.length() ? header.charAt(i) : ',';
            if (c == '"') quoted = !quoted;
            if (c == ',' && !quoted) {
                String clause = header.substring(start, i);
                int semi = clause.indexOf(';');
                for (String n : (semi < 0 ? clause : clause.substring(0, semi)).split(";")) names.add(n.trim());
                start = i + 1;
            }
        }
        return names;
    }

    static Element pom(Path file) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile()).getDocumentElement();
    }

    static Element firstChild(Element parent, String name) {
        if (parent == null) return null;
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling())
            if (n instanceof Element e && e.getTagName().equals(name)) return e;
        return null;
    }

    static String text(Element parent, String name) {
        Element e = firstChild(parent, name);
        return e == null ? null : e.getTextContent().trim();
    }

    static List<String> children(Element parent, String list, String item) {
        List<String> out = new ArrayList<>();
        Element l = firstChild(parent, list);
        if (l == null) return out;
        for (Node n = l.getFirstChild(); n != null; n = n.getNextSibling())
            if (n instanceof Element e && e.getTagName().equals(item)) out.add(e.getTextContent().trim());
        return out;
    }

    static String sha1(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(b));
    }
}
