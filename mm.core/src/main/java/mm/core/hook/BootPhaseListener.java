package mm.core.hook;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard service: called by mm.core when the boot reaches a phase, in the boot thread, in service-ranking
 * order. Other bundles join the boot this way (page_ext at PAGE_EXT_EARLY / PAGE_EXT_LATE, page_owner...).
 */
@ConsumerType
public interface BootPhaseListener {
    void onPhase(BootPhase phase, BootContext ctx);
}
