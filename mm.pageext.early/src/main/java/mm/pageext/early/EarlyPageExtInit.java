package mm.pageext.early;

import java.util.List;
import java.util.Locale;
import mm.core.hook.BootContext;
import mm.core.hook.BootPhase;
import mm.pageext.api.PageExtInit;
import mm.pageext.api.PageExtStorage;
import mm.variant.api.Variant;
import org.osgi.service.component.annotations.Component;

/**
 * early: the kernel's {@code early_page_ext} placement, page_ext_init in mm_core_init right after vmalloc_init
 * (before kmemleak_init in the 2019 shape), while the task is still swapper/0. It reads every section's first struct
 * page (pfn_to_nid) and page_owner's scan reads every struct page, so it requires deferred struct page init off:
 * this bundle declares {@code Require-Capability: mm.boot;filter:="(deferred-init=off)"}, and page_ext's variant
 * constraint refuses the combination in {@code mm:variant}. If a boot defers struct pages anyway (a machine option,
 * or a deferred-init variant chosen behind the constraint's back), the early init is refused for that boot and
 * page_ext_init runs at the end of page_alloc_init_late instead, as Linux 6.6 does when pages were deferred.
 */
@Component(service = PageExtInit.class)
@Variant(subsystem = PageExtInit.SUBSYSTEM, variant = PageExtInit.EARLY)
public final class EarlyPageExtInit implements PageExtInit {
    /** What the variant constraint and the launcher say when the combination is refused. */
    public static final String REQUIRES = PageExtInit.EARLY_REQUIRES_DEFERRED_OFF;
    static final List<String> EARLY_CALLERS = List.of("mm_core_init", "start_kernel", "x86_64_start_reservations",
            "x86_64_start_kernel", "common_startup_64");
    static final List<String> LATE_CALLERS = List.of("page_alloc_init_late", "kernel_init_freeable", "kernel_init",
            "ret_from_fork", "ret_from_fork_asm");

    @Override public String name() { return PageExtInit.EARLY; }

    @Override public void onPhase(BootPhase phase, BootContext ctx, PageExtStorage ext) {
        switch (phase) {
            case PAGE_EXT_EARLY -> {
                if (ctx.deferredStructPages()) {
                    if (ext.needed(ctx)) ctx.log(String.format(Locale.ROOT,
                            "page_ext: early init refused on this boot: struct pages were deferred; page_ext_init runs "
                                    + "after page_alloc_init_late (%s)", REQUIRES));
                    return;
                }
                ext.initFromBuddy(ctx, phase, EARLY_CALLERS);
            }
            case PAGE_EXT_LATE -> {
                // the early init was refused on this boot (struct pages were deferred): the 6.6 fallback
                if (!ext.ready() && ctx.deferredStructPages()) ext.initFromBuddy(ctx, phase, LATE_CALLERS);
            }
            default -> { }
        }
    }
}
