package mm.pageext.internal;

import java.util.Map;
import mm.pageext.api.PageExtInit;
import mm.variant.api.VariantConstraint;
import org.osgi.service.component.annotations.Component;

/**
 * Refuses {@code page-ext=early} together with deferred struct page init: {@code mm:variant page-ext early} while
 * {@code deferred-init} is not {@code off}, and {@code mm:variant deferred-init per-node} (or any other deferring
 * variant) while page-ext is {@code early}. The bundle mm.pageext.early says the same at resolve time.
 */
@Component(service = VariantConstraint.class)
public final class PageExtConstraint implements VariantConstraint {
    static final String DEFERRED = "deferred-init";

    @Override public String refuse(String subsystem, String variant, Map<String, String> selection) {
        if (!subsystem.equals(PageExtInit.SUBSYSTEM) && !subsystem.equals(DEFERRED)) return null;
        String pageExt = selection.get(PageExtInit.SUBSYSTEM);
        String deferred = selection.getOrDefault(DEFERRED, "per-node");
        if (!"early".equals(pageExt) || "off".equals(deferred)) return null;
        if (subsystem.equals(DEFERRED))
            return "page-ext is 'early': " + PageExtInit.EARLY_REQUIRES_DEFERRED_OFF
                    + " (select another page-ext variant first: mm:variant page-ext late)";
        return PageExtInit.EARLY_REQUIRES_DEFERRED_OFF + " (deferred-init is '" + deferred
                + "': mm:variant deferred-init off first)";
    }
}
