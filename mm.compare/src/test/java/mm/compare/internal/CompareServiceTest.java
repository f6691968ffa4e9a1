package mm.compare.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import mm.compare.api.Comparison;
import mm.compare.api.Comparison.Row;
import mm.compare.api.Configuration;
import mm.core.internal.deferred.DeferredInits;
import mm.core.internal.mm.MemoryModelImpl;
import mm.machine.internal.MachineServiceImpl;
import mm.variant.internal.StandaloneVariants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The compares on the real services wired by hand: mm.core's model, the machine service, a standalone registry. */
class CompareServiceTest {
    final StandaloneVariants variants = new StandaloneVariants();
    final MemoryModelImpl model;
    final MachineServiceImpl machines = new MachineServiceImpl();
    final CompareServiceImpl compare;

    CompareServiceTest() throws Exception {
        DeferredInits.register(variants::register);
        model = new MemoryModelImpl(variants);
        compare = new CompareServiceImpl(model, machines, variants);
        machines.setCurrent(machines.builtin("tiny").orElseThrow());
    }

    static Row row(Comparison c, String view, String field) {
        return c.rows().stream().filter(r -> r.view().equals(view) && r.field().equals(field)).findFirst()
                .orElseThrow(() -> new AssertionError("no row " + view + " " + field + " in " + c.rows().size()));
    }

    @Test
    void configurationWords() {
        Configuration c = compare.configuration("B", " deferred-init=off page_owner=on machine=qemu-2g memmap=64M!4G ");
        assertEquals(Map.of("deferred-init", "off"), c.variants());
        assertEquals(List.of("page_owner=on", "memmap=64M!4G"), c.bootOptions(), "memmap=64M!4G is the kernel's");
        assertEquals("qemu-2g", c.machine());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> compare.configuration("A", "deferred-init=fast"));
        assertEquals("configuration A ('deferred-init=fast'): no variant 'fast' of deferred-init (variants:"
                + " multithreaded, off, per-node, two-pass)", e.getMessage());
    }

    @Test
    void twoVariantsOnTinyThenTheRuntimeIsAsBefore() {
        Map<String, String> before = variants.selection();
        var current = machines.current();
        Comparison c = compare.compare(null, List.of(compare.configuration("A", "deferred-init=per-node"),
                compare.configuration("B", "deferred-init=off page_owner=on")), null);
        assertEquals(List.of("A", "B"), c.labels());
        assertEquals(List.of("deferred-init=per-node", "deferred-init=off page_owner=on"), c.legend());
        Row spanned = row(c, "zoneinfo", "node 0 DMA32 spanned");
        assertEquals(Comparison.SAME, spanned.verdict());
        assertTrue(spanned.values().get(0).longValue() > 0);
        assertEquals(Comparison.SAME, row(c, "memory", "total K").verdict());
        assertTrue(c.rows().stream().anyMatch(r -> r.view().equals("phases") && r.field().endsWith("measured ms")));
        for (String v : Comparison.VIEWS) {
            if (v.equals("pageowner") || v.equals("blocks")) continue; // neither bundle is wired here
            assertTrue(c.rows().stream().anyMatch(r -> r.view().equals(v)), v);
        }
        assertTrue(c.notes().stream().anyMatch(n -> n.startsWith("blocks: mm.hotplug is not running")));
        assertEquals(before, variants.selection(), "the variants are selected back");
        assertEquals(current, machines.current(), "the machine is restored");
        assertEquals("tiny", model.machine().name(), "the last boot is kept");
        assertEquals(List.of(), model.check());
    }

    @Test
    void aBadConfigurationIsRefusedBeforeAnyBoot() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> compare.compare("tiny",
                List.of(compare.configuration("A", ""), compare.configuration("B", "page_owner=on movablecore=4Q")),
                null));
        assertTrue(e.getMessage().startsWith("configuration B ('page_owner=on movablecore=4Q'): boot option"
                + " 'movablecore=4Q': "), e.getMessage());
        assertFalse(model.booted(), "nothing booted");
        e = assertThrows(IllegalArgumentException.class, () -> compare.compare(null,
                List.of(compare.configuration("A", ""), compare.configuration("B", "machine=no-such-machine")), null));
        assertTrue(e.getMessage().startsWith("configuration B: no machine file 'no-such-machine'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> compare.compare(null,
                List.of(compare.configuration("A", "")), null));
        assertEquals("mm:compare needs two or more configurations, got 1", e.getMessage());
        assertFalse(model.booted());
    }

    @Test
    void theScenarioRunsAfterEachBootAndAFailureRestoresTheRuntime() {
        List<String> ran = new ArrayList<>();
        Map<String, String> before = variants.selection();
        compare.compare("tiny", List.of(compare.configuration("A", ""), compare.configuration("B",
                "deferred-init=off")), c -> ran.add(c.label() + " " + model.deferredInitVariant()));
        assertEquals(List.of("A per-node", "B off"), ran);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> compare.compare("tiny",
                List.of(compare.configuration("A", ""), compare.configuration("B", "deferred-init=off")), c -> {
                    if (c.label().equals("B")) throw new IllegalStateException("configuration B: script.gogo:3: boom");
                }));
        assertEquals("configuration B: script.gogo:3: boom", e.getMessage());
        assertEquals(before, variants.selection());
        assertEquals("tiny", machines.current().name());
    }

    static Path snapshot(Path dir, String... files) throws IOException {
        for (String f : files) {
            try (InputStream in = CompareServiceTest.class.getResourceAsStream("/qemu-2g-1node/" + f)) {
                Files.copy(in, dir.resolve(f));
            }
        }
        return dir;
    }

    @Test
    void realSnapshotEveryFieldWithAVerdict(@TempDir Path dir) throws IOException {
        snapshot(dir, "console.log", "zoneinfo.txt", "pagetypeinfo.txt", "meminfo.txt", "uname.txt");
        Files.delete(dir.resolve("console.log"));
        try (InputStream in = CompareServiceTest.class.getResourceAsStream("/qemu-2g-1node/console.log")) {
            // a plain dmesg: the kernel's lines without the fixture's dumps
            List<String> lines = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().toList();
            Files.write(dir.resolve("dmesg"), Views.kernelLines(lines));
        }
        var current = machines.current();
        Comparison c = compare.real(dir, null);
        assertEquals(List.of("real", "emulated"), c.labels());
        assertTrue(c.title().contains("6.12.117"), c.title());
        assertEquals(Comparison.SAME, row(c, "zoneinfo", "node 0 DMA32 managed").verdict());
        assertEquals(Comparison.SAME, row(c, "zoneinfo", "node 0 DMA32 spanned").verdict());
        assertEquals(Comparison.SAME, row(c, "meminfo", "MemTotal").verdict());
        assertEquals(Comparison.NOT_MODELLED, row(c, "meminfo", "Mapped").verdict());
        assertEquals(Comparison.SAME, row(c, "pagetypeinfo", "pages per block").verdict());
        assertEquals(960L, row(c, "pagetypeinfo", "node 0 DMA32 blocks Movable").values().get(0));
        assertEquals(2009324L, row(c, "memory", "available K").values().get(0));
        Row free = row(c, "meminfo", "MemFree");
        // page_ext is not wired here, so the 36 MiB of page_owner's tables the real boot took stay free: caught
        assertEquals(Comparison.DIFFERS, free.verdict(), free.toString());
        assertTrue(c.differing().contains(free));
        for (Row r : c.rows()) assertTrue(r.values().get(0) != null || r.verdict().equals(Comparison.MISSING), r.toString());
        assertTrue(c.notes().contains("buddyinfo: no buddyinfo or buddyinfo.txt in " + dir + ": skipped"), c.notes().toString());
        assertTrue(c.notes().contains("vmstat: no vmstat or vmstat.txt in " + dir + ": skipped"), c.notes().toString());
        assertFalse(c.rows().stream().anyMatch(r -> r.view().equals("buddyinfo")), "a skipped file has no rows");
        assertFalse(c.tolerances().isEmpty());
        assertEquals(current, machines.current(), "the imported machine is not left current");
        assertEquals(List.of(), model.check());
    }

    @Test
    void aConsoleLogsDumpsStandInForMissingFiles(@TempDir Path dir) throws IOException {
        snapshot(dir, "console.log");
        Comparison c = compare.real(dir, compare.configuration("emulated", "deferred-init=off"));
        assertTrue(c.notes().contains("vmstat: no vmstat or vmstat.txt in " + dir + ", read from the @@@BEGIN vmstat@@@"
                + " dump in console.log"), c.notes().toString());
        assertTrue(c.rows().stream().anyMatch(r -> r.view().equals("vmstat")));
        assertEquals("mmkit, console with deferred-init=off", c.legend().get(1));
        assertEquals("per-node", variants.selection().get("deferred-init"));
    }

    @Test
    void realWithoutALogIsRefused(@TempDir Path dir) throws IOException {
        snapshot(dir, "zoneinfo.txt");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> compare.real(dir, null));
        assertEquals("--real " + dir + ": no kernel log (console.log, console.txt, dmesg, dmesg.txt, dmesg.log): the"
                + " machine is imported from it", e.getMessage());
        assertFalse(model.booted());
    }
}
