package mm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** page_ext and page_owner in the shipped launcher: profiles, commands, the seed 000 script, the refused profile. */
class PageOwnerIT {
    @TempDir
    Path tmp;

    /** The repository's scripts/ directory (the ITs run in launcher/). */
    static Path scripts() {
        return Path.of("..", "scripts").toAbsolutePath().normalize();
    }

    @Test
    void theFullProfileBootsTheReferenceMachineWithPageOwner() throws Exception {
        Path dump = tmp.resolve("page_owner.txt");
        Mmkit.Result r = Mmkit.run("-c", "mm:machine load qemu-2g; mm:boot -q; mm:pageowner early; mm:pageext;"
                + " mm:pageowner dump " + dump + "; mm:pageowner summary --by order; mm:check");
        assertEquals(0, r.rc(), r::toString);
        assertEquals("", r.err(), r::toString);
        assertTrue(r.out().contains("  page_ext_init (late, at PAGE_EXT_LATE) "), r::toString);
        assertTrue(r.out().contains("\nNode 0, zone      DMA: page owner found early allocated 0 pages\n"), r::toString);
        Matcher m = Pattern.compile("\nNode 0, zone    DMA32: page owner found early allocated (\\d+) pages\n").matcher(r.out());
        assertTrue(m.find(), r::toString);
        long found = Long.parseLong(m.group(1));
        assertTrue(Math.abs(found - 10228) <= 1023, "the real kernel found 10228: " + found);
        assertTrue(r.out().contains("page_ext: variant late, initialised, entry 72 bytes per page, 16 sections,"
                + " 37748736 bytes (36.0 MiB) = 72 bytes per present page\n"), r::toString);
        Matcher w = Pattern.compile("wrote (\\d+) page_owner records \\((\\d+) bytes\\) to (.*)\n").matcher(r.out());
        assertTrue(w.find(), r::toString);
        String text = Files.readString(dump);
        assertEquals(Long.parseLong(w.group(2)), Files.size(dump));
        long blocks = text.split("\n\n").length;
        assertEquals(Long.parseLong(w.group(1)), blocks);
        assertTrue(text.startsWith("Page allocated via order "), text.substring(0, 200));
        assertTrue(text.contains("\nPFN 0x"), "PFN lines");
        assertTrue(r.out().contains(" times, "), r::toString);
        assertTrue(r.out().endsWith("OK\n") || r.out().contains("\nOK\n"), "mm:check: " + r);
    }

    @Test
    void aDumpThatFailsOrWouldOverwriteLeavesTheFileAsItWas() throws Exception {
        Path x = tmp.resolve("x.txt");
        Files.writeString(x, "data\n");
        // page_owner is off on tiny: the dump fails, and x.txt keeps its content (it used to be emptied)
        Mmkit.Result r = Mmkit.run("-c", "mm:boot -q --machine tiny; mm:pageowner dump --force " + x);
        assertEquals(1, r.rc(), r::toString);
        assertEquals("mmkit: command failed: mm:pageowner dump --force " + x + ": page_owner is disabled (boot with"
                + " page_owner=on): " + x + " not written\n", r.err(), r::toString);
        assertEquals("data\n", Files.readString(x));
        // page_owner on: an existing file needs --force, and nothing is opened before that check
        r = Mmkit.run("-c", "mm:machine load qemu-2g; mm:boot -q; mm:pageowner dump " + x);
        assertEquals(1, r.rc(), r::toString);
        assertTrue(r.err().endsWith(": cannot write " + x + ": it exists (add --force to overwrite it)\n"), r::toString);
        assertEquals("data\n", Files.readString(x));
        r = Mmkit.run("-c", "mm:machine load qemu-2g; mm:boot -q; mm:pageowner dump --force " + x);
        assertEquals(0, r.rc(), r::toString);
        assertTrue(Files.readString(x).startsWith("Page allocated via order "), r::toString);
    }

    @Test
    void theSeed000ScriptPrintsTheThreeWayTable() throws Exception {
        Mmkit.Result r = Mmkit.run("--profile", scripts().resolve("seed000.txt").toString(),
                scripts().resolve("seed000.gogo").toString());
        assertEquals(0, r.rc(), r::toString);
        String out = r.out();
        assertTrue(out.contains("seed 000: page owner's early-allocated pages per zone, machine default (2 nodes,"), out);
        assertTrue(out.contains("\npage_ext init                           late            late           early        on-touch\n"), out);
        assertTrue(out.contains("\ndeferred struct page init           per-node             off             off        per-node\n"), out);
        for (String zone : List.of("Node 0, zone      DMA", "Node 0, zone    DMA32", "Node 0, zone   Normal", "Node 1, zone   Normal")) {
            String row = out.lines().filter(l -> l.startsWith(zone + " ")).findFirst().orElseThrow(() -> new AssertionError(zone + "\n" + out));
            String[] v = row.substring(zone.length()).trim().split("\\s+");
            assertEquals(4, v.length, row);
            assertEquals("0", v[3], "on-touch finds nothing early: " + row);
        }
        assertTrue(out.contains("\npage_ext bytes                     150994944       150994944       150994944       150994944\n"), out);
        assertTrue(out.contains("\nboot modelled (kernel ms)"), out);
        assertTrue(out.contains("\nOK\n"), "mm:check after the comparison: " + out);
    }

    @Test
    void aProfileWithTheEarlyVariantAndDeferredInitDoesNotStart() throws Exception {
        Path p = tmp.resolve("early-deferred.txt");
        Files.writeString(p, "@full\nmm.pageext.early\nconfig mm.variant page-ext=early\n");
        Mmkit.Result r = Mmkit.run("--profile", p.toString(), "-c", "mm:variant");
        assertEquals(1, r.rc(), r::toString);
        assertEquals("", r.out(), r::toString);
        assertEquals("mmkit: profile 'early-deferred' (" + p + "): bundle mm.pageext.early cannot start: page_ext early"
                + " init (early_page_ext) requires deferred struct page init off: add 'config mm.variant deferred-init=off'"
                + " to the profile (it requires capability mm.boot (deferred-init=off): the profile boots with"
                + " deferred-init=per-node)\n", r.err(), r::toString);
    }

    @Test
    void mmVariantRefusesTheCombinationFromBothSides() throws Exception {
        Path profile = scripts().resolve("seed000.txt");
        Mmkit.Result a = Mmkit.run("--profile", profile.toString(), "-c",
                "mm:variant deferred-init per-node; mm:variant page-ext early");
        assertEquals(1, a.rc(), a::toString);
        assertTrue(a.err().startsWith("mmkit: command failed: mm:variant page-ext early: cannot select page-ext=early:"
                + " page_ext early init (early_page_ext) requires deferred struct page init off"), a::toString);
        Mmkit.Result b = Mmkit.run("--profile", profile.toString(), "-c",
                "mm:variant page-ext early; mm:machine load tiny; mm:pageowner on; mm:boot -q; mm:pageowner early;"
                        + " mm:variant deferred-init per-node");
        assertEquals(1, b.rc(), b::toString);
        assertTrue(b.out().contains("Node 0, zone    DMA32: page owner found early allocated 1752 pages"), b::toString);
        assertTrue(b.err().startsWith("mmkit: command failed: mm:variant deferred-init per-node: cannot select"
                + " deferred-init=per-node: page-ext is 'early': page_ext early init"), b::toString);
    }
}
