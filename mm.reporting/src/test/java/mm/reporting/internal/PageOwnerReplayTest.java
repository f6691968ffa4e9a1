package mm.reporting.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import mm.core.api.Gfp;
import mm.core.api.PageInfo;
import mm.core.internal.deferred.DeferredInits;
import mm.core.internal.mm.MemoryModelImpl;
import mm.machine.internal.MachineServiceImpl;
import mm.variant.internal.StandaloneVariants;
import org.junit.jupiter.api.Test;

/** mm:workload replay: the reference boot's real page_owner records re-issued on qemu-2g. */
class PageOwnerReplayTest {
    static final String HEAD = "refdata/qemu-2g-1node/page_owner-head200.txt";

    static String resource(String name) throws Exception {
        try (InputStream in = PageOwnerReplayTest.class.getClassLoader().getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static MemoryModelImpl qemu2g() throws Exception {
        StandaloneVariants variants = new StandaloneVariants();
        DeferredInits.register(variants::register);
        MemoryModelImpl model = new MemoryModelImpl(variants);
        model.boot(new MachineServiceImpl().builtin("qemu-2g").orElseThrow());
        return model;
    }

    @Test
    void readsEveryRecordOfTheRealDump() throws Exception {
        List<PageOwnerReplay.Rec> recs = PageOwnerReplay.parse(HEAD, resource(HEAD));
        assertEquals(16, recs.size());
        PageOwnerReplay.Rec pool = recs.get(0);
        assertEquals(6, pool.order());
        assertEquals(0x2cc1, pool.gfp());
        assertEquals(Gfp.GFP_KERNEL | Gfp.GFP_DMA | Gfp.__GFP_NOWARN, pool.gfp(), "mmkit's mask bits are the kernel's");
        assertEquals(1, pool.task().pid());
        assertEquals("swapper/0", pool.task().comm());
        assertEquals(0x100, pool.pfn());
        assertEquals(0, pool.nid());
        assertEquals("atomic_pool_expand+0x57/0x160", pool.stack().frames().get(3));
        assertEquals(11, pool.stack().frames().size());
        assertEquals(1391539462L, pool.ts());
    }

    @Test
    void replaysInTimestampOrderWithTheRecordsMasksTasksAndStacks() throws Exception {
        MemoryModelImpl model = qemu2g();
        long free = model.totalFreePages();
        List<PageOwnerReplay.Rec> recs = PageOwnerReplay.parse(HEAD, resource(HEAD));
        PageOwnerReplay.Result r = PageOwnerReplay.replay(HEAD, recs, model);
        assertEquals(16, r.records());
        assertEquals(64 + 15, r.pages());
        assertEquals(16, r.sameNode());
        // 79 pages allocated: the order-6 pool from the buddy; the order-0 ones from a per-cpu list, which holds
        // pages after the boot's late window or is refilled by one batch (63) from the buddy
        long taken = free - model.totalFreePages();
        assertTrue(taken >= 64 && taken <= 64 + 63 + 15, free + " -> " + model.totalFreePages());
        assertEquals(List.of(), model.check());
    }

    @Test
    void aBadRecordFailsAtItsLineAndColumnAndNothingIsAllocated() throws Exception {
        String text = resource(HEAD);
        String bad = text.replaceFirst("mask 0x140cca", "mask 0x14zcca");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PageOwnerReplay.parse("d.txt", bad));
        assertTrue(e.getMessage().startsWith("d.txt:15:38: expected a record's first line"), e.getMessage());
        String wrongType = text.replaceFirst("PFN 0x26b9 type Movable", "PFN 0x26b9 type Unmovable");
        e = assertThrows(IllegalArgumentException.class, () -> PageOwnerReplay.parse("d.txt", wrongType));
        assertEquals("d.txt:16:17: the page's migratetype Unmovable is not its mask's (Movable for 0x140cca)",
                e.getMessage());
        String noStack = "Page allocated via order 0, mask 0xcc0(GFP_KERNEL), pid 1, tgid 1 (init), ts 5 ns\n"
                + "PFN 0x1000 type Unmovable Block 8 type Unmovable Flags 0x0(node=0|zone=1)\n\n";
        e = assertThrows(IllegalArgumentException.class, () -> PageOwnerReplay.parse("d.txt", noStack));
        assertEquals("d.txt:3:1: record of line 1 has no stack", e.getMessage());
    }

    @Test
    void aReplayTheMachineCannotHoldGivesEverythingBack() throws Exception {
        MemoryModelImpl model = qemu2g();
        long free = model.totalFreePages();
        StringBuilder sb = new StringBuilder();
        // 300 order-10 blocks of ZONE_DMA: the DMA zone has 16 MiB
        for (int i = 0; i < 300; i++) {
            sb.append("Page allocated via order 10, mask 0xcc1(GFP_KERNEL|GFP_DMA), pid 1, tgid 1 (init), ts ").append(i)
                    .append(" ns\nPFN 0x1000 type Unmovable Block 8 type Unmovable Flags 0x0(node=0|zone=0)\n f+0x1/0x2\n\n");
        }
        List<PageOwnerReplay.Rec> recs = PageOwnerReplay.parse("big.txt", sb.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PageOwnerReplay.replay("big.txt", recs, model));
        assertTrue(e.getMessage().startsWith("big.txt:") && e.getMessage().endsWith("nothing was kept"), e.getMessage());
        assertEquals(free, model.totalFreePages());
        assertEquals(List.of(), model.check());
    }
}
