package mm.pageowner.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import mm.core.api.CallStack;
import mm.core.api.Gfp;
import mm.core.api.Mm;
import mm.core.api.Task;
import mm.pageowner.api.PageOwnerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What page_owner records on allocation, free, reallocation, split and migration. */
class RecordsTest {
    Rig rig;

    @BeforeEach
    void boot() throws Exception {
        rig = new Rig();
        rig.boot(rig.shipped("tiny-2node"), "late", "per-node");
        assertTrue(rig.owner.enabled());
    }

    @Test
    void everyOrderIsRecordedOnEveryPageOfTheBlock() {
        Task task = new Task(4242, 4240, "a-long-task-name-beyond-15");
        rig.model.setCurrentTask(task);
        for (int order = 0; order <= Mm.MAX_PAGE_ORDER; order++) {
            CallStack stack = CallStack.of("get_page_from_freelist+0x1/0x2", "test_alloc_order_" + order);
            int gfp = order % 2 == 0 ? Gfp.GFP_KERNEL : Gfp.GFP_KERNEL | Gfp.__GFP_COMP | Gfp.__GFP_ZERO;
            long before = rig.model.clockNanos();
            long pfn = rig.model.alloc(order, gfp, 1, stack);
            assertTrue(pfn >= 0, "order " + order);
            PageOwnerRecord head = rig.owner.record(pfn);
            assertNotNull(head);
            assertEquals(order, head.order());
            assertEquals(gfp, head.gfp());
            assertEquals(stack, head.stack());
            assertEquals(4242, head.pid());
            assertEquals(4240, head.tgid());
            assertEquals("a-long-task-nam", head.comm(), "comm is TASK_COMM_LEN - 1 characters");
            assertTrue(head.tsNanos() > before && head.tsNanos() <= rig.model.clockNanos());
            assertEquals(-1, head.migrateReason());
            assertTrue(head.allocated());
            assertFalse(head.early());
            for (long p = pfn + 1; p < pfn + (1L << order); p++) {
                PageOwnerRecord tail = rig.owner.record(p);
                assertEquals(head.order(), tail.order());
                assertEquals(head.handle(), tail.handle());
                assertEquals(head.tsNanos(), tail.tsNanos());
                assertEquals(head.comm(), tail.comm());
                assertTrue(tail.allocated());
            }
        }
        assertEquals(List.of(), rig.model.check());
    }

    @Test
    void aFreedPageKeepsItsRecordMarkedFreedAndAReallocationReplacesIt() {
        CallStack a = CallStack.of("first_user"), f = CallStack.of("free_unref_page", "first_user_done");
        CallStack b = CallStack.of("second_user");
        rig.model.setCurrentTask(new Task(100, 100, "one"));
        long pfn = rig.model.alloc(0, Gfp.GFP_KERNEL, 0, a);
        long allocTs = rig.owner.record(pfn).tsNanos();
        rig.model.setCurrentTask(new Task(200, 201, "two"));
        rig.model.free(pfn, 0, f);
        PageOwnerRecord freed = rig.owner.record(pfn);
        assertFalse(freed.allocated(), "OWNER stays, OWNER_ALLOCATED goes");
        assertEquals(a, freed.stack(), "the last allocation is still there");
        assertEquals(100, freed.pid());
        assertEquals(allocTs, freed.tsNanos());
        assertEquals(f, freed.freeStack());
        assertEquals(200, freed.freePid());
        assertEquals(201, freed.freeTgid());
        assertTrue(freed.freeTsNanos() > allocTs);
        // order-0 frees go to the per-cpu list, the next order-0 allocation on this cpu gets the same page back
        rig.model.setCurrentTask(new Task(300, 300, "three"));
        long again = rig.model.alloc(0, Gfp.GFP_KERNEL, 0, b);
        assertEquals(pfn, again);
        PageOwnerRecord re = rig.owner.record(pfn);
        assertTrue(re.allocated());
        assertEquals(b, re.stack());
        assertEquals(300, re.pid());
        assertEquals("three", re.comm());
        assertTrue(re.tsNanos() > freed.freeTsNanos());
        assertEquals(f, re.freeStack(), "the last free stays recorded until the next free");
        assertEquals(List.of(), rig.model.check());
    }

    @Test
    void theStackDepotKeepsOneHandlePerDistinctStack() {
        int before = rig.owner.stackCount();
        CallStack s = CallStack.of("depot_test_same_stack");
        long[] pfns = new long[500];
        for (int i = 0; i < pfns.length; i++) pfns[i] = rig.model.alloc(0, Gfp.GFP_KERNEL, -1, s);
        assertEquals(before + 1, rig.owner.stackCount());
        int h = rig.owner.record(pfns[0]).handle();
        for (long p : pfns) assertEquals(h, rig.owner.record(p).handle());
        assertEquals(s, rig.owner.stack(h));
        rig.model.alloc(0, Gfp.GFP_KERNEL, -1, CallStack.of("depot_test_other_stack"));
        assertEquals(before + 2, rig.owner.stackCount());
        for (long p : pfns) rig.model.free(p, 0);
        assertEquals(List.of(), rig.model.check());
    }

    @Test
    void allocationsWithoutACallerGetTheDummyStack() {
        long pfn = rig.model.alloc(0, Gfp.GFP_KERNEL, 0, null);
        CallStack st = rig.owner.record(pfn).stack();
        assertTrue(st.frames().get(0).startsWith("register_dummy_stack+0x"), st.toString());
        rig.model.free(pfn, 0);
        assertEquals(st, rig.owner.record(pfn).freeStack());
    }

    @Test
    void splitPagesBecomeOrderZeroAllocationsWithTheSameOwner() {
        CallStack s = CallStack.of("alloc_pages_exact_test");
        long pfn = rig.model.alloc(3, Gfp.GFP_KERNEL, 0, s);
        rig.model.split(pfn, 3);
        for (long p = pfn; p < pfn + 8; p++) {
            PageOwnerRecord r = rig.owner.record(p);
            assertEquals(0, r.order(), "split_page_owner");
            assertEquals(s, r.stack());
            assertTrue(r.allocated());
        }
        for (long p = pfn + 5; p < pfn + 8; p++) rig.model.free(p, 0);
        assertFalse(rig.owner.record(pfn + 6).allocated());
        assertTrue(rig.owner.record(pfn + 4).allocated());
        for (long p = pfn; p < pfn + 5; p++) rig.model.free(p, 0);
        assertEquals(List.of(), rig.model.check());
    }

    @Test
    void migrationMovesTheRecordToTheNewPages() throws Exception {
        CallStack s = CallStack.of("migrate_source_owner");
        long src = rig.model.alloc(2, Gfp.GFP_HIGHUSER_MOVABLE, 0, s);
        long dst = rig.model.alloc(2, Gfp.GFP_HIGHUSER_MOVABLE, 1, CallStack.of("alloc_migration_target"));
        PageOwnerRecord before = rig.owner.record(src);
        rig.owner.onMigrate(src, dst, 2);
        for (int i = 0; i < 4; i++) {
            PageOwnerRecord r = rig.owner.record(dst + i);
            assertEquals(s, r.stack());
            assertEquals(before.tsNanos(), r.tsNanos());
            assertEquals(before.gfp(), r.gfp());
            assertEquals(2, r.order());
            assertEquals(PageOwnerImpl.MR_MEMORY_HOTPLUG, r.migrateReason());
            assertTrue(r.allocated());
        }
        StringBuilder sb = new StringBuilder();
        rig.owner.dump(sb);
        String block = sb.toString().substring(sb.indexOf("PFN 0x" + Long.toHexString(dst) + " "));
        block = block.substring(0, block.indexOf("\n\n"));
        assertTrue(block.endsWith("\nPage has been migrated, last migrate reason: memory_hotplug"), block);
        rig.model.free(src, 2);
        rig.model.free(dst, 2);
        assertEquals(List.of(), rig.model.check());
    }

    @Test
    void recordsAreKeptOnlyWhilePageOwnerRuns() throws Exception {
        // page_owner=off: page_ext is not needed, nothing is allocated or recorded, and the dump refuses
        rig.boot(rig.shipped("tiny").withOptions(rig.shipped("tiny").options().withPageOwner(false)), "late", "per-node");
        assertFalse(rig.owner.enabled());
        assertEquals(0, rig.ext.allocatedBytes());
        long pfn = rig.model.alloc(0, Gfp.GFP_KERNEL, 0, CallStack.of("untracked"));
        assertNull(rig.owner.record(pfn));
        assertTrue(rig.owner.earlyCounts().isEmpty());
        assertEquals("page_owner is disabled\n", rig.owner.early().text());
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> rig.owner.dump(new StringBuilder()));
        assertEquals("page_owner is disabled (boot with page_owner=on)", e.getMessage());
        assertNotEquals(0, pfn);
    }
}
