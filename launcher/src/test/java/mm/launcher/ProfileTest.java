package mm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    @Test
    void readsBundlesIncludesAndConfigInOrder() throws Exception {
        write("b/one.jar", "x");
        write("b/two.jar", "x");
        write("base.txt", "# base\nb/one.jar\nconfig mm.variant pageext=early\n");
        Path top = write("top.txt", "@base\nb/two.jar\nb/one.jar\nconfig mm.variant pageext = late\n"
                + "config mm.variant reporting=bitmap\nconfig other.pid k=a b=c\n");
        Profile p = Profile.load(top.toString());
        assertEquals("top", p.name);
        assertEquals(top.toAbsolutePath().toString(), p.location);
        assertEquals(List.of("one.jar", "two.jar"), p.bundles.stream().map(Profile.BundleRef::name).toList());
        assertEquals(Map.of("mm.variant", Map.of("pageext", "late", "reporting", "bitmap"),
                "other.pid", Map.of("k", "a b=c")), p.configByPid());
        assertEquals("mm.variant pageext=early", p.config.get(0).toString());
        assertTrue(p.config.get(0).source().endsWith("base.txt:3"), p.config.get(0).source());
    }

    @Test
    void propertyLinesAreFrameworkPropertiesAndTheIncludingProfileWins() throws Exception {
        write("base.txt", "property org.osgi.service.http.port=8080\nproperty a.b = x=y\n");
        Path top = write("top.txt", "@base\nproperty org.osgi.service.http.port=0\n");
        Profile p = Profile.load(top.toString());
        assertEquals(Map.of("org.osgi.service.http.port", "0", "a.b", "x=y"), p.properties);
        Path bad = write("bad-prop.txt", "property novalue\n");
        LaunchException e = assertThrows(LaunchException.class, () -> Profile.load(bad.toString()));
        assertTrue(e.getMessage().startsWith(bad.toAbsolutePath() + ":1: expected 'property KEY=VALUE'"), e.getMessage());
    }

    @Test
    void anIncludeCycleIsReported() throws Exception {
        write("a.txt", "@b\n");
        Path b = write("b.txt", "@a\n");
        LaunchException e = assertThrows(LaunchException.class, () -> Profile.load(b.toString()));
        assertTrue(e.getMessage().contains("includes itself"), e.getMessage());
    }

    @Test
    void aBadConfigLineNamesFileAndLine() throws Exception {
        Path p = write("bad.txt", "# x\nconfig mm.variant\n");
        LaunchException e = assertThrows(LaunchException.class, () -> Profile.load(p.toString()));
        assertTrue(e.getMessage().startsWith(p.toAbsolutePath() + ":2: expected 'config PID key=value'"), e.getMessage());
    }

    @Test
    void aMissingBundleFileIsReported() throws Exception {
        Path p = write("m.txt", "lib/none.jar\n");
        LaunchException e = assertThrows(LaunchException.class, () -> Profile.load(p.toString()));
        assertTrue(e.getMessage().contains(":1: bundle file ") && e.getMessage().contains("does not exist"),
                e.getMessage());
    }

    @Test
    void anUnknownEmbeddedBundleIsReported() throws Exception {
        Path p = write("u.txt", "\n\nno.such.bundle\n");
        LaunchException e = assertThrows(LaunchException.class, () -> Profile.load(p.toString()));
        assertTrue(e.getMessage().contains(":3: no bundle 'no.such.bundle' is embedded in "), e.getMessage());
    }

    @Test
    void anUnknownProfileNameListsTheEmbeddedOnes() {
        LaunchException e = assertThrows(LaunchException.class, () -> Profile.load("no-such-profile"));
        assertTrue(e.getMessage().startsWith("unknown profile 'no-such-profile': there is no profiles/no-such-profile.txt"),
                e.getMessage());
        assertTrue(e.getMessage().contains("full, minimal"), e.getMessage());
    }

    @Test
    void aMissingProfileFileIsReported() {
        LaunchException e = assertThrows(LaunchException.class,
                () -> Profile.load(dir.resolve("nope.txt").toString()));
        assertTrue(e.getMessage().contains("nope.txt does not exist"), e.getMessage());
    }
}
