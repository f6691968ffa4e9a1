package mm.compare.api;

import java.util.List;
import java.util.Map;

/**
 * One configuration of a compare: a machine, the variants to select and the kernel command-line words to add.
 *
 * @param label       how it is named in the table ({@code A}, {@code B}, ... or {@code emulated})
 * @param text        the configuration as the user wrote it (shown in the legend)
 * @param machine     a built-in machine name or a machine file; null or empty: the compare's default machine
 * @param variants    subsystem to variant, selected before the boot (in order)
 * @param bootOptions command-line words appended to the machine's own ({@code page_owner=on}, {@code mem=1G})
 */
public record Configuration(String label, String text, String machine, Map<String, String> variants,
                            List<String> bootOptions) {
    public Configuration {
        variants = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(variants));
        bootOptions = List.copyOf(bootOptions);
    }
}
