package mm.pageext.internal;

import mm.pageext.api.PageExtInit;
import mm.variant.api.VariantRegistrar;

/**
 * The page_ext init variants of this bundle (late, the default, and on-touch), for code that runs without a framework
 * (tests, benchmarks): {@code PageExtVariants.register(standaloneVariants::register)}. The early variant lives in
 * mm.pageext.early.
 */
public final class PageExtVariants {
    private PageExtVariants() {}

    public static void register(VariantRegistrar r) {
        r.register(PageExtInit.SUBSYSTEM, PageExtInit.LATE, true, new LatePageExtInit());
        r.register(PageExtInit.SUBSYSTEM, PageExtInit.ON_TOUCH, false, new OnTouchPageExtInit());
    }
}
