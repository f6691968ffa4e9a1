package mm.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import mm.compare.api.CompareService;
import mm.compare.api.Comparison;
import mm.core.api.MemoryModel;
import mm.machine.api.MachineService;
import mm.shell.api.Artifacts;
import mm.variant.api.VariantService;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

/** mm:compare in the framework: the service sees page_owner and the memory blocks, the command leaves an artifact. */
@ExtendWith(ServiceExtension.class)
class CompareTest {
    @InjectService(timeout = 60_000)
    CompareService compare;
    @InjectService(timeout = 60_000)
    MemoryModel model;
    @InjectService(timeout = 60_000)
    MachineService machines;
    @InjectService(timeout = 60_000)
    VariantService variants;

    @Test
    void theServiceReadsEveryViewThroughTheOtherBundles() throws Exception {
        Map<String, String> before = variants.selection();
        Comparison c = compare.compare("tiny", List.of(compare.configuration("A", ""),
                compare.configuration("B", "deferred-init=off page_owner=on")), null);
        assertTrue(c.rows().stream().anyMatch(r -> r.view().equals("pageowner") && r.values().get(0) == null
                && r.values().get(1) != null), "page_owner's early counts in B only");
        assertTrue(c.rows().stream().anyMatch(r -> r.view().equals("blocks") && r.field().equals("blocks")),
                "mm.hotplug's memory blocks");
        assertTrue(c.rows().stream().anyMatch(r -> r.view().equals("phases")));
        assertEquals(before, variants.selection());
        assertEquals(List.of(), model.check());
    }

    @Test
    void theCommandPrintsTheTableRunsTheScriptAndRecordsTheArtifact(
            @InjectService(timeout = 60_000) CommandProcessor processor,
            @InjectService(timeout = 60_000) Artifacts artifacts) throws Exception {
        Path script = Files.createTempFile("compare-", ".gogo");
        Files.writeString(script, "# allocate, then the numbers are read\nmm:alloc --order 2 --count 5\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        CommandSession s = processor.createSession(new ByteArrayInputStream(new byte[0]), ps, ps);
        try {
            s.execute("mm:compare --machine tiny --script " + script + " --view zoneinfo,buddyinfo \"\""
                    + " deferred-init=off");
        } finally {
            s.close();
            Files.deleteIfExists(script);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("mm:compare on tiny: 2 configurations, deltas against A"), text);
        assertTrue(text.contains("\nzoneinfo ("), text);
        assertTrue(text.contains("node 0 DMA32 order 2"), text);
        assertTrue(!text.contains("0x"), "the script's output (the PFNs of mm:alloc) is not in the table: " + text);
        Artifacts.Artifact a = artifacts.last("compare");
        assertNotNull(a);
        assertEquals("text/html", a.mediaType());
        assertTrue(new String(a.content(), StandardCharsets.UTF_8).contains("<table class=\"mm-compare-table\">"));
        assertEquals(List.of(), model.check());
    }
}
