package mm.pageext.internal;

import java.util.List;
import mm.core.api.Memblock;
import mm.core.api.Mm;
import mm.core.api.ZoneType;
import mm.core.hook.BootContext;
import mm.core.hook.BootPhase;
import mm.pageext.api.PageExtInit;
import mm.pageext.api.PageExtStorage;
import mm.variant.api.Variant;
import org.osgi.service.component.annotations.Component;

/**
 * on-touch: the alternative sketched in seed 000 ("hook page_ext initialization into __init_single_page"). Every
 * struct page initialisation also initialises the page's page_ext entry, so page_ext never covers a page whose
 * struct page is not initialised, and deferred init can stay on:
 * <ul>
 * <li>ranges initialised before any storage exists (memmap_init in free_area_init) are queued;</li>
 * <li>at the end of free_area_init, while memblock is the only allocator, every present section gets its table from
 * memblock on its node (like FLATMEM's page_ext_init_flatmem; the memory becomes PG_reserved and never enters the
 * buddy), and the queued ranges are applied;</li>
 * <li>from then on every init range (reserved pages in the deferred part, the pgdatinit threads, deferred_grow_zone,
 * hotplug) marks its entries on the initialising thread;</li>
 * <li>the clients are initialised right after memblock_free_all, when the buddy starts: page_owner then records
 * every buddy allocation of the boot with its real stack, and its early scan (which only looks at pages with an
 * entry, i.e. initialised ones) finds what little was allocated before.</li>
 * </ul>
 */
@Component(service = PageExtInit.class)
@Variant(subsystem = PageExtInit.SUBSYSTEM, variant = PageExtInit.ON_TOUCH)
public final class OnTouchPageExtInit implements PageExtInit {
    static final List<String> CALLERS = List.of("mm_core_init", "start_kernel", "x86_64_start_reservations",
            "x86_64_start_kernel", "common_startup_64");

    @Override public String name() { return PageExtInit.ON_TOUCH; }

    @Override public void onPhase(BootPhase phase, BootContext ctx, PageExtStorage ext) {
        Storage s = (Storage) ext;
        switch (phase) {
            case SETUP_ARCH -> {
                s.forceFlags = true;
                s.allPresent = false;
            }
            case FREE_AREA_INIT -> {
                if (!s.needed(ctx)) return;
                long t0 = System.nanoTime();
                Memblock mb = ctx.memblock();
                long last = -1;
                for (Memblock.PfnRange r : mb.memPfnRanges(Mm.MAX_NUMNODES)) {
                    for (long nr = Mm.sectionOf(r.startPfn()); nr <= Mm.sectionOf(r.endPfn() - 1); nr++) {
                        if (nr == last || !ctx.model().memmap().valid(nr << Mm.PFN_SECTION_SHIFT)) continue;
                        s.tableFromMemblock(ctx, nr, r.nid());
                        last = nr;
                    }
                }
                s.applyPending();
                s.printAllocated(ctx);
                s.recordTiming(ctx, "page_ext tables from memblock (on-touch)", t0, s.allocatedBytes());
            }
            case MEMBLOCK_FREE_ALL -> {
                if (s.needed(ctx)) s.invokeInit(ctx, phase, CALLERS);
            }
            default -> { }
        }
    }

    @Override public void onPagesInitialised(int nid, ZoneType zone, long startPfn, long endPfn, PageExtStorage ext) {
        ((Storage) ext).touch(startPfn, endPfn);
    }
}
