package mm.core.internal.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import mm.core.api.Mm;
import mm.core.hook.BootPhase;
import mm.core.hook.BootPhaseListener;
import mm.machine.api.Machine;
import org.junit.jupiter.api.Test;

/**
 * The boot's heap preflight: the estimate comes from the memmap's own accounting, a boot the JVM cannot hold is
 * refused before it starts, and one that runs out of heap anyway ends in one sentence; either way the previous boot
 * stays as it was.
 */
class HeapPreflightTest {
    static final long M = 1L << 20;

    @Test
    void theEstimateIsTheMemmapOfEveryPresentSectionAsTheStorageKeepsIt() {
        Machine m = TestMachines.twoNodes(1024, true); // 2 x 1 GiB: 16 sections
        HeapPreflight.Footprint f = HeapPreflight.footprint(m);
        assertEquals(16, f.presentSections());
        long perSection = (long) Mm.PAGES_PER_SECTION * MemmapImpl.BYTES_PER_PAGE;
        long memmap = new MemmapImpl().estimateBytes(f.presentSections(), f.presentPages());
        assertTrue(memmap >= 16 * perSection && memmap < 16 * perSection * 101 / 100, "memmap " + memmap);
        assertEquals(HeapPreflight.FIXED_BYTES + memmap + 5 * M,
                HeapPreflight.estimate(m, new MemmapImpl(), new mm.core.hook.BootHeapFootprint[] {
                        (machine, sections, pages) -> 5 * M}), "other storages add their own bytes");
    }

    @Test
    void theRefusalNamesTheMachineTheNeedTheHeapAndTheFix() {
        assertEquals("booting big-32t needs about 36.0 GiB of heap, this JVM has 1.0 GiB: run java -Xmx38g -jar mmkit.jar",
                HeapPreflight.message("big-32t", 36L << 30, 1L << 30).replace(HeapPreflight.launcherJar(), "mmkit.jar"));
    }

    @Test
    void aBootTooBigForTheHeapIsRefusedBeforeItStartsAndThePreviousBootStays() {
        MemoryModelImpl model = DeferredInitTest.model("per-node");
        model.boot(TestMachines.oneNode(512, true));
        List<String> before = model.dmesg();
        // a storage that would need more than any heap: the boot never starts
        model.addHeapFootprint((machine, sections, pages) -> Runtime.getRuntime().maxMemory());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> model.boot(TestMachines.twoNodes(1024, true)));
        assertTrue(e.getMessage().matches("booting \\S+ needs about [0-9.]+ GiB of heap, this JVM has [0-9.]+ GiB:"
                + " run java -Xmx[0-9]+g -jar \\S+"), e.getMessage());
        assertEquals(before, model.dmesg(), "the previous boot is untouched");
        assertEquals(List.of(), model.check());
    }

    @Test
    void runningOutOfHeapDuringTheBootIsOneSentenceAndKeepsThePreviousBoot() {
        MemoryModelImpl model = DeferredInitTest.model("per-node");
        model.boot(TestMachines.oneNode(512, true));
        List<String> before = model.dmesg();
        BootPhaseListener oom = (phase, ctx) -> {
            if (phase == BootPhase.MEMBLOCK_FREE_ALL) throw new OutOfMemoryError("Java heap space");
        };
        model.addPhaseListener(oom);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> model.boot(TestMachines.twoNodes(1024, true)));
        assertTrue(e.getMessage().matches("booting \\S+ ran out of heap \\(this JVM has [0-9.]+ GiB, the boot was"
                + " estimated at [0-9.]+ GiB\\); the previous boot is kept: run java -Xmx[0-9]+g -jar \\S+"), e.getMessage());
        assertEquals(before, model.dmesg());
        assertEquals(List.of(), model.check());
        model.removePhaseListener(oom);
        model.boot(TestMachines.twoNodes(1024, true));
        assertEquals(List.of(), model.check());
    }
}
