package mm.shell.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files written by commands: whole or not at all, never over an existing file without --force. */
class SafeFilesTest {
    @TempDir
    Path dir;

    List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    @Test
    void aNewFileIsWrittenWhole() throws Exception {
        Path f = dir.resolve("dump.txt");
        long n = SafeFiles.write(f, false, w -> w.write("page_owner\n"));
        assertEquals(11, n);
        assertEquals("page_owner\n", Files.readString(f));
        assertEquals(List.of(f), files(), "no temporary file left behind");
    }

    @Test
    void bytesAreWrittenWholeAndAnExistingFileIsKeptUnlessForced() throws Exception {
        Path f = dir.resolve("chart.png");
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0, (byte) 0xff};
        assertEquals(6, SafeFiles.writeBytes(f, false, png));
        org.junit.jupiter.api.Assertions.assertArrayEquals(png, Files.readAllBytes(f));
        assertThrows(IllegalArgumentException.class, () -> SafeFiles.writeBytes(f, false, new byte[1]));
        org.junit.jupiter.api.Assertions.assertArrayEquals(png, Files.readAllBytes(f));
        assertEquals(List.of(f), files(), "no temporary file left behind");
    }

    @Test
    void anExistingFileIsKeptUnlessForced() throws Exception {
        Path f = dir.resolve("x.txt");
        Files.writeString(f, "data\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SafeFiles.write(f, false, w -> w.write("new")));
        assertEquals("cannot write " + f + ": it exists (add --force to overwrite it)", e.getMessage());
        assertEquals("data\n", Files.readString(f));
        SafeFiles.write(f, true, w -> w.write("new"));
        assertEquals("new", Files.readString(f));
    }

    @Test
    void aFailureHalfWayLeavesTheTargetAsItWas() throws Exception {
        Path f = dir.resolve("x.txt");
        Files.writeString(f, "data\n");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SafeFiles.write(f, true, w -> {
            w.write("half of a dump");
            throw new IllegalStateException("page_owner is disabled");
        }));
        assertEquals("page_owner is disabled", e.getMessage());
        assertEquals("data\n", Files.readString(f));
        assertEquals(List.of(f), files(), "the temporary file is removed");
    }

    @Test
    void aSymlinkIsReplacedNotWrittenThrough() throws Exception {
        Path target = dir.resolve("precious.txt");
        Files.writeString(target, "precious\n");
        Path link = Files.createSymbolicLink(dir.resolve("link.txt"), target);
        assertThrows(IllegalArgumentException.class, () -> SafeFiles.write(link, false, w -> w.write("x")));
        SafeFiles.write(link, true, w -> w.write("x"));
        assertEquals("precious\n", Files.readString(target));
        assertFalse(Files.isSymbolicLink(link));
        assertEquals("x", Files.readString(link));
    }

    @Test
    void badTargetsNameTheFileAndTheReason() {
        Path missing = dir.resolve("no/such/dir/f.txt");
        assertEquals("cannot write " + missing + ": no such directory", assertThrows(IllegalArgumentException.class,
                () -> SafeFiles.write(missing, true, w -> w.write("x"))).getMessage());
        assertEquals("cannot write " + dir + ": is a directory", assertThrows(IllegalArgumentException.class,
                () -> SafeFiles.write(dir, true, w -> w.write("x"))).getMessage());
        assertTrue(Files.notExists(missing));
    }
}
