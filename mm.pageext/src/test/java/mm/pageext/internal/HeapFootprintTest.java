package mm.pageext.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import mm.core.api.Mm;
import mm.machine.api.Machine;
import mm.pageext.api.PageExt;
import mm.pageext.api.PageExtTable;
import org.junit.jupiter.api.Test;

/**
 * page_ext's heap preflight follows its storage: per section a table nothing wrote, chunks only for written pages,
 * plus the memmap the tables' blocks make dense; not the kernel's 72 bytes per page.
 */
class HeapFootprintTest {
    @Test
    void theEstimateCoversWhatABootHoldsAndIsFarBelowDenseTables() throws Exception {
        ExtRig rig = new ExtRig();
        ExtRig.Client c = new ExtRig.Client("owner", 64, true, 0);
        rig.core.addClient(c);
        Machine m = rig.machine("tiny-2node");
        rig.boot(m, "late", "per-node");
        long sections = rig.core.sections().size(), pages = m.usableBytes() / Mm.PAGE_SIZE;
        long estimate = rig.core.bootHeapBytes(m, sections, pages);
        long held = 0;
        for (PageExt.Section s : rig.core.sections()) {
            PageExtTable t = rig.core.storage().tableOfSection(s.sectionNr());
            held += PageExtCore.TABLE_BYTES + t.heapBytes();
        }
        assertTrue(held <= estimate, "estimate " + estimate + " covers the " + held + " bytes held");
        Machine xeon = rig.machines.builtin("xeon-2x384g").orElseThrow();
        long xeonPages = xeon.usableBytes() / Mm.PAGE_SIZE;
        assertTrue(rig.core.bootHeapBytes(xeon, xeonPages / Mm.PAGES_PER_SECTION, xeonPages) < 72 * xeonPages / 20,
                "far below the kernel's 72 bytes per page");
        assertEquals(List.of(), rig.model.check());
    }

    @Test
    void aBigMachineCostsTheSharedSectionsTheTablesFillNotTheTables() throws Exception {
        ExtRig rig = new ExtRig();
        rig.core.addClient(new ExtRig.Client("owner", 64, true, 0));
        rig.boot(rig.machine("tiny-2node"), "late", "per-node");   // the machine booted now, before the big one
        Machine big = rig.machines.builtin("big-32t").orElseThrow();
        long pages = big.usableBytes() / Mm.PAGE_SIZE, sections = pages / Mm.PAGES_PER_SECTION;
        long estimate = rig.core.bootHeapBytes(big, sections, pages);
        long tableSections = sections / 32;    // one order-10 block per section: one section in 32
        // the tables' sections are stored shared (Memmap.compactSection) but for two per node, dense with high links
        long memmap = 2 * big.nodes().size() * Mm.PAGES_PER_SECTION * 24L
                + (tableSections - 2 * big.nodes().size()) * PageExtCore.TEMPLATED_SECTION_BYTES;
        assertTrue(estimate >= memmap, estimate + " >= " + memmap);
        long pageExtOwn = estimate - memmap;
        assertTrue(pageExtOwn < pages / 20, "page_ext's own share well under 0.05 bytes per page: " + pageExtOwn);
        assertTrue(estimate < (1L << 30), "under 1 GiB for 32 TiB: " + estimate);
        assertEquals(List.of(), rig.model.check());
    }
}
