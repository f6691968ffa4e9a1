package mm.bench;

import java.lang.management.ManagementFactory;
import java.util.Map;
import mm.core.api.DeferredInitVariants;
import mm.core.api.MemmapVariants;
import mm.core.api.Mm;
import mm.core.internal.deferred.DeferredInits;
import mm.core.internal.mm.MemoryModelImpl;
import mm.machine.api.Machine;
import mm.pageext.api.PageExt;
import mm.pageext.api.PageExtInit;
import mm.pageext.api.PageExtTable;
import mm.pageext.internal.PageExtCore;
import mm.pageext.internal.PageExtVariants;
import mm.pageowner.api.EarlyCount;
import mm.pageowner.internal.PageOwnerImpl;
import mm.variant.internal.StandaloneVariants;

/**
 * What page_ext and page_owner cost on a big machine:
 * {@code java -Xmx16g -cp bench/target/benchmarks.jar mm.bench.PageOwnerHeap [MACHINE [PAGE_EXT_VARIANT]]} boots
 * MACHINE (NxG, a shipped machine or a machine file; default 2x2048) twice in one JVM, with page_owner=off and
 * with page_owner=on (page-ext variant late by default, deferred init per-node), and prints the wall time of each
 * boot, its page_ext_init and early-scan phases, the heap after each, and the page_ext share of the difference:
 * the tables' own chunk arrays (per written page) and the rest (tables and records of sections nothing wrote).
 * The rest of the difference is the memmap of the sections the tables were allocated from (the compact memmap
 * stores a section page by page once a block of it is allocated), estimated at 20 bytes per page of each section
 * that stopped being uniform.
 */
public final class PageOwnerHeap {
    static final String USAGE = "usage: PageOwnerHeap [MACHINE [PAGE_EXT_VARIANT]]\n"
            + "  MACHINE           NxG (N nodes of G GiB), a shipped machine or a machine file (default 2x2048)\n"
            + "  PAGE_EXT_VARIANT  late, on-touch (default late)";

    public static void main(String[] args) throws Exception {
        Machines.run(USAGE, args, () -> probe(args));
    }

    static void probe(String[] args) {
        Machine machine = Machines.machine(args.length > 0 ? args[0] : "2x2048");
        String variant = args.length > 1 ? args[1] : PageExtInit.LATE;
        used();
        long base = used();
        Booted off = boot(machine, variant, false);
        long heapOff = used() - base;
        int uniformOff = off.model.kernel().mm.uniformSections();
        long offMs = off.ms;
        off = null;
        base = used();
        Booted on = boot(machine, variant, true);
        long heapOn = used() - base;
        int uniformOn = on.model.kernel().mm.uniformSections();
        long present = on.model.totalManagedPages() + reservedPages(on.model);
        long own = 0, tables = 0;
        for (PageExt.Section s : on.ext.sections()) {
            PageExtTable t = table(on.ext, s.sectionNr());
            if (t == null) continue;
            tables++;
            own += t.heapBytes();
        }
        long written = 0;
        for (EarlyCount c : on.owner.earlyCounts()) written += c.pages();
        long memmap = (long) (uniformOff - uniformOn) * Mm.PAGES_PER_SECTION * 20;
        long rest = heapOn - heapOff - memmap - own;
        System.out.printf("machine %s, page-ext %s: %d present pages, %d page_ext tables (%d MiB in the kernel)%n",
                machine.name(), variant, present, tables, on.ext.allocatedBytes() >> 20);
        System.out.printf("  page_owner=off: boot %d ms, heap %d MiB%n", offMs, heapOff >> 20);
        System.out.printf("  page_owner=on:  boot %d ms (page_ext_init %.0f ms, early scan %.0f ms), heap %d MiB%n",
                on.ms, on.phase("page_ext_init"), on.phase("page_owner init"), heapOn >> 20);
        System.out.printf("  difference %d MiB = memmap of %d sections no longer uniform (~%d MiB)"
                        + " + page_ext chunks %d MiB + the rest %d MiB%n", (heapOn - heapOff) >> 20, uniformOff - uniformOn,
                memmap >> 20, own >> 20, rest >> 20);
        // what the tables of sections nothing wrote cost: the same number of tables and Section records, alone
        long before = used();
        Object[] keep = new Object[2 * (int) tables];
        for (int i = 0; i < tables; i++) {
            keep[2 * i] = new PageExtTable(i, on.ext.entrySize(), true);
            keep[2 * i + 1] = new PageExt.Section(i, 0, on.ext.entrySize() * (long) Mm.PAGES_PER_SECTION, "buddy", i, 0);
        }
        long unwritten = used() - before;
        System.out.printf("  a table nothing wrote, with its Section record and slots: %d bytes = %.4f bytes per page%n",
                unwritten / Math.max(1, tables), unwritten / (double) Math.max(1, tables) / Mm.PAGES_PER_SECTION);
        if (keep.length < 0) System.out.println(keep[0]);
        System.out.printf("  early-allocated pages (written by the scan): %d; chunk bytes %d (%s per early page);"
                + " the rest per present page %.4f%n", written, own,
                written == 0 ? "-" : String.format("%.2f", own / (double) written), rest / (double) present);
    }

    record Booted(MemoryModelImpl model, PageExtCore ext, PageOwnerImpl owner, long ms, Map<String, double[]> timings) {
        double phase(String prefix) {
            for (Map.Entry<String, double[]> e : timings.entrySet()) if (e.getKey().startsWith(prefix)) return e.getValue()[0];
            return 0;
        }
    }

    static Booted boot(Machine machine, String variant, boolean pageOwner) {
        StandaloneVariants variants = new StandaloneVariants();
        DeferredInits.register(variants::register);
        variants.select(DeferredInitVariants.SUBSYSTEM, "per-node");
        variants.select(MemmapVariants.SUBSYSTEM, Machines.memmapVariant());
        MemoryModelImpl model = new MemoryModelImpl(variants);
        PageExtVariants.register(variants::register);
        variants.select(PageExtInit.SUBSYSTEM, variant);
        Machines.PageOwnerRig rig = Machines.pageOwner(model, variants);
        PageExtCore ext = rig.ext();
        PageOwnerImpl owner = rig.owner();
        long t0 = System.nanoTime();
        var r = model.boot(machine.withOptions(machine.options().withPageOwner(pageOwner)));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (pageOwner && !owner.enabled()) throw new IllegalStateException("page_owner did not start");
        return new Booted(model, ext, owner, ms, r.timings());
    }

    static PageExtTable table(PageExt ext, long sectionNr) {
        long start = sectionNr << Mm.PFN_SECTION_SHIFT;
        for (long pfn = start; pfn < start + Mm.PAGES_PER_SECTION; pfn += PageExtTable.CHUNK_PAGES) {
            PageExtTable t = ext.lookup(pfn);
            if (t != null) return t;
        }
        return null;
    }

    static long reservedPages(MemoryModelImpl m) {
        long present = 0;
        for (var n : m.nodes()) present += n.presentPages();
        return Math.max(0, present - m.totalManagedPages());
    }

    static long used() {
        for (int i = 0; i < 3; i++) System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
