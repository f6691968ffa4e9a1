package mm.pageext.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** mm:variant refuses page-ext early with deferred init, from either side, and allows everything else. */
class PageExtConstraintTest {
    final PageExtConstraint c = new PageExtConstraint();

    @Test
    void earlyIsRefusedWhileDeferredInitIsOn() {
        assertEquals("page_ext early init (early_page_ext) requires deferred struct page init off: add 'config"
                        + " mm.variant deferred-init=off' to the profile (deferred-init is 'per-node': mm:variant deferred-init off first)",
                c.refuse("page-ext", "early", Map.of("page-ext", "early", "deferred-init", "per-node")));
        // mm.core's default is per-node when the selection does not name it
        assertEquals(c.refuse("page-ext", "early", Map.of("page-ext", "early", "deferred-init", "per-node")),
                c.refuse("page-ext", "early", Map.of("page-ext", "early")));
    }

    @Test
    void deferringVariantsAreRefusedWhilePageExtIsEarly() {
        for (String d : new String[] {"per-node", "two-pass", "multithreaded"}) {
            assertEquals("page-ext is 'early': page_ext early init (early_page_ext) requires deferred struct page init"
                            + " off: add 'config mm.variant deferred-init=off' to the profile (select another page-ext"
                            + " variant first: mm:variant page-ext late)",
                    c.refuse("deferred-init", d, Map.of("page-ext", "early", "deferred-init", d)));
        }
    }

    @Test
    void everythingElseIsAllowed() {
        assertNull(c.refuse("page-ext", "early", Map.of("page-ext", "early", "deferred-init", "off")));
        assertNull(c.refuse("deferred-init", "per-node", Map.of("page-ext", "late", "deferred-init", "per-node")));
        assertNull(c.refuse("page-ext", "on-touch", Map.of("page-ext", "on-touch", "deferred-init", "multithreaded")));
        assertNull(c.refuse("reporting", "bitmap", Map.of("page-ext", "early", "deferred-init", "per-node")));
    }
}
