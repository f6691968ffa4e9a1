package mm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundle cache kept across runs (Storage): reused as it was made, made again when the jar or the cache changed,
 * and safe with several mmkit processes at once. Each test has its own cache directory ({@code XDG_CACHE_HOME}).
 */
class BundleCacheIT {
    @TempDir
    Path tmp;

    private static final Pattern NOTE = Pattern.compile("(?m)^mmkit: bundle cache (\\S+) ?(.*)$");

    private Process start(Path jar, String commands) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "--timing", "-c", commands));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("XDG_CACHE_HOME", tmp.resolve("cache").toString());
        pb.environment().remove(Storage.NO_CACHE_ENV);
        return pb.start();
    }

    private record Run(int rc, String out, String err) {
        /** "made", "reused" or "temporary" (from --timing). */
        String cache() {
            Matcher m = NOTE.matcher(err);
            return m.find() ? m.group(1) : "none in: " + err;
        }

        @Override
        public String toString() {
            return "exit " + rc + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private static Run finish(Process p) throws Exception {
        // both streams read at once: a full pipe must not block the process
        var err = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getErrorStream().readAllBytes());
            } catch (IOException e) {
                return e.toString();
            }
        });
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("mmkit did not exit within 10 minutes (a hang)");
        }
        return new Run(p.exitValue(), out, err.get());
    }

    private Run run(Path jar, String commands) throws Exception {
        return finish(start(jar, commands));
    }

    /** What a run prints that must not depend on the cache: the bundles and their states, the variants, a boot. */
    private static final String VIEW = "mm:profile; mm:variant; mm:boot -q --seed 1 --machine tiny; mm:zoneinfo --summary";

    @Test
    void theSecondRunReusesTheCacheAndPrintsTheSame() throws Exception {
        Run first = run(Mmkit.jar(), VIEW);
        assertEquals(0, first.rc(), first::toString);
        assertEquals("made", first.cache(), first::toString);
        Run second = run(Mmkit.jar(), VIEW);
        assertEquals(0, second.rc(), second::toString);
        assertEquals("reused", second.cache(), second::toString);
        assertEquals(withoutTimes(first.out()), withoutTimes(second.out()));
    }

    @Test
    void aRebuiltJarMakesItsOwnCacheAndTheOldOneIsDeleted() throws Exception {
        Path jar = tmp.resolve("mmkit.jar");
        Files.copy(Mmkit.jar(), jar);
        assertEquals("made", run(jar, "mm:version").cache());
        assertEquals(1, caches().size());
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 60_000));
        Run r = run(jar, "mm:version");
        assertEquals(0, r.rc(), r::toString);
        assertEquals("made", r.cache(), "a changed jar is not served from the old cache: " + r);
        assertEquals(1, caches().size(), "the cache of the older build is gone: " + caches());
        assertEquals("reused", run(jar, "mm:version").cache());
    }

    @Test
    void aRunThatChangedTheBundlesLeavesACacheThatIsMadeAgain() throws Exception {
        Run listed = run(Mmkit.jar(), "lb");
        assertEquals("made", listed.cache(), listed::toString);
        Matcher id = Pattern.compile("(?m)^\\s*(\\d+)\\|Active.*\\|mm\\.trace: ").matcher(listed.out());
        assertTrue(id.find(), listed::toString);
        String trace = id.group(1);
        // a persistent stop and start (the shell's commands): Felix would start it by itself at the next init
        Run changed = run(Mmkit.jar(), "stop " + trace + "; start " + trace);
        assertEquals(0, changed.rc(), changed::toString);
        assertEquals("", changed.out(), changed::toString);
        Run after = run(Mmkit.jar(), VIEW);
        assertEquals(0, after.rc(), after::toString);
        assertEquals("made", after.cache(), "a cache with a persistently started bundle is not reused: " + after);
        // an uninstalled bundle
        Run gone = run(Mmkit.jar(), "uninstall " + trace + "; lb");
        assertEquals(0, gone.rc(), gone::toString);
        assertFalse(gone.out().contains("|mm.trace: "), "uninstalled: " + gone);
        Run again = run(Mmkit.jar(), VIEW + "; mm:help");
        assertEquals(0, again.rc(), again::toString);
        assertEquals("made", again.cache(), again::toString);
        assertTrue(again.out().contains("mm:trace"), "mm.trace is back: " + again);
        assertEquals("reused", run(Mmkit.jar(), "mm:version").cache());
    }

    @Test
    void aVariantSwitchedInOneRunIsNotInTheNext() throws Exception {
        Run switched = run(Mmkit.jar(), "mm:variant page-ext on-touch; mm:variant page-ext");
        assertEquals(0, switched.rc(), switched::toString);
        assertTrue(switched.out().contains("page-ext: on-touch"), switched::toString);
        Run next = run(Mmkit.jar(), "mm:variant page-ext");
        assertEquals("reused", next.cache(), next::toString);
        assertEquals("page-ext: *late on-touch\n", next.out(), "Config Admin's stored configuration is not kept: " + next);
    }

    @Test
    void severalRunsAtOnceAllSucceedAndTheCacheStaysUsable() throws Exception {
        List<Process> ps = new ArrayList<>();
        for (int i = 0; i < 3; i++) ps.add(start(Mmkit.jar(), VIEW));
        List<Run> runs = new ArrayList<>();
        for (Process p : ps) runs.add(finish(p));
        for (Run r : runs) {
            assertEquals(0, r.rc(), r::toString);
            assertEquals(withoutTimes(runs.get(0).out()), withoutTimes(r.out()));
            // whoever did not get the kept cache ran on a temporary one
            assertTrue(List.of("made", "reused", "temporary").contains(r.cache()), r::toString);
        }
        assertTrue(runs.stream().filter(r -> r.cache().equals("made")).count() <= 1, runs::toString);
        Run after = run(Mmkit.jar(), VIEW);
        assertTrue(List.of("made", "reused").contains(after.cache()), after::toString);
        assertEquals(withoutTimes(runs.get(0).out()), withoutTimes(after.out()));
        try (Stream<Path> s = Files.list(tmp.resolve("cache/mmkit"))) {
            assertFalse(s.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no half-written marker");
        }
    }

    private List<Path> caches() throws IOException {
        try (Stream<Path> s = Files.list(tmp.resolve("cache/mmkit"))) {
            return s.filter(Files::isDirectory).toList();
        }
    }

    /** Under --seed the output has no measured time: runs must print the same, byte for byte. */
    private static String withoutTimes(String out) {
        return out;
    }
}
