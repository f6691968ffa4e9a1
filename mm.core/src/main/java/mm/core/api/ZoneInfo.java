package mm.core.api;

/** A snapshot of one zone's counters and watermarks. */
public record ZoneInfo(int nid, ZoneType zone, long zoneStartPfn, long spannedPages, long presentPages,
                       long managedPages, long freePages, long min, long low, long high, long[] protection,
                       long[] nrFree) {
    public long endPfn() { return zoneStartPfn + spannedPages; }
    public boolean populated() { return presentPages > 0; }
}
