package mm.core.internal.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import mm.core.internal.deferred.DeferredInits;
import mm.machine.api.Machine;
import mm.machine.internal.MachineServiceImpl;
import mm.variant.internal.StandaloneVariants;
import org.junit.jupiter.api.Test;

/**
 * The Memory: line exact for the reference boot (the early_page_ext boot, whose page_ext tables are out of the buddy
 * by then, is checked with page_ext wired: mm.pageowner's FidelityQemu2gTest). Its "available" is nr_free_pages(): what the kernel had taken out
 * of the buddy by then counts against it whether allocated or sitting on a per-cpu list, so the boot workload's
 * volume is that figure, per-cpu lists included (the early scan's count is bigger: it runs later, after page_owner's
 * first stack depot pools and buffer_init's slabs).
 */
class MemoryLineTest {
    static String memoryLine(List<String> lines) {
        for (String l : lines) {
            String m = l.substring(l.indexOf("] ") + 2);
            if (m.startsWith("Memory: ")) return m;
        }
        throw new AssertionError("no Memory: line");
    }

    static void assertSameMemoryLine(String log) throws Exception {
        String console = FidelityQemu2gTest.resource(log);
        Machine m = new MachineServiceImpl().importDmesgText("qemu-2g", console).machine();
        StandaloneVariants variants = new StandaloneVariants();
        DeferredInits.register(variants::register);
        MemoryModelImpl model = new MemoryModelImpl(variants);
        List<String> ours = model.boot(m).log();
        List<String> real = List.of(console.split("\r?\n")).stream().filter(l -> l.contains("] Memory: ")).toList();
        assertEquals(memoryLine(real), memoryLine(ours));
        assertEquals(List.of(), model.check());
    }

    @Test
    void lateBoot() throws Exception {
        assertSameMemoryLine("refdata/qemu-2g-1node/console.log");
    }
}
