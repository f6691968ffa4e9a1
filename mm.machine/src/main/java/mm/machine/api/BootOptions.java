package mm.machine.api;

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

    /**
     * The options as the kernel command line that sets them (known options first, then the others sorted by key;
     * sizes as a user writes them: {@code kernelcore=1G}).
     */
    public String cmdline() {
        StringBuilder sb = new StringBuilder();
        if (!deferredStructPageInit) sb.append(" deferred_struct_page_init=off");
        if (pageOwner) sb.append(" page_owner=on");
        if (earlyPageExt) sb.append(" early_page_ext");
        if (movablecorePercent >= 0) sb.append(" movablecore=").append(movablecorePercent).append('%');
        else if (movablecoreBytes > 0) sb.append(" movablecore=").append(Sizes.format(movablecoreBytes));
        if (kernelcorePercent >= 0) sb.append(" kernelcore=").append(kernelcorePercent).append('%');
        else if (kernelcoreBytes > 0) sb.append(" kernelcore=").append(Sizes.format(kernelcoreBytes));
        if (memLimit > 0) sb.append(" mem=").append(Sizes.format(memLimit));
        if (memblockDebug) sb.append(" memblock=debug");
        if (movableNode) sb.append(" movable_node");
        new java.util.TreeMap<>(extra).forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
        return sb.toString().trim();
    }
}
