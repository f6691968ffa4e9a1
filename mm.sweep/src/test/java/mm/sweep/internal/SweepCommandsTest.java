package mm.sweep.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What mm:sweep reads before its first boot, and how it names its columns. */
class SweepCommandsTest {
    @TempDir
    Path dir;

    @Test
    void aScriptIsItsCommandsWithTheirLineNumbers() throws Exception {
        Path f = dir.resolve("s.gogo");
        Files.writeString(f, "# after each boot\n\nmm:alloc --order 3\n  mm:check  \n");
        List<String[]> lines = SweepCommands.readScript(f);
        assertEquals(2, lines.size());
        assertEquals("3", lines.get(0)[0]);
        assertEquals("mm:alloc --order 3", lines.get(0)[1]);
        assertEquals("mm:check", lines.get(1)[1]);
    }

    @Test
    void aScriptThatSweepsOrIsEmptyIsRefused() throws Exception {
        Path f = dir.resolve("s.gogo");
        Files.writeString(f, "mm:check\nmm:sweep --param deferred-init\n");
        assertEquals("--script: " + f + ":2:1: a sweep cannot run mm:sweep",
                assertThrows(IllegalArgumentException.class, () -> SweepCommands.readScript(f)).getMessage());
        Files.writeString(f, "# nothing\n");
        assertEquals("--script: " + f + ": no command in it",
                assertThrows(IllegalArgumentException.class, () -> SweepCommands.readScript(f)).getMessage());
        assertEquals("--script: " + dir.resolve("none") + ": no such file", assertThrows(
                IllegalArgumentException.class, () -> SweepCommands.readScript(dir.resolve("none"))).getMessage());
    }

    @Test
    void columnsBecomeSnakeCaseReportKeysAndFiguresPrintToATenth() {
        assertEquals("node0_dma32_free", SweepCommands.key("node0_DMA32_free"));
        assertEquals("deferred_model_ms", SweepCommands.key("deferred_model_ms"));
        assertEquals("f_2nd", SweepCommands.key("2nd"));
        assertEquals("1757.8", SweepCommands.shown(1757.766));
        assertEquals("10244", SweepCommands.shown(10244.0));
    }
}
