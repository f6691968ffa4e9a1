package mm.machine.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Kernel command-line options mmkit understands. {@code movablecore}/{@code kernelcore} keep the kernel's two
 * spellings: an absolute size in bytes, or a percentage of memory (then {@code *Percent >= 0}).
 * {@code extra} holds subsystem options mmkit bundles read themselves (e.g. {@code page_reporting.page_reporting_order}).
 * {@code words} is the command line as it was written, word by word and in order, including words mmkit does not
 * act on (the kernel prints it as given and passes the words it does not know to user space); empty for options
 * made in code, whose command line is then {@link #cmdline() rendered}.
 */
public record BootOptions(boolean deferredStructPageInit, boolean pageOwner, boolean earlyPageExt,
                          long movablecoreBytes, int movablecorePercent, long kernelcoreBytes, int kernelcorePercent,
                          long memLimit, boolean memblockDebug, boolean movableNode, Map<String, String> extra,
                          List<String> words) {
    public BootOptions {
        extra = Map.copyOf(extra);
        words = List.copyOf(words);
    }

    /** Options made in code: no written command line. */
    public BootOptions(boolean deferredStructPageInit, boolean pageOwner, boolean earlyPageExt,
                       long movablecoreBytes, int movablecorePercent, long kernelcoreBytes, int kernelcorePercent,
                       long memLimit, boolean memblockDebug, boolean movableNode, Map<String, String> extra) {
        this(deferredStructPageInit, pageOwner, earlyPageExt, movablecoreBytes, movablecorePercent, kernelcoreBytes,
                kernelcorePercent, memLimit, memblockDebug, movableNode, extra, List.of());
    }

    public static BootOptions defaults() {
        return new BootOptions(true, false, false, 0, -1, 0, -1, 0, false, false, Map.of());
    }

    public BootOptions withDeferred(boolean on) {
        return new BootOptions(on, pageOwner, earlyPageExt, movablecoreBytes, movablecorePercent, kernelcoreBytes,
                kernelcorePercent, memLimit, memblockDebug, movableNode, extra,
                replaceWord("deferred_struct_page_init", on ? null : "deferred_struct_page_init=off"));
    }

    public BootOptions withPageOwner(boolean on) {
        return new BootOptions(deferredStructPageInit, on, earlyPageExt, movablecoreBytes, movablecorePercent,
                kernelcoreBytes, kernelcorePercent, memLimit, memblockDebug, movableNode, extra,
                replaceWord("page_owner", on ? "page_owner=on" : null));
    }

    public BootOptions withEarlyPageExt(boolean on) {
        return new BootOptions(deferredStructPageInit, pageOwner, on, movablecoreBytes, movablecorePercent,
                kernelcoreBytes, kernelcorePercent, memLimit, memblockDebug, movableNode, extra,
                replaceWord("early_page_ext", on ? "early_page_ext" : null));
    }

    /** The written words without those that set {@code key}, then {@code word} (if not null) at the end. */
    private List<String> replaceWord(String key, String word) {
        if (words.isEmpty()) return words;
        List<String> out = new ArrayList<>();
        for (String w : words) if (!key.equals(keyOf(w))) out.add(w);
        if (word != null) out.add(word);
        return out;
    }

    /** The parameter name of a command-line word: {@code mem} of {@code mem=1G}, {@code quiet} of {@code quiet}. */
    public static String keyOf(String word) {
        int eq = word.indexOf('=');
        return eq < 0 ? word : word.substring(0, eq);
    }

    /**
     * The kernel command line: as written when it was ({@link #words}), else rendered from the options (known
     * options first, then the others sorted by key; sizes as a user writes them: {@code kernelcore=1G}).
     */
    public String cmdline() {
        if (!words.isEmpty()) return String.join(" ", words);
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
