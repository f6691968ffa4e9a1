package mm.core.internal.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import mm.core.api.ZoneType;
import mm.core.internal.deferred.DeferredInits;
import mm.machine.api.Machine;
import mm.machine.internal.MachineServiceImpl;
import mm.variant.internal.StandaloneVariants;
import org.junit.jupiter.api.Test;

/** x86's mem=: an address limit on the e820 map (parse_memopt), not a RAM size; the zones follow the cut map. */
class MemOptTest {
    @Test
    void memCutsTheE820MapAtTheAddress() throws Exception {
        StandaloneVariants variants = new StandaloneVariants();
        DeferredInits.register(variants::register);
        MemoryModelImpl model = new MemoryModelImpl(variants);
        Machine m = new MachineServiceImpl().parse("qemu-1g", MachineServiceImpl.builtinText("qemu-2g").orElseThrow()
                + "\ncmdline mem=1G\n");
        List<String> log = model.boot(m).log().stream().map(l -> l.substring(l.indexOf("] ") + 2)).toList();
        int remove = log.indexOf("e820: remove [mem 0x40000000-0xfffffffffffffffe] usable");
        assertTrue(remove > 0, String.join("\n", log));
        assertEquals("user-defined physical RAM map:", log.get(remove + 1));
        assertEquals("user: [mem 0x0000000000100000-0x000000003fffffff] usable", log.get(remove + 5));
        assertTrue(log.contains("last_pfn = 0x40000 max_arch_pfn = 0x10000000000"));
        assertTrue(log.contains("  DMA32    [mem 0x0000000001000000-0x000000003fffffff]"), String.join("\n", log));
        // 1 GiB of address space: everything below it but page 0 and the legacy 640K-1M hole
        var dma32 = model.zone(0, ZoneType.DMA32);
        assertEquals(0x40000 - 0x1000, dma32.spannedPages());
        assertEquals(0x40000 - 0x1000, dma32.presentPages());
        assertEquals(List.of(), model.check());
    }
}
