package mm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kept bundle cache's marker: a cache is reused only for the identity it was made for, and only when complete. */
class StorageTest {
    @TempDir
    Path tmp;

    private static final String ID = "mmkit bundle cache 1\njar /x/mmkit.jar 10 20\nbundle mm:a.jar\nbundle mm:b.jar";

    @Test
    void aMarkerGivesTheRecordedBundlesForItsIdentityOnly() throws Exception {
        Path m = tmp.resolve("felix-1.ok");
        Files.writeString(m, ID + "\n--\nmm:a.jar 111\nmm:b.jar 222\n");
        assertEquals(Map.of("mm:a.jar", 111L, "mm:b.jar", 222L), Storage.readMarker(m, ID));
        assertNull(Storage.readMarker(m, ID.replace(" 20", " 21")), "another build of the jar");
        assertNull(Storage.readMarker(m, ID + "\nbundle mm:c.jar"), "another bundle list");
    }

    @Test
    void aMissingEmptyOrDamagedMarkerMeansMakeTheCache() throws Exception {
        Path m = tmp.resolve("felix-2.ok");
        assertNull(Storage.readMarker(m, ID));
        Files.writeString(m, ID + "\n--\n");
        assertNull(Storage.readMarker(m, ID), "no bundle recorded");
        Files.writeString(m, ID + "\n--\nmm:a.jar 11x\n");
        assertNull(Storage.readMarker(m, ID));
        Files.writeString(m, ID.substring(0, 30));
        assertNull(Storage.readMarker(m, ID));
    }

    @Test
    void theIdentityChangesWithTheJarTheBundlesAndTheProfileProperties() throws Exception {
        List<Profile.BundleRef> ab = List.of(new Profile.BundleRef("a.jar", null, "t"), new Profile.BundleRef("b.jar", null, "t"));
        List<Profile.BundleRef> a = List.of(new Profile.BundleRef("a.jar", null, "t"));
        Path jar = Files.writeString(tmp.resolve("mmkit.jar"), "jar");
        String before = Storage.identity(jar, a, Map.of());
        assertNotEquals(Storage.identity(jar, ab, Map.of()), before);
        assertNotEquals(Storage.identity(jar, a, Map.of("felix.startlevel.bundle", "2")), before);
        Files.writeString(jar, "jar, rebuilt");
        assertNotEquals(Storage.identity(jar, a, Map.of()), before, "a rebuilt jar (another size)");
        // run from a class directory: each embedded bundle file counts
        Path classes = Files.createDirectories(tmp.resolve("classes/bundles")).getParent();
        Files.writeString(classes.resolve("bundles/a.jar"), "a");
        String dir = Storage.identity(classes, a, Map.of());
        Files.writeString(classes.resolve("bundles/a.jar"), "a, rebuilt");
        assertNotEquals(Storage.identity(classes, a, Map.of()), dir);
        assertNotEquals(Storage.hash(dir), Storage.hash(before));
    }
}
