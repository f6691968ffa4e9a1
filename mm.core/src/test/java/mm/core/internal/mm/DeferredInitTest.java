package mm.core.internal.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import mm.core.api.CallStack;
import mm.core.api.DeferredInitVariants;
import mm.core.api.Gfp;
import mm.core.api.Mm;
import mm.core.hook.BootPhase;
import mm.core.hook.BootPhaseListener;
import mm.core.internal.deferred.DeferredInits;
import mm.core.internal.deferred.MultithreadedDeferredInit;
import mm.machine.api.BootWorkload;
import mm.machine.api.E820Range;
import mm.machine.api.E820Type;
import mm.machine.api.Machine;
import mm.machine.api.NumaNode;
import mm.variant.internal.StandaloneVariants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Deferred struct page init: the defer_init() boundaries, the variants, and deferred_grow_zone racing the switch-off. */
class DeferredInitTest {
    static final long M = 1L << 20, G = 1L << 30;

    static MemoryModelImpl model(String variant) {
        StandaloneVariants variants = new StandaloneVariants();
        DeferredInits.register(variants::register);
        // two helper threads whatever the host has (a later registration of a variant wins)
        variants.register(DeferredInitVariants.SUBSYSTEM, DeferredInitVariants.MULTITHREADED, false,
                new MultithreadedDeferredInit(2));
        variants.select(DeferredInitVariants.SUBSYSTEM, variant);
        MemoryModelImpl m = new MemoryModelImpl(variants);
        return m;
    }

    static long bootFirstDeferred(MemoryModelImpl m, int nid) { return m.kernel().node(nid).bootFirstDeferredPfn; }

    @Test
    void oneNodeDefersFromOneSectionIntoItsHighestZone() {
        MemoryModelImpl m = model("per-node");
        m.boot(TestMachines.twoNodes(6 * 1024, true).withWorkload(idle()));
        // node 0: 6 GiB from 0; its last zone is Normal from 4 GiB (pfn 0x100000): one section initialised early
        assertEquals(0x100000 + Mm.PAGES_PER_SECTION, bootFirstDeferred(m, 0));
        assertTrue(m.kernel().node(0).zones[mm.core.api.ZoneType.DMA32.ordinal()].managed > 0, "DMA32 never deferred");
        assertEquals(List.of(), m.check());
    }

    @Test
    void aNodeWhoseHighestZoneIsDma32DefersAtTheFirstSectionBoundaryAfterASection() {
        MemoryModelImpl m = model("per-node");
        m.boot(TestMachines.oneNode(2048, true).withWorkload(idle()));
        // DMA32 starts at pfn 0x1000: > 32768 pages are initialised at pfn 0x9000, which is not section aligned,
        // so the first section-aligned pfn after it, 0x10000, is the boundary (as the 6.12 qemu-2g boot has it)
        assertEquals(0x10000, bootFirstDeferred(m, 0));
        assertEquals(List.of(), m.check());
    }

    @Test
    void twoNodesEachDeferInTheirOwnLastZone() {
        MemoryModelImpl m = model("per-node");
        m.boot(TestMachines.twoNodes(1024, true).withWorkload(idle()));
        assertEquals(0x10000, bootFirstDeferred(m, 0));
        // node 1 is 1 GiB at 4 GiB: Normal zone from pfn 0x100000
        assertEquals(0x100000 + Mm.PAGES_PER_SECTION, bootFirstDeferred(m, 1));
        assertEquals(List.of(), m.check());
    }

    @Test
    void holesAreNotCountedTowardsTheEarlySection() {
        // node memory in DMA32: [1 MiB, 144 MiB) then a hole, then [256 MiB, 1 GiB)
        List<E820Range> e820 = List.of(new E820Range(0, 0x9fc00, E820Type.USABLE),
                new E820Range(0x100000, 144 * M, E820Type.USABLE), new E820Range(256 * M, G, E820Type.USABLE));
        Machine mach = TestMachines.machine("holes", List.of(new NumaNode(0, 2, List.<long[]>of(new long[] {0, G}))),
                new int[][] {{10}}, e820, true).withWorkload(idle());
        MemoryModelImpl m = model("per-node");
        m.boot(mach);
        // [0x1000, 0x9000) gives exactly 32768 pages; the next iterated pfn 0x10000 (after the hole) is the 32769th
        // and section aligned: defer there
        assertEquals(0x10000, bootFirstDeferred(m, 0));
        assertEquals(List.of(), m.check());
    }

    @Test
    void aNodeSmallerThanASectionIsNotDeferred() {
        List<E820Range> e820 = List.of(new E820Range(0, 0x9fc00, E820Type.USABLE),
                new E820Range(0x100000, 512 * M, E820Type.USABLE), new E820Range(4 * G, 4 * G + 64 * M, E820Type.USABLE));
        Machine mach = TestMachines.machine("small-node", List.of(
                new NumaNode(0, 2, List.<long[]>of(new long[] {0, 512 * M})),
                new NumaNode(1, 1, List.<long[]>of(new long[] {4 * G, 4 * G + 64 * M}))),
                new int[][] {{10, 20}, {20, 10}}, e820, true).withWorkload(idle());
        MemoryModelImpl m = model("per-node");
        m.boot(mach);
        assertEquals(Node.NO_DEFERRED, bootFirstDeferred(m, 1));
        Node n1 = m.kernel().node(1);
        for (long pfn = n1.startPfn; pfn < n1.endPfn; pfn++) assertTrue(m.kernel().mm.initialised(pfn), "pfn " + pfn);
        assertEquals(List.of(), m.check());
    }

    @Test
    void earlyPageExtDisablesDeferral() {
        MemoryModelImpl m = model("per-node");
        Machine mach = TestMachines.oneNode(2048, true);
        m.boot(mach.withOptions(mach.options().withEarlyPageExt(true)));
        assertEquals(Node.NO_DEFERRED, bootFirstDeferred(m, 0));
    }

    @Test
    void everyNodePrintsItsDeferredInitLine() {
        MemoryModelImpl m = model("per-node");
        var r = m.boot(TestMachines.twoNodes(1024, true));
        assertEquals(2, r.log().stream().filter(l -> l.matches(".*node [01] deferred pages initialised in [0-9]+ms")).count());
        // the Memory: line comes after deferred init, as in 6.12
        int mem = indexOf(r.log(), "Memory: "), def = indexOf(r.log(), "deferred pages initialised");
        assertTrue(def < mem);
    }

    static int indexOf(List<String> log, String s) {
        for (int i = 0; i < log.size(); i++) if (log.get(i).contains(s)) return i;
        return -1;
    }

    /**
     * The deferring variants give the same memmap and the same free blocks for the same machine, page for page.
     * Against "off" the free pages and counters are the same, but not every pageblock type: as in the kernel, a
     * pageblock whose first page is reserved keeps the usemap's initial UNMOVABLE when its struct pages are
     * initialised by deferred init (deferred_free_range only retypes the aligned pfns it frees), while
     * memmap_init_range sets MOVABLE on every aligned pfn.
     */
    @Test
    void allVariantsAgreePageForPage() {
        Machine mach = TestMachines.twoNodes(1024, true).withWorkload(idle());
        Map<String, Object> reference = null;
        String refName = null;
        Object offFreePages = null, offCounters = null;
        for (String v : List.of("off", "two-pass", "per-node", "multithreaded")) {
            MemoryModelImpl m = model(v);
            m.boot(mach);
            assertEquals(List.of(), m.check(), v);
            // the atomic pools take the first fitting block, which depends on the order the variant freed in
            TestMachines.freeAtomicPools(m);
            Map<String, Object> snap = snapshot(m.kernel());
            if (v.equals("off")) { offFreePages = snap.get("freePages"); offCounters = snap.get("counters"); continue; }
            assertEquals(offFreePages, snap.get("freePages"), v + " vs off: the set of free pages");
            assertEquals(offCounters, snap.get("counters"), v + " vs off: zone counters");
            if (reference == null) { reference = snap; refName = v; continue; }
            assertTrue(reference.get("free").equals(snap.get("free")), v + " vs " + refName + ": free blocks differ");
            assertEquals(reference.get("memmap"), snap.get("memmap"), v + " vs " + refName + ": memmap");
        }
    }

    static Map<String, Object> snapshot(Kernel k) {
        TreeMap<String, TreeSet<Long>> free = new TreeMap<>();
        java.util.BitSet freePages = new java.util.BitSet();
        List<String> counters = new ArrayList<>();
        for (Zone z : k.zones()) {
            counters.add(z.nid + "/" + z.type + " managed=" + z.managed + " free=" + z.freePages + " present=" + z.present);
            for (int o = 0; o <= Mm.MAX_PAGE_ORDER; o++) {
                for (int mt = 0; mt < Zone.NMT; mt++) {
                    TreeSet<Long> set = new TreeSet<>();
                    for (long p = z.listHead(o, mt); p != MemmapImpl.NONE; p = k.mm.next(p)) {
                        set.add(p);
                        freePages.set((int) p, (int) p + (1 << o)); // small test machines
                    }
                    if (!set.isEmpty()) free.put(z.nid + "/" + z.type + "/" + o + "/" + mt, set);
                }
            }
        }
        long hash = 17;
        for (long pfn = 0; pfn < k.mm.maxPfn(); pfn++) {
            if (!k.mm.valid(pfn)) { pfn |= MemmapImpl.MASK; continue; }
            long f = k.mm.rawFlags(pfn);
            hash = hash * 31 + f;
            if (k.mm.initialised(pfn)) hash = (hash * 31 + k.mm.ref(pfn)) * 31 + k.mm.priv(pfn);
            if ((pfn & (Mm.PAGEBLOCK_NR_PAGES - 1)) == 0) hash = hash * 31 + k.mm.pageblockMt(pfn);
        }
        return Map.of("free", free, "memmap", hash, "counters", counters, "freePages", freePages);
    }

    static BootWorkload idle() { return new BootWorkload(1, 1, 0, 0, 0, new int[] {1}); }

    /**
     * deferred_grow_zone (seed 001): an early burst larger than the initialised part makes the allocator grow the
     * zone section by section, logged in dmesg, and boot still ends with every page initialised exactly once.
     */
    @Test
    void anEarlyBurstGrowsTheZoneAndIsLogged() {
        MemoryModelImpl m = model("per-node");
        // 1 GiB node: DMA + 64K pages of DMA32 initialised early; the burst needs 150000 pages
        var r = m.boot(TestMachines.oneNode(1024, true).withWorkload(new BootWorkload(3, 10, 150_000, 0, 0, new int[] {1})));
        long growths = r.log().stream().filter(l -> l.contains("deferred_grow_zone: node 0 zone DMA32")).count();
        assertTrue(growths >= 2, String.join("\n", r.log()));
        assertTrue(m.kernel().node(0).growEvents >= 2);
        assertEquals(List.of(), m.check());
    }

    /**
     * Several threads keep allocating (and so growing the zone) while page_alloc_init_late runs: the growth and
     * the pgdatinit thread hand over first_deferred_pfn under the node lock, the static key switches growth off
     * after the wait, no page is initialised twice and none is lost (the checker verifies every list and page).
     */
    @ParameterizedTest
    @ValueSource(strings = {"per-node", "multithreaded", "two-pass"})
    void growZoneRacingTheSwitchOffLosesNothing(String variant) {
        MemoryModelImpl m = model(variant);
        AtomicBoolean stop = new AtomicBoolean();
        List<long[]> held = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        AtomicLong failures = new AtomicLong();
        BootPhaseListener racer = (phase, ctx) -> {
            if (phase == BootPhase.MID_ALLOCATIONS) {
                for (int t = 0; t < 3; t++) {
                    Thread th = new Thread(() -> {
                        CallStack cs = CallStack.of("racer_alloc", "kthread");
                        while (!stop.get()) {
                            long pfn = ctx.model().alloc(3, Gfp.GFP_KERNEL | Gfp.__GFP_NOWARN, 0, cs);
                            if (pfn < 0) { failures.incrementAndGet(); Thread.onSpinWait(); continue; }
                            held.add(new long[] {pfn, 3});
                            if (held.size() > 20_000) break;
                        }
                    });
                    th.start();
                    threads.add(th);
                }
            } else if (phase == BootPhase.PAGE_EXT_LATE) {
                stop.set(true);
                for (Thread th : threads) {
                    try { th.join(); } catch (InterruptedException e) { throw new AssertionError(e); }
                }
            }
        };
        m.addPhaseListener(racer);
        m.boot(TestMachines.oneNode(1024, true).withWorkload(idle()));
        assertEquals(List.of(), m.check(), "after the race");
        assertFalse(m.kernel().pageAlloc.deferredGrowEnabled, "growth is switched off for good");
        assertTrue(held.size() > 0);
        long managedBefore = m.totalManagedPages();
        for (long[] h : held) m.free(h[0], (int) h[1]);
        m.kernel().pageAlloc.drainAllPages();
        TestMachines.freeAtomicPools(m);
        assertEquals(managedBefore, m.totalFreePages(), "every page came back: nothing lost or doubled");
        assertEquals(List.of(), m.check());
    }
}
