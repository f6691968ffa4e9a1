package mm.compare.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import mm.core.internal.deferred.DeferredInits;
import mm.core.internal.mm.MemoryModelImpl;
import mm.machine.internal.MachineServiceImpl;
import mm.shell.api.Artifacts;
import mm.shell.api.Report;
import mm.shell.internal.ArtifactsImpl;
import mm.variant.internal.StandaloneVariants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command's outputs: the text, CSV rows, the --html page, the artifact, --fail-on-diff, refused arguments. */
class CompareCommandsTest {
    final StandaloneVariants variants = new StandaloneVariants();
    final MemoryModelImpl model;
    final MachineServiceImpl machines = new MachineServiceImpl();
    final Artifacts artifacts = new ArtifactsImpl();
    Report printed;
    boolean printedCsv;
    final CompareCommands cmd;

    CompareCommandsTest() throws Exception {
        DeferredInits.register(variants::register);
        model = new MemoryModelImpl(variants);
        machines.setCurrent(machines.builtin("tiny").orElseThrow());
        cmd = new CompareCommands(new CompareServiceImpl(model, machines, variants), (r, csv) -> {
            printed = r;
            printedCsv = csv;
        }, artifacts, null);
    }

    private void run(String machine, String real, String views, boolean changed, boolean csv, String html,
                     boolean force, boolean failOnDiff, String... configs) throws Exception {
        cmd.compare(machine, "", real, views, changed, csv, html, force, failOnDiff, configs);
    }

    @Test
    void textHasATablePerViewWithDeltasAndTheArtifactIsRecorded(@TempDir Path dir) throws Exception {
        Path html = dir.resolve("compare.html");
        run("tiny", "", "phases,zoneinfo", true, false, html.toString(), false, false, "", "deferred-init=off");
        String text = printed.text();
        assertTrue(text.startsWith("mm:compare on tiny: 2 configurations, deltas against A\n  A: (as is)\n"
                + "  B: deferred-init=off\n"), text);
        assertTrue(text.contains("\nphases ("), text);
        assertTrue(text.contains(" B-A "), text);
        assertFalse(text.contains("\nmeminfo ("), "--view leaves the other views out");
        assertTrue(text.contains("tolerances (a value within"), text);
        assertFalse(printedCsv);
        Map<String, Object> data = printed.data();
        assertEquals(List.of("title", "columns", "rows", "tolerances", "notes", "differing"),
                List.copyOf(data.keySet()));
        Artifacts.Artifact a = artifacts.last("compare");
        assertEquals("text/html", a.mediaType());
        assertEquals(printed.data().get("title"), a.title());
        String page = Files.readString(html);
        assertTrue(page.startsWith("<!DOCTYPE html>") && page.contains(new String(a.content(),
                java.nio.charset.StandardCharsets.UTF_8)), "the page holds the artifact's fragment");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run("tiny", "", "", false,
                false, html.toString(), false, false, "", ""));
        assertEquals("cannot write " + html + ": it exists (add --force to overwrite it)", e.getMessage());
        run("tiny", "", "memory", false, false, html.toString(), true, false, "", "");
        assertTrue(Files.readString(html).contains("available K"));
    }

    @Test
    void csvIsOneFlatTable() throws Exception {
        run("tiny", "", "buddyinfo", false, true, "", false, false, "", "mem=200M", "deferred-init=off");
        assertTrue(printedCsv);
        List<String> keys = printed.table().columns().stream().map(mm.shell.api.Column::key).toList();
        assertEquals(List.of("view", "field", "a", "b", "delta_b", "c", "delta_c", "tolerance", "verdict"), keys);
        assertTrue(printed.table().values().stream().allMatch(r -> r.get(0).equals("buddyinfo")));
    }

    @Test
    void failOnDiffFailsWithOneSentenceAfterPrinting() throws Exception {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> run("tiny", "", "meminfo", false,
                false, "", false, true, "", "mem=128M"));
        assertTrue(e.getMessage().matches("\\d+ field\\(s\\) differ beyond their tolerance \\(--fail-on-diff\\);"
                + " first: meminfo MemTotal A \\d+, B \\d+, tolerance 0.5%"), e.getMessage());
        assertTrue(printed.text().contains("MemTotal"), "the table is printed first");
        run("tiny", "", "memory", false, false, "", false, true, "", ""); // the same twice: nothing differs
    }

    @Test
    void refusedArguments() {
        printed = null;
        assertEquals("mm:compare needs two or more configurations, got 1 (" + CompareCommands.USAGE
                        + "; \"\" is the runtime as it is)",
                assertThrows(IllegalArgumentException.class, () -> run("", "", "", false, false, "", false, false,
                        "deferred-init=off")).getMessage());
        assertEquals("--view: unknown view 'zones' (views: phases, memory, pageowner, zoneinfo, buddyinfo,"
                + " pagetypeinfo, meminfo, vmstat, blocks)", assertThrows(IllegalArgumentException.class,
                () -> run("", "", "zones", false, false, "", false, false, "", "")).getMessage());
        assertEquals("--real takes at most one configuration (for the emulated side), got 2 (" + CompareCommands.USAGE
                + ")", assertThrows(IllegalArgumentException.class, () -> run("", "/tmp", "", false, false, "", false,
                false, "", "")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> run("", "", "", false, false,
                "/no/such/dir/x.html", false, false, "", "")).getMessage().startsWith("cannot write /no/such/dir/x.html"));
        assertNull(printed, "nothing printed, nothing booted");
        assertFalse(model.booted());
    }
}
