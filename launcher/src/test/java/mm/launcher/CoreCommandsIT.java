package mm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** mm.core's commands through the real launcher and framework, in script mode, as a user runs them. */
class CoreCommandsIT {
    static Path resource(String name) throws Exception {
        return Path.of(CoreCommandsIT.class.getClassLoader().getResource(name).toURI());
    }

    @Test
    void importingTheRealDmesgShowsTheSameE820MapAndNode() throws Exception {
        Path log = resource("refdata/qemu-2g-console.log");
        Mmkit.Result r = Mmkit.run("-c", "mm:machine import-dmesg " + log + "; mm:machine show");
        assertEquals(0, r.rc(), r.toString());
        for (String line : Files.readAllLines(resource("refdata/qemu-2g-e820.txt"))) {
            String e820 = line.substring(line.indexOf("BIOS-e820:")).trim();
            assertTrue(r.out().contains(e820), "missing " + e820 + "\n" + r);
        }
        assertTrue(r.out().contains("Node 0: cpus 2"), r.toString());
    }

    @Test
    void bootingQemu2gMatchesTheRealKernelsZoneinfo() throws Exception {
        Mmkit.Result r = Mmkit.run("-c", "mm:boot -q --machine qemu-2g; mm:zoneinfo; mm:check");
        assertEquals(0, r.rc(), r.toString());
        // the real 6.12 kernel: DMA spanned 4095 present 3998 managed 3840; DMA32 520160 / 520160 / 501646
        assertTrue(r.out().matches("(?s).*zone      DMA\n.*spanned  4095\n        present  3998\n        managed  3840\n.*"), r.toString());
        assertTrue(r.out().matches("(?s).*zone    DMA32\n.*spanned  520160\n        present  520160\n        managed  50\\d{4}\n.*"), r.toString());
        assertTrue(r.out().trim().endsWith("OK"), r.toString());
    }

    /**
     * The kernel build and boot options for one boot (issue 15): qemu-2g built with CMA, booted with cma=, hugepages=
     * and crashkernel=; movable allocations then reach the CMA area and the checker still passes.
     */
    @Test
    void cmaHugepagesAndCrashkernelOnQemu2g() throws Exception {
        Mmkit.Result r = Mmkit.run("-c", "mm:boot --machine qemu-2g --config CONFIG_CMA=y --cmdline"
                + " 'cma=64M hugepages=16 crashkernel=256M'; mm:meminfo; mm:alloc -o 10 -n 390 --gfp GFP_HIGHUSER_MOVABLE;"
                + " mm:zoneinfo; mm:check");
        assertEquals(0, r.rc(), r.toString());
        String out = r.out();
        assertTrue(out.matches("(?s).*\\] cma: Reserved 64 MiB at 0x[0-9a-f]{16} on node -1\n.*"), out);
        assertTrue(out.contains("] crashkernel reserved: "), out);
        assertTrue(out.contains(", 65536K cma-reserved)\n"), out);
        assertTrue(out.contains("HugePages_Total:      16\n"), out);
        assertTrue(out.contains("CmaTotal:          65536 kB\nCmaFree:           65536 kB\n"), out);
        assertTrue(out.matches("(?s).*\n        cma      16384\n.*\n      nr_free_cma  [0-9]{1,4}\n.*"), out);
        assertTrue(out.trim().endsWith("OK"), out);
    }

    @Test
    void allocPageFreeAndCheckInScriptMode() throws Exception {
        Mmkit.Result r = Mmkit.run("-c", "mm:boot -q --machine tiny; mm:alloc -o 2 --gfp 'GFP_KERNEL|__GFP_ZERO' --caller a,b;"
                + " mm:check");
        assertEquals(0, r.rc(), r.toString());
        String pfn = r.out().lines().filter(l -> l.matches("0x[0-9a-f]+")).findFirst().orElseThrow();
        Mmkit.Result p = Mmkit.run("-c", "mm:boot -q --machine tiny; mm:alloc -o 2; mm:page " + pfn + "; mm:free " + pfn
                + " 2; mm:page " + pfn + "; mm:check");
        assertEquals(0, p.rc(), p.toString());
        assertTrue(p.out().contains("State: allocated (head, order 2)"), p.toString());
        assertTrue(p.out().contains("State: free (per-cpu list)") || p.out().contains("State: free (buddy"), p.toString());
    }

    @Test
    void aFailedMultiBlockAllocFreesWhatItTookAndBadArgumentsAreNamed() throws Exception {
        Mmkit.Result r = Mmkit.runWithInput("mm:boot -q --machine tiny\nmm:zoneinfo --summary\n"
                + "mm:alloc --gfp 'GFP_KERNEL|__GFP_NOFAIL' -o 10 -n 100000\nmm:zoneinfo --summary\n"
                + "mm:alloc -o abc\nmm:alloc -n -5\nmm:alloc --gfp 'GFP_KERNEL|'\nmm:alloc --node 7\nmm:check\n",
                "--keep-going");
        assertEquals(5, r.rc(), r.toString());
        String err = r.err();
        assertTrue(err.contains(": page allocation failure: order:10, mode:0x8cc0(GFP_KERNEL|__GFP_NOFAIL) after "),
                r.toString());
        assertTrue(err.contains(" blocks it took were freed again\n"), r.toString());
        assertTrue(err.contains("mm:alloc -o abc: --order: expected a whole number in 0..10, got 'abc'\n"), r.toString());
        assertTrue(err.contains("mm:alloc -n -5: --count: -5 is out of range (1..2147483647)\n"), r.toString());
        assertTrue(err.contains("mm:alloc --gfp 'GFP_KERNEL|': empty term in GFP mask 'GFP_KERNEL|'\n"), r.toString());
        assertTrue(err.contains("mm:alloc --node 7: --node 7: no such node (nodes: 0; -1 = the caller's)\n"), r.toString());
        // the zone summary is the same before and after the failed allocation, and the checker agrees
        String[] tables = r.out().split("node zone ");
        assertEquals(3, tables.length, r.toString());
        assertEquals(tables[1], tables[2].substring(0, tables[1].length()));
        assertTrue(r.out().endsWith("OK\n"), r.toString());
    }

    /** Issue 14, defect 7: the absurd arguments it lists are refused in one sentence, and nothing changes. */
    @Test
    void absurdArgumentsAreRefusedNotClampedOrIgnored() throws Exception {
        String[] bad = {"mm:memblock add", "mm:memblock reset now", "mm:memblock alloc 0", "mm:memblock alloc 4K 3",
                "mm:reporting config capacity=0", "mm:reporting config latency.us=99999999999999999999",
                "mm:reporting config delay.ms=-1", "mm:boot -q --deferred-threads -5"};
        StringBuilder in = new StringBuilder("mm:boot -q --machine tiny\nmm:zoneinfo --summary\nmm:reporting config\n");
        for (String b : bad) in.append(b).append('\n');
        in.append("mm:zoneinfo --summary\nmm:reporting config\nmm:check\n");
        Mmkit.Result r = Mmkit.runWithInput(in.toString(), "--keep-going");
        assertEquals(bad.length, r.rc(), r.toString());
        String[] why = {"mm:memblock add takes BASE SIZE, got none", "mm:memblock reset takes no arguments, got 1 (now)",
                "argument 1 of alloc: the size must be at least 1 byte, got '0'",
                "argument 2 of alloc: the alignment must be a power of two from 1 to 2^52, got '3'",
                "capacity: expected an integer 1..2147483647, got '0'",
                "latency.us: expected a number 0..86400000000 (one day), got '99999999999999999999'",
                "delay.ms: expected a number 0..86400000 (one day), got '-1'",
                "--deferred-threads: expected 1..8192 helper threads per node (0 or absent: the node's CPUs), got -5"};
        for (int i = 0; i < bad.length; i++) {
            assertTrue(r.err().contains("mmkit: command failed: " + bad[i] + ": " + why[i] + "\n"), bad[i] + "\n" + r);
        }
        // the zone summary and the reporting tunables before and after are the same
        String out = r.out();
        int cut = out.indexOf("node zone", out.indexOf("order = ") + 1);
        String before = out.substring(out.indexOf("node zone"), cut), after = out.substring(cut, out.lastIndexOf("OK"));
        assertEquals(before, after, r.toString());
        assertTrue(out.strip().endsWith("OK"), r.toString());
    }

    @Test
    void aBadFreeFailsTheScriptWithTheBadPageReport() throws Exception {
        Mmkit.Result r = Mmkit.run("-c", "mm:boot -q --machine tiny; mm:free 0x0 0; mm:check");
        assertEquals(1, r.rc(), r.toString());
        assertTrue(r.err().contains("mm:free 0x0 0"), r.toString());
        assertTrue(r.err().contains("BUG: Bad page state: pfn 0x0: PG_reserved is set"), r.toString());
    }

    @Test
    void memblockExperimentsPrintTheDebugfsFormat() throws Exception {
        Mmkit.Result r = Mmkit.run("-c", "mm:memblock reset; mm:memblock add 0x100000 512M; mm:memblock reserve 16M 2M;"
                + " mm:memblock alloc 4K; mm:memblock memory; mm:memblock reserved");
        assertEquals(0, r.rc(), r.toString());
        assertTrue(r.out().contains("   0: 0x0000000000100000..0x00000000200fffff    x NONE"), r.toString());
        assertTrue(r.out().contains("0x0000000001000000..0x00000000011fffff"), r.toString());
        assertTrue(r.out().contains("0x00000000200ff000"), "top-down allocation at the top of memory\n" + r);
    }

    @Test
    void aMalformedMachineFileNamesTheLineAndFails() throws Exception {
        Path bad = Files.createTempFile("bad", ".machine");
        Files.writeString(bad, "machine bad\nnode 0 cpus 2\ne820 0x0-0x9fbff usable node 0\ne820 0x100000+4Q usable node 0\n");
        Mmkit.Result r = Mmkit.run("-c", "mm:machine load " + bad + "; mm:boot");
        assertEquals(1, r.rc(), r.toString());
        assertTrue(r.err().contains(bad + ":4:"), r.toString());
        assertTrue(r.err().contains("4Q"), r.toString());
    }

    @Test
    void deferredInitVariantsSwapBetweenBoots() throws Exception {
        Mmkit.Result r = Mmkit.run("-c", "mm:boot -q --machine tiny-2node; mm:deferred; mm:variant deferred-init two-pass;"
                + " mm:boot -q; mm:check; mm:variant deferred-init off; mm:boot -q; mm:deferred");
        assertEquals(0, r.rc(), r.toString());
        assertTrue(r.out().contains("(deferred-init per-node)"), r.toString());
        assertTrue(r.out().contains("(deferred-init two-pass)"), r.toString());
        assertTrue(r.out().contains("(deferred-init off)"), r.toString());
        List<String> deferredTables = r.out().lines().filter(l -> l.startsWith("variant: ")).toList();
        assertEquals(List.of("variant: per-node", "variant: off"), deferredTables);
    }
}
