package mm.core.internal.mm;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import mm.core.api.Mm;
import mm.core.api.ProcFile;

/**
 * The external fragmentation views of debugfs (mm/vmstat.c, CONFIG_COMPACTION): /sys/kernel/debug/extfrag/
 * extfrag_index and unusable_index, per populated zone and order, from the zone's nr_free counts.
 */
final class Extfrag {
    private Extfrag() {}

    /** fill_contig_page_info: free pages, free blocks, and free blocks of at least {@code order} in order units. */
    static long[] contigPageInfo(long[] nrFree, int order) {
        long freePages = 0, total = 0, suitable = 0;
        for (int o = 0; o < nrFree.length; o++) {
            total += nrFree[o];
            freePages += nrFree[o] << o;
            if (o >= order) suitable += nrFree[o] << (o - order);
        }
        return new long[] {freePages, total, suitable};
    }

    /**
     * __fragmentation_index: 0 when there is no free block, -1000 when a block of the order is free, else how much
     * a failure would be due to fragmentation (towards 1000) rather than lack of memory (towards 0).
     */
    static int fragmentationIndex(long[] nrFree, int order) {
        long[] i = contigPageInfo(nrFree, order);
        if (i[1] == 0) return 0;
        if (i[2] != 0) return -1000;
        return (int) (1000 - (1000 + i[0] * 1000 / (1L << order)) / i[1]);
    }

    /** unusable_free_index: the share of free memory (in thousandths) that cannot serve an allocation of the order. */
    static int unusableFreeIndex(long[] nrFree, int order) {
        long[] i = contigPageInfo(nrFree, order);
        if (i[0] == 0) return 1000;
        return (int) ((i[0] - (i[2] << order)) * 1000 / i[0]);
    }

    static ProcFile extfragIndex(Kernel k) { return view(k, "extfrag_index", true); }

    static ProcFile unusableIndex(Kernel k) { return view(k, "unusable_index", false); }

    private static ProcFile view(Kernel k, String name, boolean extfrag) {
        return Views.perPopulatedZone(k, name, name, (nr, sb) -> {
            List<Double> values = new ArrayList<>();
            for (int o = 0; o <= Mm.MAX_PAGE_ORDER; o++) {
                int index = extfrag ? fragmentationIndex(nr, o) : unusableFreeIndex(nr, o);
                // the kernel prints index / 1000 and index % 1000 as two integers
                sb.append(String.format(Locale.ROOT, extfrag ? "%2d.%03d " : "%d.%03d ", index / 1000, Math.abs(index % 1000)));
                values.add(index / 1000.0);
            }
            return values;
        });
    }
}
