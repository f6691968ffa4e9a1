package mm.pageext.internal;

import java.util.List;
import mm.core.hook.BootContext;
import mm.core.hook.BootPhase;
import mm.pageext.api.PageExtInit;
import mm.pageext.api.PageExtStorage;
import mm.variant.api.Variant;
import org.osgi.service.component.annotations.Component;

/**
 * late: page_ext_init at the end of page_alloc_init_late, once deferred init has initialised every struct page
 * (Qian Cai's 2019 fix; the kernel's placement whenever struct pages were deferred, and v5.4/v6.1's placement
 * without early_page_ext). Everything the boot allocated before is found by page_owner's early scan.
 */
@Component(service = PageExtInit.class)
@Variant(subsystem = PageExtInit.SUBSYSTEM, variant = PageExtInit.LATE, variant_default = true)
public final class LatePageExtInit implements PageExtInit {
    static final List<String> CALLERS = List.of("page_alloc_init_late", "kernel_init_freeable", "kernel_init",
            "ret_from_fork", "ret_from_fork_asm");

    @Override public String name() { return PageExtInit.LATE; }

    @Override public void onPhase(BootPhase phase, BootContext ctx, PageExtStorage ext) {
        if (phase == BootPhase.PAGE_EXT_LATE) ext.initFromBuddy(ctx, phase, CALLERS);
    }
}
