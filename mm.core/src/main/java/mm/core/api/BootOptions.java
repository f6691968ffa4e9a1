package mm.core.api;

import java.util.Map;

/**
 * Kernel command-line options mmkit understands. {@code movablecore}/{@code kernelcore} keep the kernel's two
 * spellings: an absolute size in bytes, or a percentage of memory (then {@code *Percent >= 0}).
 * {@code extra} holds subsystem options mmkit bundles read themselves (e.g. {@code page_reporting.page_reporting_order}).
 */
public record BootOptions(boolean deferredStructPageInit, boolean pageOwner, boolean earlyPageExt,
                          long movablecoreBytes, int movablecorePercent, long kernelcoreBytes, int kernelcorePercent,
                          long memLimit, boolean memblockDebug, boolean movableNode, Map<String, String> extra) {
    public BootOptions {
        extra = Map.copyOf(extra);
    }

    public static BootOptions defaults() {
        return new BootOptions(true, false, false, 0, -1, 0, -1, 0, false, false, Map.of());
    }

    public BootOptions withDeferred(boolean on) {
        return new BootOptions(on, pageOwner, earlyPageExt, movablecoreBytes, movablecorePercent, kernelcoreBytes,
                kernelcorePercent, memLimit, memblockDebug, movableNode, extra);
    }

    public BootOptions withPageOwner(boolean on) {
        return new BootOptions(deferredStructPageInit, on, earlyPageExt, movablecoreBytes, movablecorePercent,
                kernelcoreBytes, kernelcorePercent, memLimit, memblockDebug, movableNode, extra);
    }

    public BootOptions withEarlyPageExt(boolean on) {
        return new BootOptions(deferredStructPageInit, pageOwner, on, movablecoreBytes, movablecorePercent,
                kernelcoreBytes, kernelcorePercent, memLimit, memblockDebug, movableNode, extra);
    }

    /** The options as a kernel command line fragment. */
    public String cmdline() {
        StringBuilder sb = new StringBuilder();
        if (!deferredStructPageInit) sb.append("deferred_struct_page_init=off ");
        if (pageOwner) sb.append("page_owner=on ");
        if (earlyPageExt) sb.append("early_page_ext ");
        if (movablecorePercent >= 0) sb.append("movablecore=").append(movablecorePercent).append("% ");
        else if (movablecoreBytes > 0) sb.append("movablecore=").append(movablecoreBytes).append(' ');
        if (kernelcorePercent >= 0) sb.append("kernelcore=").append(kernelcorePercent).append("% ");
        else if (kernelcoreBytes > 0) sb.append("kernelcore=").append(kernelcoreBytes).append(' ');
        if (memLimit > 0) sb.append("mem=").append(memLimit).append(' ');
        if (memblockDebug) sb.append("memblock=debug ");
        if (movableNode) sb.append("movable_node ");
        extra.forEach((k, v) -> sb.append(k).append('=').append(v).append(' '));
        return sb.toString().trim();
    }
}
