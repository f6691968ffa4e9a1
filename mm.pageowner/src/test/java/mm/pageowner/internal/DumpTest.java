package mm.pageowner.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import mm.core.api.CallStack;
import mm.core.api.Gfp;
import mm.core.api.Mm;
import mm.core.api.NodeInfo;
import mm.core.api.PageFlags;
import mm.core.api.PageInfo;
import mm.core.api.PageState;
import mm.pageowner.api.PageOwnerRecord;
import org.junit.jupiter.api.Test;

/** mm:pageowner dump: the Linux 6.12 debugfs text, block for block, readable by page_owner_sort's rules. */
class DumpTest {
    @Test
    void theParserReadsTheRealKernelsFile() throws Exception {
        List<PageOwnerSortParser.Block> real = PageOwnerSortParser.parse(Rig.resource("refdata/qemu-2g-1node/page_owner-head200.txt"));
        assertTrue(real.size() >= 15, "blocks in the first 200 lines: " + real.size());
        PageOwnerSortParser.Block b = real.get(0);
        assertEquals(6, b.order());
        assertEquals("swapper/0", b.comm());
        assertEquals(0x100, b.pfn());
        assertEquals("get_page_from_freelist+0x330/0x1660", b.stack().get(0));
    }

    @Test
    void aBootedTwoNodeMachineDumpsEveryAllocatedHeadAsTheKernelWould() throws Exception {
        Rig rig = new Rig();
        rig.boot(rig.shipped("tiny-2node"), "late", "per-node");
        StringBuilder sb = new StringBuilder();
        long n = rig.owner.dump(sb);
        String text = sb.toString();
        assertTrue(text.endsWith("\n\n"));
        List<PageOwnerSortParser.Block> blocks = PageOwnerSortParser.parse(text);
        assertEquals(n, blocks.size());

        // every allocated block, by its head, in pfn order. Besides them, as in the kernel, pages with a record the
        // early scan wrote: the scan marks every page it finds as an order-0 allocation, so the tail pages of a block
        // allocated before page_owner started print on their own, and so do pages that were resting on a per-cpu list
        // (not PageBuddy) at the time
        Set<Long> heads = new HashSet<>();
        for (NodeInfo node : rig.model.nodes()) {
            for (long pfn = node.startPfn(); pfn < node.startPfn() + node.spannedPages(); pfn++) {
                if (rig.model.memmap().valid(pfn) && rig.model.page(pfn).pageState() == PageState.ALLOCATED_HEAD) heads.add(pfn);
            }
        }
        Set<Long> dumped = new HashSet<>();
        long pages = 0;
        for (PageOwnerSortParser.Block b : blocks) {
            dumped.add(b.pfn());
            PageInfo pi = rig.model.page(b.pfn());
            PageState state = pi.pageState();
            if (state == PageState.ALLOCATED_HEAD) pages += 1L << b.order();
            else assertTrue((state == PageState.FREE_PCP || state == PageState.ALLOCATED_TAIL)
                    && rig.owner.record(b.pfn()).early() && b.order() == 0, b.pfn() + " " + pi.state());
        }
        assertTrue(dumped.containsAll(heads), "every allocated block is dumped");
        assertTrue(dumped.size() - heads.size() < 600, "early records of tails and pcp pages: " + (dumped.size() - heads.size()));
        long last = -1, dumpedPages = 0;
        boolean sawEarly = false, sawNode1 = false, sawOrder3 = false;
        for (PageOwnerSortParser.Block b : blocks) {
            assertTrue(b.pfn() > last, "pfn order");
            last = b.pfn();
            if (heads.contains(b.pfn())) dumpedPages += b.pages();
            PageOwnerRecord r = rig.owner.record(b.pfn());
            Matcher f = PageOwnerSortParser.FIRST.matcher(b.firstLine());
            assertTrue(f.matches());
            assertEquals(r.gfp(), Integer.parseInt(f.group(2), 16));
            assertEquals(r.gfp() == 0 ? "" : Gfp.names(r.gfp()), f.group(3));
            assertEquals(r.tsNanos(), b.ts());
            assertEquals(r.stack().frames(), b.stack());
            Matcher p = PageOwnerSortParser.PFN.matcher(b.pfnLine());
            assertTrue(p.matches());
            assertEquals(Gfp.migratetype(r.gfp()).kernelName(), p.group(2));
            assertEquals(b.pfn() >> Mm.PAGEBLOCK_ORDER, Long.parseLong(p.group(3)));
            long word = Long.parseUnsignedLong(p.group(5), 16);
            long flags = rig.model.memmap().flags(b.pfn());
            assertEquals(PageFlags.nid(flags), (int) (word >>> 54));
            assertEquals(PageFlags.zoneIdx(flags), (int) ((word >>> 51) & 7));
            assertTrue(p.group(6).endsWith("node=" + PageFlags.nid(flags) + "|zone=" + PageFlags.zoneIdx(flags)
                    + "|lastcpupid=0x1fffff"), p.group(6));
            if (r.early()) {
                sawEarly = true;
                assertTrue(b.firstLine().startsWith("Page allocated via order 0, mask 0x0(), pid 1, tgid 1 (swapper/0), ts "),
                        b.firstLine());
                assertEquals(List.of("register_early_stack", "init_page_owner", "page_ext_init", "page_alloc_init_late",
                        "kernel_init_freeable", "kernel_init", "ret_from_fork", "ret_from_fork_asm"),
                        b.stack().stream().map(CallStack::functionName).toList());
            }
            sawNode1 |= PageFlags.nid(flags) == 1;
            sawOrder3 |= b.order() == 3;
        }
        assertEquals(pages, dumpedPages);
        assertTrue(sawEarly && sawNode1 && sawOrder3, "early records, node 1 pages and order-3 blocks are all dumped");
        assertEquals(List.of(), rig.model.check());
    }

    @Test
    void theRecordFormatMatchesTheRealOneLineForLine() throws Exception {
        // the first real block, rebuilt from a record with the same values, prints identically
        PageOwnerRecord r = new PageOwnerRecord(0x100, 6, 0x2cc1, -1, true, false, 7,
                mm.core.api.CallStack.of("get_page_from_freelist+0x330/0x1660", "__alloc_pages_noprof+0x169/0x310",
                        "alloc_pages_mpol_noprof+0x8f/0x1e0", "atomic_pool_expand+0x57/0x160",
                        "__dma_atomic_pool_init+0x49/0xb0", "dma_atomic_pool_init+0x13d/0x160",
                        "do_one_initcall+0x5b/0x320", "kernel_init_freeable+0x31b/0x460", "kernel_init+0x1a/0x1c0",
                        "ret_from_fork+0x34/0x50", "ret_from_fork_asm+0x1a/0x30"),
                1391539462L, 1, 1, "swapper/0", 0, null, 0, 0, 0);
        StringBuilder sb = new StringBuilder();
        Format.record(sb, r, mm.core.api.MigrateType.UNMOVABLE, PageFlags.links(0, 0));
        String real = Rig.resource("refdata/qemu-2g-1node/page_owner-head200.txt");
        assertEquals(real.substring(0, real.indexOf("\n\n") + 2), sb.toString());
    }
}
