package mm.pageext.api;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import mm.core.api.Mm;

/**
 * One section's page_ext table: {@code entrySize} bytes per page in one byte array, exactly the kernel's per-page
 * cost (no Java object per page). Entry offsets come from {@link #entry}; field offsets inside an entry are the
 * client's offset plus its own layout. Little-endian like x86_64. The shared flags word, when present, is the first
 * 8 bytes of every entry; its bit 63 is emulator-private ({@link #PRESENT}: the entry was initialised, used by
 * init-on-touch, where a table can exist before all of its struct pages are initialised).
 */
public final class PageExtTable {
    /** Emulator-private flag: the entry was initialised (init-on-touch). */
    public static final long PRESENT = 1L << 63;

    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final byte[] data;
    private final long startPfn;
    private final int entrySize;
    private final boolean allPresent;

    /**
     * @param sectionNr the section this table covers
     * @param entrySize page_ext_size
     * @param allPresent true when every entry is valid from the start (tables allocated at page_ext_init); false
     *        for init-on-touch, where an entry is valid once its flags word carries {@link #PRESENT}
     */
    public PageExtTable(long sectionNr, int entrySize, boolean allPresent) {
        if (!allPresent && entrySize < 8) throw new IllegalArgumentException("init-on-touch needs the flags word");
        this.data = new byte[Math.multiplyExact(entrySize, Mm.PAGES_PER_SECTION)];
        this.startPfn = sectionNr << Mm.PFN_SECTION_SHIFT;
        this.entrySize = entrySize;
        this.allPresent = allPresent;
    }

    public long sectionNr() { return startPfn >>> Mm.PFN_SECTION_SHIFT; }

    public long bytes() { return data.length; }

    public int entrySize() { return entrySize; }

    /** Byte offset of pfn's entry in this table (pfn must lie in the section). */
    public int entry(long pfn) { return (int) (pfn - startPfn) * entrySize; }

    /** Whether pfn's entry is valid (always for tables made at page_ext_init). */
    public boolean present(long pfn) {
        return allPresent || ((long) LONG.get(data, entry(pfn)) & PRESENT) != 0;
    }

    /** Marks the entries of [from, to) (pfns of this section) initialised: zeroed, flags word = PRESENT. */
    public void initEntries(long from, long to) {
        int a = entry(from), b = entry(to);
        java.util.Arrays.fill(data, a, b, (byte) 0);
        if (!allPresent) for (int e = a; e < b; e += entrySize) LONG.set(data, e, PRESENT);
    }

    // --- the shared flags word (offset 0 of an entry)
    public long flags(int entry) { return (long) LONG.get(data, entry); }

    public boolean testFlag(int entry, int bit) { return ((long) LONG.get(data, entry) & (1L << bit)) != 0; }

    public void setFlags(int entry, long bits) { LONG.set(data, entry, (long) LONG.get(data, entry) | bits); }

    public void clearFlags(int entry, long bits) { LONG.set(data, entry, (long) LONG.get(data, entry) & ~bits); }

    // --- typed fields at byte offsets (entry + field offset)
    public short getShort(int at) { return (short) SHORT.get(data, at); }

    public void putShort(int at, short v) { SHORT.set(data, at, v); }

    public int getInt(int at) { return (int) INT.get(data, at); }

    public void putInt(int at, int v) { INT.set(data, at, v); }

    public long getLong(int at) { return (long) LONG.get(data, at); }

    public void putLong(int at, long v) { LONG.set(data, at, v); }

    public void getBytes(int at, byte[] dst, int len) { System.arraycopy(data, at, dst, 0, len); }

    public void putBytes(int at, byte[] src, int len) { System.arraycopy(src, 0, data, at, len); }

    /** Copies {@code len} bytes inside this table (same-block tails). */
    public void copyWithin(int from, int to, int len) { System.arraycopy(data, from, data, to, len); }

    /** Copies {@code len} bytes from another table (migration across sections). */
    public static void copy(PageExtTable src, int from, PageExtTable dst, int to, int len) {
        System.arraycopy(src.data, from, dst.data, to, len);
    }
}
