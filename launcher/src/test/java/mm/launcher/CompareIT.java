package mm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mm:compare in the shipped launcher: two variants on tiny, and qemu-2g against the real kernel's snapshot. */
class CompareIT {
    @TempDir
    Path tmp;

    /** The real snapshot as a user copies it: console.log (with its dumps) and the /proc and sysfs files. */
    private Path snapshot() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("qemu-2g-1node"));
        try (InputStream in = CompareIT.class.getResourceAsStream("/refdata/qemu-2g-console.log")) {
            Files.copy(in, dir.resolve("console.log"));
        }
        for (String f : List.of("zoneinfo.txt", "buddyinfo.txt", "pagetypeinfo.txt", "meminfo.txt",
                "memory-blocks.txt", "uname.txt")) {
            try (InputStream in = CompareIT.class.getResourceAsStream("/refdata/qemu-2g-1node/" + f)) {
                Files.copy(in, dir.resolve(f));
            }
        }
        return dir;
    }

    @Test
    void twoVariantsOnTinyWithAScriptThenTheRuntimeIsAsBefore() throws Exception {
        Path script = tmp.resolve("work.gogo");
        Files.writeString(script, "# the same work under each configuration\nmm:alloc --order 3 --count 4\n");
        Mmkit.Result r = Mmkit.run("-c", "mm:compare --machine tiny --script " + script + " --view phases,zoneinfo"
                + " \"\" \"deferred-init=off page_owner=on\"; mm:variant deferred-init; mm:machine show; mm:check");
        assertEquals(0, r.rc(), r::toString);
        assertTrue(r.out().startsWith("mm:compare on tiny: 2 configurations, deltas against A\n  A: (as is)\n"
                + "  B: deferred-init=off page_owner=on\n\nphases ("), r::toString);
        assertTrue(r.out().contains("\nzoneinfo ("), r::toString);
        assertTrue(r.out().contains("deferred-init: multithreaded off *per-node two-pass"), "variant restored: " + r);
        assertTrue(r.out().contains("\nMachine default (machines/default)\n"), "the current machine is back: " + r);
        assertTrue(r.out().endsWith("OK\n"), r::toString);
        Mmkit.Result bad = Mmkit.run("-c", "mm:compare --machine tiny \"\" \"movablecore=4Q\"");
        assertEquals(1, bad.rc(), bad::toString);
        assertTrue(bad.err().contains("configuration B ('movablecore=4Q'): boot option 'movablecore=4Q': "),
                bad::toString);
        assertTrue(!bad.err().contains("Exception"), bad::toString);
    }

    @Test
    void qemu2gAgainstTheRealKernelEveryFieldWithItsTolerance() throws Exception {
        Path dir = snapshot();
        Path html = tmp.resolve("compare.html");
        Mmkit.Result r = Mmkit.run("-c", "mm:compare --real " + dir + " --html " + html);
        assertEquals(0, r.rc(), r::toString);
        String out = r.out();
        assertTrue(out.startsWith("mm:compare --real " + dir + ": Linux (none) 6.12.117-pageowner"), out);
        // every zoneinfo, buddyinfo, pagetypeinfo and meminfo field of the real files has a row
        for (String f : List.of("zoneinfo", "buddyinfo", "pagetypeinfo", "meminfo")) {
            assertTrue(out.contains("\n" + f + " ("), f + ": " + out);
        }
        Matcher m = Pattern.compile("\n  MemTotal +2021944 +(\\d+) .* (\\S+ ?\\S*)\n").matcher(out);
        assertTrue(m.find(), out);
        assertTrue(row(out, "node 0 DMA32 managed").endsWith(" same"), row(out, "node 0 DMA32 managed"));
        assertTrue(row(out, "node 0 DMA32 spanned").endsWith(" same"));
        assertTrue(row(out, "node 0 DMA32 blocks Movable").endsWith(" same"));
        assertTrue(row(out, "MemFree").endsWith(" within tolerance"), row(out, "MemFree"));
        assertTrue(row(out, "Mapped").endsWith(" not modelled"));
        assertTrue(row(out, "node 0 DMA32 early allocated pages").matches(".* 10228 .*"), out);
        assertTrue(out.contains("\ntolerances (a value within the absolute or the relative difference of the"
                + " reference counts as within tolerance):\n  exact "), out);
        assertTrue(out.contains("note: vmstat: no vmstat or vmstat.txt in " + dir + ", read from the @@@BEGIN"
                + " vmstat@@@ dump in console.log\n"), out);
        assertTrue(Files.readString(html).contains("<tr class=\"not-modelled\"><td>Mapped</td>"));
        // for scripts and CI: the same, failing on the fields beyond their tolerance; and the data under --json
        Mmkit.Result f = Mmkit.run("--json", "-c", "mm:compare --real " + dir + " --view meminfo --fail-on-diff");
        assertEquals(1, f.rc(), f::toString);
        assertTrue(f.err().matches("(?s).*\\d+ field\\(s\\) differ beyond their tolerance \\(--fail-on-diff\\);"
                + " first: meminfo \\S+ real \\d+, emulated \\d+, tolerance \\S+.*"), f::toString);
        Map<String, Object> json = Json.object(f.out().lines().filter(l -> l.startsWith("{")).findFirst()
                .orElseThrow());
        assertEquals("compare", json.get("report"));
        assertTrue(((List<?>) json.get("rows")).size() >= 50, "meminfo's lines");
    }

    /** The text row of a field: from its name to the end of the line. */
    private static String row(String out, String field) {
        Matcher m = Pattern.compile("\n  (" + Pattern.quote(field) + " .*)\n").matcher(out);
        if (!m.find()) throw new AssertionError("no row '" + field + "' in\n" + out);
        return m.group(1).stripTrailing();
    }
}
