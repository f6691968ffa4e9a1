package mm.pageowner.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mm.core.api.CallStack;
import mm.core.api.Gfp;
import mm.core.api.MigrateType;
import mm.core.api.Task;
import mm.core.api.ZoneType;
import mm.machine.api.Machine;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The /proc views of the reference boot with page_owner on, as that kernel had it (refdata/qemu-2g-1node, late
 * page_ext, deferred init per node): meminfo's free memory, and pagetypeinfo line for line with its
 * "Number of mixed blocks" section, which page_owner provides.
 */
class ViewsQemu2gTest {
    static Rig rig;

    @BeforeAll
    static void boot() throws Exception {
        rig = new Rig();
        Machine m = rig.imported("refdata/qemu-2g-1node/console.log");
        rig.boot(m, "late", "per-node");
    }

    static Map<String, Long> meminfoKb(String text) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String l : text.split("\n")) {
            String label = l.substring(0, l.indexOf(':'));
            out.put(label, Long.parseLong(l.substring(label.length() + 1).replace("kB", "").trim()));
        }
        return out;
    }

    @Test
    void memTotalIsExactAndMemFreeAndMemAvailableWithinTwoPercent() throws Exception {
        Map<String, Long> real = meminfoKb(Rig.resource("refdata/qemu-2g-1node/meminfo.txt"));
        Map<String, Long> ours = meminfoKb(rig.model.meminfo().text());
        assertEquals(List.copyOf(real.keySet()), List.copyOf(ours.keySet()));
        assertEquals(real.get("MemTotal"), ours.get("MemTotal"));
        for (String near : List.of("MemFree", "MemAvailable")) {
            long r = real.get(near), o = ours.get(near);
            assertTrue(Math.abs(r - o) <= r * 0.02, near + ": real " + r + " kB, mmkit " + o + " kB");
        }
        assertEquals(List.of(), rig.model.check());
    }

    /**
     * vmstat's page metadata as that kernel counted it: 8192 boot pages of struct pages (16 sections from memblock)
     * and 9216 pages of page_ext tables (16 sections x 32768 entries of page_owner's 72 bytes, alloc_page_ext's
     * memmap_pages_add), both as in the @@@BEGIN vmstat@@@ dump of the reference console.log.
     */
    @Test
    void nrMemmapPagesCountPageExtTablesAsTheKernelDid() throws Exception {
        Map<String, Long> real = new LinkedHashMap<>();
        for (String l : Rig.resource("refdata/qemu-2g-1node/console.log").lines().toList()) {
            String[] w = l.trim().split(" ");
            if (w.length == 2 && w[0].startsWith("nr_memmap")) real.put(w[0], Long.parseLong(w[1]));
        }
        assertEquals(Map.of("nr_memmap_pages", 9216L, "nr_memmap_boot_pages", 8192L), real);
        for (Map.Entry<String, Long> e : real.entrySet()) {
            assertEquals(e.getValue(), rig.model.vmstat().data().get(e.getKey()), e.getKey());
        }
    }

    /**
     * Every line of the real pagetypeinfo, in order: the headers, the block counts and the mixed blocks identical;
     * the free-count lines name the same zones and types (their counts are this boot's buddy).
     */
    @Test
    void pagetypeinfoMatchesLineForLineMixedBlocksIncluded() throws Exception {
        List<String> real = Rig.resource("refdata/qemu-2g-1node/pagetypeinfo.txt").lines().toList();
        List<String> ours = rig.model.pagetypeinfo().text().lines().toList();
        assertEquals(real.size(), ours.size(), String.join("\n", ours));
        for (int i = 0; i < real.size(); i++) {
            String r = real.get(i), o = ours.get(i);
            if (r.contains(", type ")) {
                assertEquals(r.substring(0, r.indexOf(" type ") + 18), o.substring(0, o.indexOf(" type ") + 18));
                assertEquals(r.length(), o.length(), "the columns of\n" + r + "\n" + o);
            } else {
                assertEquals(r, o, "line " + (i + 1));
            }
        }
        assertTrue(ours.contains("Number of mixed blocks    Unmovable      Movable  Reclaimable   HighAtomic      Isolate "));
        assertEquals(List.of(), rig.model.check());
    }

    /**
     * pagetypeinfo_showmixedcount_print's rule: a pageblock counts, under its own migratetype, when an allocated page
     * in it has a page_owner record of another migratetype; a freed page's record does not count.
     */
    @Test
    void aMovableBlockHoldingAnUnmovablePageIsMixedUntilThePageIsFreed() {
        long[] before = rig.owner.mixedBlocks(0, ZoneType.DMA32);
        long pfn = rig.model.alloc(0, Gfp.GFP_HIGHUSER_MOVABLE, 0, CallStack.of("views_test"));
        assertEquals(MigrateType.MOVABLE, rig.model.page(pfn).pageblockMt());
        assertEquals(before[MigrateType.MOVABLE.ordinal()], rig.owner.mixedBlocks(0, ZoneType.DMA32)[MigrateType.MOVABLE.ordinal()],
                "a movable page in a movable block mixes nothing");
        // the page's owner says GFP_KERNEL: an unmovable allocation inside a movable block
        rig.owner.postAlloc(pfn, 0, Gfp.GFP_KERNEL, CallStack.of("views_test_unmovable"), Task.INIT, rig.model.clockNanos());
        long[] mixed = rig.owner.mixedBlocks(0, ZoneType.DMA32);
        assertEquals(before[MigrateType.MOVABLE.ordinal()] + 1, mixed[MigrateType.MOVABLE.ordinal()]);
        assertEquals(before[MigrateType.UNMOVABLE.ordinal()], mixed[MigrateType.UNMOVABLE.ordinal()]);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rows = (List<Map<String, Object>>) rig.model.pagetypeinfo().data().get("mixed_blocks");
        assertEquals("DMA32", rows.get(1).get("zone"));
        assertEquals(mixed[MigrateType.MOVABLE.ordinal()], ((long[]) rows.get(1).get("blocks"))[MigrateType.MOVABLE.ordinal()]);
        rig.model.free(pfn, 0, CallStack.of("views_test"));
        assertEquals(before[MigrateType.MOVABLE.ordinal()], rig.owner.mixedBlocks(0, ZoneType.DMA32)[MigrateType.MOVABLE.ordinal()]);
        assertEquals(List.of(), rig.model.check());
    }
}
