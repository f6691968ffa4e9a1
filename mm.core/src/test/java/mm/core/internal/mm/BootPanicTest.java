package mm.core.internal.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import mm.core.internal.deferred.DeferredInits;
import mm.machine.api.Machine;
import mm.machine.api.MemblockOp;
import mm.machine.internal.MachineServiceImpl;
import mm.variant.internal.StandaloneVariants;
import org.junit.jupiter.api.Test;

/** A machine the kernel cannot boot is refused with the kernel's panic, and the previous boot stays. */
class BootPanicTest {
    @Test
    void everyByteReservedPanicsAndKeepsThePreviousBoot() throws Exception {
        StandaloneVariants variants = new StandaloneVariants();
        DeferredInits.register(variants::register);
        MemoryModelImpl model = new MemoryModelImpl(variants);
        Machine tiny = new MachineServiceImpl().builtin("tiny").orElseThrow();
        model.boot(tiny);
        long free = model.totalFreePages();
        Machine reserved = new Machine("all-reserved", "test", tiny.nodes(), null, tiny.e820(), tiny.hotplug(),
                tiny.reservations(), List.of(new MemblockOp(MemblockOp.Kind.RESERVE, 0, 1L << 28, -1, "test")),
                tiny.lateFrees(), tiny.options(), tiny.workload(), tiny.kernel(), tiny.timing());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> model.boot(reserved));
        assertTrue(e.getMessage().startsWith("Kernel panic - not syncing: alloc_low_pages: can not alloc memory"),
                e.getMessage());
        assertEquals("tiny", model.machine().name(), "the previous boot stays");
        assertEquals(free, model.totalFreePages());
        assertEquals(List.of(), model.check());
    }

    @Test
    void memBelowTheInitrdOrTheKernelImageDropsWhatIsNotMemory() throws Exception {
        StandaloneVariants variants = new StandaloneVariants();
        DeferredInits.register(variants::register);
        MemoryModelImpl model = new MemoryModelImpl(variants);
        MachineServiceImpl machines = new MachineServiceImpl();
        for (String mem : List.of("200M", "20M")) {
            Machine m = machines.parse("tiny-mem", MachineServiceImpl.builtinText("tiny").orElseThrow()
                    + "\ncmdline mem=" + mem + "\n");
            List<String> log = model.boot(m).log();
            assertEquals(List.of(), model.check(), "mem=" + mem);
            if (mem.equals("200M")) {
                assertTrue(log.stream().anyMatch(l -> l.endsWith("INITRD: 0x0fee0000+0x00100000 is not a memory region"
                        + " - disabling initrd")), String.join("\n", log));
                assertTrue(log.stream().noneMatch(l -> l.contains("Freeing initrd memory")), "the initrd is not freed");
            }
        }
        // mem=8M leaves less than the boot's own allocations need: the kernel's OOM path panics, the last boot stays
        long free = model.totalFreePages();
        Machine m = machines.parse("tiny-8m", MachineServiceImpl.builtinText("tiny").orElseThrow() + "\ncmdline mem=8M\n");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> model.boot(m));
        assertEquals("Kernel panic - not syncing: System is deadlocked on memory (the boot's own allocations need more"
                + " memory than the machine has free)", e.getMessage());
        assertEquals(free, model.totalFreePages(), "the previous boot stays");
        assertEquals(List.of(), model.check());
    }

    /** Issue 14, defect 3: almost every byte reserved leaves 0K available: the boot cannot go on. */
    @Test
    void almostEverythingReservedPanicsOutOfMemory() throws Exception {
        StandaloneVariants variants = new StandaloneVariants();
        DeferredInits.register(variants::register);
        MemoryModelImpl model = new MemoryModelImpl(variants);
        Machine tiny = new MachineServiceImpl().builtin("tiny").orElseThrow();
        model.boot(tiny);
        for (long end : new long[] {0xfefffffL, 0xf7fffffL}) {
            Machine reserved = new Machine("almost-all-reserved", "test", tiny.nodes(), null, tiny.e820(),
                    tiny.hotplug(), tiny.reservations(), List.of(new MemblockOp(MemblockOp.Kind.RESERVE, 0, end + 1, -1,
                    "test")), tiny.lateFrees(), tiny.options(), tiny.workload(), tiny.kernel(), tiny.timing());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> model.boot(reserved));
            assertTrue(e.getMessage().startsWith("Kernel panic - not syncing: System is deadlocked on memory"),
                    e.getMessage());
            assertEquals("tiny", model.machine().name(), "the previous boot stays");
            assertEquals(List.of(), model.check());
        }
    }
}
