package mm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class OptionsTest {
    @Test
    void defaults() throws Exception {
        Main.Options o = Main.Options.parse();
        assertEquals("full", o.profile());
        assertTrue(o.commands().isEmpty());
        assertEquals(null, o.script());
        assertTrue(!o.progress(), "no progress line in script mode unless asked");
        assertTrue(!o.await(), "a script run ends after its commands");
    }

    @Test
    void waitKeepsTheRuntimeUpAfterTheCommands() throws Exception {
        Main.Options o = Main.Options.parse("--profile", "web", "--wait", "-c", "mm:boot -q");
        assertTrue(o.await());
        assertEquals("web", o.profile());
        assertEquals(List.of("mm:boot -q"), o.commands());
    }

    @Test
    void allOptions() throws Exception {
        Main.Options o = Main.Options.parse("--profile", "minimal", "--json", "--timing", "--progress", "--machine", "m.txt",
                "--machine-dmesg", "/tmp/d.log", "-c", "mm:version", "--command", "mm:profile");
        assertEquals("minimal", o.profile());
        assertTrue(o.json() && o.timing() && o.progress());
        assertEquals(List.of("mm:version", "mm:profile"), o.commands());
        assertEquals(List.of("mm:machine load 'm.txt'", "mm:machine import-dmesg '/tmp/d.log'"), o.preamble());
    }

    @Test
    void seedBecomesTheFrameworkPropertyMmCoreReads() throws Exception {
        Main.Options o = Main.Options.parse("--seed", "42", "scripts/seed004.gogo");
        assertEquals(42L, o.seed());
        assertEquals("42", o.properties(false).get("mm.seed"));
        assertEquals(-7L, Main.Options.parse("--seed=-7").seed());
        assertEquals(null, Main.Options.parse().properties(false).get("mm.seed"), "no seed: no property");
        assertThrows(Main.UsageException.class, () -> Main.Options.parse("--seed", "one"));
        assertThrows(Main.UsageException.class, () -> Main.Options.parse("--seed"));
    }

    @Test
    void scriptFile() throws Exception {
        assertEquals(Path.of("scripts/x.gogo"), Main.Options.parse("scripts/x.gogo").script());
    }

    @Test
    void badUsage() {
        assertThrows(Main.UsageException.class, () -> Main.Options.parse("--nope"));
        assertThrows(Main.UsageException.class, () -> Main.Options.parse("--profile"));
        assertThrows(Main.UsageException.class, () -> Main.Options.parse("a.gogo", "b.gogo"));
        assertThrows(Main.UsageException.class, () -> Main.Options.parse("-c", "lb", "a.gogo"));
    }
}
