package mm.core.internal.mm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mm.core.api.CallStack;
import mm.core.api.Gfp;
import mm.core.api.Mm;
import mm.core.api.ProcFile;
import mm.core.api.ZoneType;
import mm.core.internal.deferred.DeferredInits;
import mm.machine.api.BootWorkload;
import mm.variant.internal.StandaloneVariants;
import org.junit.jupiter.api.Test;

/**
 * /proc/meminfo, /proc/vmstat and zoneinfo's counters on small machines: the allocator counts zone_statistics'
 * events and PGALLOC / PGFREE where the kernel does, the callers' counters add up, and the views agree.
 */
class ViewsTest {
    static final CallStack ME = CallStack.of("views_test");

    static MemoryModelImpl boot(mm.machine.api.Machine machine) {
        StandaloneVariants variants = new StandaloneVariants();
        DeferredInits.register(variants::register);
        MemoryModelImpl m = new MemoryModelImpl(variants);
        m.boot(machine);
        return m;
    }

    /** name -> value of the "name value" lines of a zone's block in zoneinfo (first occurrence in the block). */
    static Map<String, Long> zoneBlock(String zoneinfo, int nid, String zone) {
        Map<String, Long> out = new LinkedHashMap<>();
        boolean in = false;
        for (String l : zoneinfo.split("\n")) {
            if (l.startsWith("Node ")) {
                in = l.equals(String.format("Node %d, zone %8s", nid, zone));
                continue;
            }
            if (!in) continue;
            String[] t = l.trim().split("\\s+");
            if (t.length == 2 && t[1].matches("\\d+")) out.putIfAbsent(t[0], Long.parseLong(t[1]));
        }
        return out;
    }

    static Map<String, Long> vmstat(MemoryModelImpl m) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String l : m.vmstat().text().split("\n")) {
            String[] t = l.split(" ");
            out.put(t[0], Long.parseLong(t[1]));
        }
        return out;
    }

    @Test
    void zoneStatisticsCountHitsMissesAndForeignAllocationsAsTheKernelDoes() {
        MemoryModelImpl m = boot(TestMachines.twoNodes(512, false).withWorkload(new BootWorkload(1, 1, 0, 0, 0, new int[] {1})));
        Kernel k = m.kernel();
        int myNode = k.cpus.cpuNode[k.cpus.cpu()];
        String local = myNode == 1 ? "numa_local" : "numa_other";
        Map<String, Long> n1Before = zoneBlock(m.zoneinfo().text(), 1, "Normal");
        Map<String, Long> vmBefore = vmstat(m);

        // an order-2 block on node 1: one event per allocation (not per page), PGALLOC per page
        long pfn = m.alloc(2, Gfp.GFP_KERNEL, 1, ME);
        Map<String, Long> n1 = zoneBlock(m.zoneinfo().text(), 1, "Normal");
        assertEquals(n1Before.get("numa_hit") + 1, n1.get("numa_hit"));
        assertEquals(n1Before.get(local) + 1, n1.get(local));
        assertEquals(n1Before.get("numa_miss"), n1.get("numa_miss"));
        assertEquals(vmBefore.get("pgalloc_normal") + 4, vmstat(m).get("pgalloc_normal"));

        // node 1 full: GFP_KERNEL for node 1 falls back to node 0 (whose highest zone is DMA32), a miss there and a
        // foreign on node 1's Normal, the preferred zone
        List<Long> taken = new ArrayList<>();
        long b;
        while ((b = m.alloc(Mm.MAX_PAGE_ORDER, Gfp.GFP_KERNEL | Gfp.__GFP_THISNODE | Gfp.__GFP_NOWARN, 1, ME)) >= 0) taken.add(b);
        while ((b = m.alloc(0, Gfp.GFP_KERNEL | Gfp.__GFP_THISNODE | Gfp.__GFP_NOWARN, 1, ME)) >= 0) taken.add(-b - 1);
        Map<String, Long> n0Before = zoneBlock(m.zoneinfo().text(), 0, "DMA32");
        n1Before = zoneBlock(m.zoneinfo().text(), 1, "Normal");
        long spill = m.alloc(0, Gfp.GFP_KERNEL, 1, ME);
        assertEquals(0, m.zoneOf(spill).nid());
        assertEquals(ZoneType.DMA32, m.zoneOf(spill).zone());
        Map<String, Long> n0 = zoneBlock(m.zoneinfo().text(), 0, "DMA32");
        n1 = zoneBlock(m.zoneinfo().text(), 1, "Normal");
        assertEquals(n0Before.get("numa_miss") + 1, n0.get("numa_miss"));
        assertEquals(n0Before.get("numa_hit"), n0.get("numa_hit"));
        assertEquals(n1Before.get("numa_foreign") + 1, n1.get("numa_foreign"));
        String spillLocal = myNode == 0 ? "numa_local" : "numa_other";
        assertEquals(n0Before.get(spillLocal) + 1, n0.get(spillLocal));

        // PGFREE counts the pages freed
        long freedBefore = vmstat(m).get("pgfree");
        m.free(spill, 0, ME);
        m.free(pfn, 2, ME);
        for (long t : taken) {
            if (t >= 0) m.free(t, Mm.MAX_PAGE_ORDER, ME); else m.free(-t - 1, 0, ME);
        }
        long pages = 1 + 4;
        for (long t : taken) pages += t >= 0 ? Mm.MAX_ORDER_NR_PAGES : 1;
        assertEquals(freedBefore + pages, vmstat(m).get("pgfree"));
        // vmstat's NUMA lines are the zones' summed
        long hits = 0;
        for (ZoneType z : ZoneType.VALUES) for (int nid = 0; nid < 2; nid++)
            hits += zoneBlock(m.zoneinfo().text(), nid, z.kernelName()).getOrDefault("numa_hit", 0L);
        assertEquals(hits, vmstat(m).get("numa_hit"));
        assertEquals(List.of(), m.check());
    }

    /**
     * Under the boot tasks' MPOL_INTERLEAVE (numa_policy_init until numa_default_policy), an allocation without a node
     * goes to the interleave's next node in turn and counts numa_interleave there; after the boot, the default policy
     * allocates on the CPU's node and counts none.
     */
    @Test
    void theBootInterleavePolicySpreadsNodelessAllocationsAndCountsThem() {
        MemoryModelImpl m = boot(TestMachines.twoNodes(512, false).withWorkload(new BootWorkload(1, 1, 0, 0, 0, new int[] {1})));
        Kernel k = m.kernel();
        assertTrue(!k.bootInterleave, "the default policy is back after boot");
        long il0 = vmstat(m).get("numa_interleave");
        long[] pfns = new long[4];
        k.bootInterleave = true;
        try {
            for (int i = 0; i < pfns.length; i++) pfns[i] = m.alloc(0, Gfp.GFP_KERNEL, -1, ME);
        } finally {
            k.bootInterleave = false;
        }
        List<Integer> nodes = new ArrayList<>();
        for (long p : pfns) nodes.add(m.zoneOf(p).nid());
        assertTrue(nodes.equals(List.of(0, 1, 0, 1)) || nodes.equals(List.of(1, 0, 1, 0)), nodes.toString());
        assertEquals(il0 + 4, vmstat(m).get("numa_interleave"));
        long after = m.alloc(0, Gfp.GFP_KERNEL, -1, ME);
        assertEquals(k.cpus.cpuNode[k.cpus.cpu()], m.zoneOf(after).nid());
        assertEquals(il0 + 4, vmstat(m).get("numa_interleave"));
        for (long p : pfns) m.free(p, 0, ME);
        m.free(after, 0, ME);
        assertEquals(List.of(), m.check());
    }

    @Test
    void meminfoAddsUpFromTheCountersTheWorkloadsCallersChanged() {
        MemoryModelImpl m = boot(TestMachines.oneNode(1024, true));
        ProcFile mi = m.meminfo();
        Map<String, Object> d = mi.data();
        assertEquals(55, d.size());
        assertEquals(55, mi.text().split("\n").length);
        long slab = (long) d.get("slab_kb"), sr = (long) d.get("s_reclaimable_kb"), su = (long) d.get("s_unreclaim_kb");
        assertEquals(sr + su, slab);
        assertTrue(sr > 0 && su > 0, "the workload's slab sites allocated both kinds: " + d);
        assertEquals(d.get("s_reclaimable_kb"), d.get("k_reclaimable_kb"));
        assertEquals(d.get("shmem_kb"), d.get("cached_kb"), "no buffers and no swap cache: the page cache is shmem");
        assertEquals((long) d.get("active_anon_kb") + (long) d.get("active_file_kb"), d.get("active_kb"));
        assertTrue((long) d.get("kernel_stack_kb") > 0 && (long) d.get("page_tables_kb") > 0);
        assertTrue((long) d.get("anon_pages_kb") > 0 && (long) d.get("shmem_kb") > 0);
        // the vmalloc'ed kernel stacks are part of VmallocUsed
        assertTrue((long) d.get("vmalloc_used_kb") >= (long) d.get("kernel_stack_kb"));
        // the first percpu chunk (66 pages per CPU on this machine's 2 CPUs) plus what the workload populated
        assertTrue((long) d.get("percpu_kb") >= 2 * 66 * 4);
        assertEquals(m.totalManagedPages() * 4, d.get("mem_total_kb"));
        assertEquals(m.totalFreePages() * 4, d.get("mem_free_kb"));
        assertEquals(m.totalManagedPages() / 2 * 4, d.get("commit_limit_kb"));

        // what the callers accounted is at most what the workload allocated and kept
        BootWorkload w = m.machine().workload();
        long accounted = ((long) d.get("slab_kb") + (long) d.get("kernel_stack_kb") + (long) d.get("page_tables_kb")
                + (long) d.get("anon_pages_kb") + (long) d.get("shmem_kb") + (long) d.get("percpu_kb") - 2 * 66 * 4) / 4;
        assertTrue(accounted > 0 && accounted <= w.earlyPages() + w.midPages() + w.latePages(), accounted + " " + w);

        // zoneinfo's per-node stats and vmstat say the same
        Map<String, Long> dma = zoneBlock(m.zoneinfo().text(), 0, "DMA");
        Map<String, Long> vm = vmstat(m);
        for (String s : Views.NODE_STATS) assertEquals(dma.get(s), vm.get(s), s);
        assertEquals(sr / 4, vm.get("nr_slab_reclaimable"));
        assertEquals(d.get("kernel_stack_kb"), vm.get("nr_kernel_stack"));
        assertEquals(m.totalFreePages(), vm.get("nr_free_pages"));
        assertEquals(List.of(), m.check());
    }

    @Test
    void vmstatHasTheKernelsItemsInOrderEndingWithTheDeprecatedOne() {
        MemoryModelImpl m = boot(TestMachines.oneNode(256, false));
        List<String> names = new ArrayList<>(vmstat(m).keySet());
        assertEquals("nr_free_pages", names.get(0));
        assertEquals(List.of("nr_zone_inactive_anon", "nr_zone_active_anon"), names.subList(1, 3));
        int numa = names.indexOf("numa_hit");
        assertEquals(1 + Views.ZONE_STATS.length, numa);
        assertEquals(List.of(VmStat.NUMA_EVENT_NAMES), names.subList(numa, numa + 6));
        assertEquals(List.of(Views.NODE_STATS), names.subList(numa + 6, numa + 6 + Views.NODE_STATS.length));
        int vm = numa + 6 + Views.NODE_STATS.length;
        assertEquals(List.of("nr_dirty_threshold", "nr_dirty_background_threshold", "nr_memmap_pages",
                "nr_memmap_boot_pages", "pgpgin", "pgpgout", "pswpin", "pswpout", "pgalloc_dma", "pgalloc_dma32",
                "pgalloc_normal", "pgalloc_movable", "pgalloc_device"), names.subList(vm, vm + 13));
        assertEquals("nr_unstable", names.get(names.size() - 1));
        assertEquals(names.size(), m.vmstat().data().size());
        // 256 MiB: two present sections of struct pages, 512 pages each
        assertEquals(2 * 512L, vmstat(m).get("nr_memmap_boot_pages"));
        assertEquals(0L, vmstat(m).get("nr_memmap_pages"), "nothing was added after boot");
        // vm.dirty_ratio 20 and vm.dirty_background_ratio 10 of the free pages above totalreserve (no page cache)
        Map<String, Long> v = vmstat(m);
        long dirtyable = m.totalFreePages() - Views.totalreservePages(m.kernel());
        assertEquals(819 * dirtyable / 4096, v.get("nr_dirty_threshold"));
        assertEquals(409 * dirtyable / 4096, v.get("nr_dirty_background_threshold"));
        assertEquals(List.of(), m.check());
    }

    @Test
    void theDirectMapUsesTheLargestPagesAlignmentAllows() {
        long[] c = new long[3];
        // [1 MiB, 2 GiB - 128 KiB): a 4 KiB head to 2 MiB, 2 MiB pages, a 4 KiB tail
        DirectMap.split(0x100000 >> 12, 0x7ffe0000L >> 12, c);
        assertArrayEquals(new long[] {256 + 480, 1022, 0}, c);
        // [1 MiB, 5 GiB): 2 MiB pages up to 1 GiB, then 1 GiB pages
        c = new long[3];
        DirectMap.split(0x100000 >> 12, (5L << 30) >> 12, c);
        assertArrayEquals(new long[] {256, 511, 4}, c);
        // from pfn 0 the whole first 2 MiB is mapped with 4 KiB pages
        c = new long[3];
        DirectMap.split(0, (4L << 20) >> 12, c);
        assertArrayEquals(new long[] {512, 1, 0}, c);
    }
}
