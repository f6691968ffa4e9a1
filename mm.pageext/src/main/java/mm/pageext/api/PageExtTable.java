package mm.pageext.api;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import mm.core.api.Mm;

/**
 * One section's page_ext table: {@code entrySize} bytes per page (the kernel's table is {@link #bytes} long), read
 * and written at positions {@link #entry} gives, plus the client's field offsets (a position is not a byte offset
 * in the kernel's table: the entries are kept in chunks). Little-endian like x86_64. The
 * shared flags word, when present, is the first 8 bytes of every entry; its bit 63 is emulator-private
 * ({@link #PRESENT}: the entry was initialised, used by init-on-touch, where a table can exist before all of its
 * struct pages are initialised).
 * <p><b>Storage exists only where something was written.</b> The entries are kept in chunks of
 * {@link #CHUNK_PAGES} pages, primitive bytes, no object per page. A table nothing wrote reads zeros (the kernel's
 * zeroed table) and holds no array; a chunk gets its own array on the first write that changes it. Runs of pages
 * written with the same bytes ({@link #fill}, {@link #initEntries}) share one read-only array per whole chunk (and
 * per whole section), so a table costs per written page, not per page of the section.
 * <p>Writers of different entries may run concurrently (pgdatinit threads); {@link #fill} and {@link #initEntries}
 * must not race with other writers of the same pages.
 */
public final class PageExtTable {
    /** Emulator-private flag: the entry was initialised (init-on-touch). */
    public static final long PRESENT = 1L << 63;
    /** Pages per chunk: the unit in which a table gets heap on the first write. */
    public static final int CHUNK_PAGES = 64;
    private static final int CHUNKS = Mm.PAGES_PER_SECTION / CHUNK_PAGES;
    /** Largest entry: a chunk's bytes fit below {@link #POS_SHIFT} bits. */
    private static final int MAX_ENTRY = 2048;
    /** A position is (chunk << POS_SHIFT) | byte offset in the chunk: one shift and one mask to resolve. */
    private static final int POS_SHIFT = 17, POS_MASK = (1 << POS_SHIFT) - 1;

    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle CHUNK = MethodHandles.arrayElementVarHandle(byte[][].class);

    private final long startPfn;
    private final int entrySize;
    private final boolean allPresent;
    /** Bytes of a chunk's own array; a shared (read-only) array is one byte longer, which is how writers tell. */
    private final int chunkBytes;
    /**
     * What every chunk without an array of its own holds: null (zeros) or a shared read-only array. Written under
     * the table's lock; plain reads (a reader that races with a fill may see the old value, as with plain bytes).
     */
    private byte[] base;
    /**
     * Per chunk: null (= base), its own array, or a shared read-only one; null until a chunk differs from base.
     * The list is made under the table's lock (its null slots are visible to every thread as such); its slots are
     * written with release and read with acquire, so a chunk's contents are seen with it.
     */
    private byte[][] chunks;

    /**
     * @param sectionNr the section this table covers
     * @param entrySize page_ext_size (at most 2048)
     * @param allPresent true when every entry is valid from the start (tables allocated at page_ext_init); false
     *        for init-on-touch, where an entry is valid once its flags word carries {@link #PRESENT}
     */
    public PageExtTable(long sectionNr, int entrySize, boolean allPresent) {
        if (!allPresent && entrySize < 8) throw new IllegalArgumentException("init-on-touch needs the flags word");
        if (entrySize < 0 || entrySize > MAX_ENTRY)
            throw new IllegalArgumentException("page_ext entry of " + entrySize + " bytes (at most " + MAX_ENTRY + ")");
        this.startPfn = sectionNr << Mm.PFN_SECTION_SHIFT;
        this.entrySize = entrySize;
        this.allPresent = allPresent;
        this.chunkBytes = Math.max(1, entrySize * CHUNK_PAGES);
    }

    public long sectionNr() { return startPfn >>> Mm.PFN_SECTION_SHIFT; }

    /** The kernel's size of this table: entrySize bytes for every page of the section. */
    public long bytes() { return (long) entrySize * Mm.PAGES_PER_SECTION; }

    /** Java heap held by this table's arrays of its own (shared arrays of {@link #fill} runs not counted). */
    public long heapBytes() {
        byte[][] cs = chunks;
        if (cs == null) return 0;
        long n = 16L + 4L * CHUNKS;
        for (int c = 0; c < CHUNKS; c++) {
            byte[] d = (byte[]) CHUNK.getAcquire(cs, c);
            if (d != null && d.length == chunkBytes) n += 16 + chunkBytes;
        }
        return n;
    }

    public int entrySize() { return entrySize; }

    /**
     * The position of pfn's entry in this table (pfn must lie in the section): add a field's byte offset inside the
     * entry to read or write the field. Positions of consecutive pages are not {@code entrySize} apart.
     */
    public int entry(long pfn) {
        int i = (int) (pfn - startPfn);
        return (i / CHUNK_PAGES) << POS_SHIFT | (i % CHUNK_PAGES) * entrySize;
    }

    /** Whether pfn's entry is valid (always for tables made at page_ext_init). */
    public boolean present(long pfn) {
        return allPresent || (getLong(entry(pfn)) & PRESENT) != 0;
    }

    /**
     * Marks the entries of [from, to) (pfns of this section) initialised: zeroed, flags word = PRESENT for
     * init-on-touch tables.
     */
    public void initEntries(long from, long to) {
        byte[] image = new byte[entrySize];
        if (!allPresent) LONG.set(image, 0, PRESENT);
        fillRange(from, to, null, 0, image, 0L);
    }

    /**
     * Writes the same bytes into many entries: for every pfn of [from, to) (pfns of this section), {@code bytes} at
     * {@code entry(pfn) + at}, and {@code flags} or-ed into the flags word (0: the flags word is left alone). The
     * same as writing each entry, but whole chunks (and a whole section) that held the same bytes before share one
     * array afterwards. {@code at + bytes.length} must not pass the entry.
     */
    public void fill(long from, long to, int at, byte[] bytes, long flags) {
        if (at < 0 || at + bytes.length > entrySize || (flags != 0 && entrySize < Long.BYTES))
            throw new IllegalArgumentException("fill outside the entry");
        fillRange(from, to, bytes, at, null, flags);
    }

    /**
     * The end of the run of entries from {@code pfn} on that hold the same bytes as pfn's entry, as far as the
     * storage knows without reading them: the end of the section when the table has no chunk of its own, the end of
     * the chunks that share pfn's array, {@code pfn + 1} for an entry of a chunk written on its own. Lets a walk
     * pass over what nothing wrote (or what a {@link #fill} wrote alike) as a whole.
     */
    public long sameUntil(long pfn) {
        long end = startPfn + Mm.PAGES_PER_SECTION;
        if (chunks == null) return end;
        int c = (int) (pfn - startPfn) / CHUNK_PAGES;
        byte[] d = readChunk(c);
        if (d != null && d.length == chunkBytes) return pfn + 1;
        while (++c < CHUNKS && readChunk(c) == d) { }
        return Math.min(end, startPfn + (long) c * CHUNK_PAGES);
    }

    // --- the shared flags word (offset 0 of an entry)
    public long flags(int entry) { return getLong(entry); }

    public boolean testFlag(int entry, int bit) { return (getLong(entry) & (1L << bit)) != 0; }

    public void setFlags(int entry, long bits) {
        long v = getLong(entry);
        if ((v | bits) != v) putLong(entry, v | bits);
    }

    public void clearFlags(int entry, long bits) {
        long v = getLong(entry);
        if ((v & ~bits) != v) putLong(entry, v & ~bits);
    }

    // --- typed fields at byte offsets (entry + field offset)
    public short getShort(int at) {
        byte[] d = readChunk(at >>> POS_SHIFT);
        return d == null ? 0 : (short) SHORT.get(d, at & POS_MASK);
    }

    public void putShort(int at, short v) {
        SHORT.set(writeChunk(at >>> POS_SHIFT), at & POS_MASK, v);
    }

    public int getInt(int at) {
        byte[] d = readChunk(at >>> POS_SHIFT);
        return d == null ? 0 : (int) INT.get(d, at & POS_MASK);
    }

    public void putInt(int at, int v) {
        INT.set(writeChunk(at >>> POS_SHIFT), at & POS_MASK, v);
    }

    public long getLong(int at) {
        byte[] d = readChunk(at >>> POS_SHIFT);
        return d == null ? 0 : (long) LONG.get(d, at & POS_MASK);
    }

    public void putLong(int at, long v) {
        LONG.set(writeChunk(at >>> POS_SHIFT), at & POS_MASK, v);
    }

    // --- one entry, several fields: resolve its chunk once (the allocation path of a client such as page_owner)

    /**
     * The array holding the entry at position {@code pos}, the table's own (the chunk's first write gives it its own
     * copy), to write several fields of that entry with {@link #putLong(byte[], int, long)} and its siblings at
     * {@code pos} plus field offsets: the same as the instance setters, with the chunk resolved once. Write nothing
     * else into it.
     */
    public byte[] writable(int pos) { return writeChunk(pos >>> POS_SHIFT); }

    /**
     * The array holding the entry at position {@code pos} for reading with {@link #getLong(byte[], int)} and its
     * siblings, or null where the chunk holds zeros. Possibly shared with other chunks: never write it.
     */
    public byte[] readable(int pos) { return readChunk(pos >>> POS_SHIFT); }

    public static short getShort(byte[] chunk, int pos) {
        return chunk == null ? 0 : (short) SHORT.get(chunk, pos & POS_MASK);
    }

    public static int getInt(byte[] chunk, int pos) { return chunk == null ? 0 : (int) INT.get(chunk, pos & POS_MASK); }

    public static long getLong(byte[] chunk, int pos) {
        return chunk == null ? 0 : (long) LONG.get(chunk, pos & POS_MASK);
    }

    public static void putShort(byte[] writable, int pos, short v) { SHORT.set(writable, pos & POS_MASK, v); }

    public static void putInt(byte[] writable, int pos, int v) { INT.set(writable, pos & POS_MASK, v); }

    public static void putLong(byte[] writable, int pos, long v) { LONG.set(writable, pos & POS_MASK, v); }

    /** Reads {@code len} bytes of one entry from position {@code at}. */
    public void getBytes(int at, byte[] dst, int len) {
        byte[] d = readChunk(at >>> POS_SHIFT);
        if (d == null) Arrays.fill(dst, 0, len, (byte) 0);
        else System.arraycopy(d, at & POS_MASK, dst, 0, len);
    }

    /** Writes {@code len} bytes of one entry at position {@code at}. */
    public void putBytes(int at, byte[] src, int len) {
        System.arraycopy(src, 0, writeChunk(at >>> POS_SHIFT), at & POS_MASK, len);
    }

    /** Copies {@code len} bytes inside this table (same-block tails). */
    public void copyWithin(int from, int to, int len) { copy(this, from, this, to, len); }

    /** Copies {@code len} bytes from another table (migration across sections). */
    public static void copy(PageExtTable src, int from, PageExtTable dst, int to, int len) {
        byte[] w = dst.writeChunk(to >>> POS_SHIFT);
        byte[] r = src.readChunk(from >>> POS_SHIFT);
        if (r == null) Arrays.fill(w, to & POS_MASK, (to & POS_MASK) + len, (byte) 0);
        else System.arraycopy(r, from & POS_MASK, w, to & POS_MASK, len);
    }

    // ------------------------------------------------------------------------------------------- chunks

    private byte[] readChunk(int c) {
        byte[][] cs = chunks;
        if (cs != null) {
            byte[] d = (byte[]) CHUNK.getAcquire(cs, c);
            if (d != null) return d;
        }
        return base;
    }

    private byte[] writeChunk(int c) {
        byte[][] cs = chunks;
        if (cs != null) {
            byte[] d = (byte[]) CHUNK.getAcquire(cs, c);
            if (d != null && d.length == chunkBytes) return d;
        }
        return own(c);
    }

    /** The chunk's own array, made from what it held (zeros, or a shared array) on its first write. */
    private synchronized byte[] own(int c) {
        byte[][] cs = chunks;
        if (cs == null) chunks = cs = new byte[CHUNKS][];
        byte[] d = cs[c];
        if (d != null && d.length == chunkBytes) return d;
        byte[] src = d != null ? d : base;
        byte[] n = src == null ? new byte[chunkBytes] : Arrays.copyOf(src, chunkBytes);
        CHUNK.setRelease(cs, c, n);
        return n;
    }

    /**
     * Per entry of [from, to): the whole entry becomes {@code image} (image != null), or {@code bytes} at
     * {@code at} and {@code flags} or-ed in. Whole chunks not written on their own get a shared array.
     */
    private synchronized void fillRange(long from, long to, byte[] bytes, int at, byte[] image, long flags) {
        if (from < startPfn || to > startPfn + Mm.PAGES_PER_SECTION || from > to)
            throw new IllegalArgumentException("pfns outside the section");
        if (entrySize == 0) return;
        int a = (int) (from - startPfn), b = (int) (to - startPfn);
        if (a == 0 && b == Mm.PAGES_PER_SECTION && chunks == null) {
            base = Templates.of(base, chunkBytes, entrySize, image, at, bytes, flags);
            return;
        }
        int p = a;
        byte[] lastFrom = null, lastTemplate = null;   // consecutive chunks that held the same array
        while (p < b) {
            int c = p / CHUNK_PAGES, cEnd = Math.min(b, (c + 1) * CHUNK_PAGES);
            byte[] cur = readChunk(c);
            if (p == c * CHUNK_PAGES && cEnd == (c + 1) * CHUNK_PAGES && (cur == null || cur.length != chunkBytes)) {
                byte[][] cs = chunks;
                if (cs == null) chunks = cs = new byte[CHUNKS][];
                if (lastTemplate == null || cur != lastFrom) {
                    lastFrom = cur;
                    lastTemplate = Templates.of(cur, chunkBytes, entrySize, image, at, bytes, flags);
                }
                CHUNK.setRelease(cs, c, lastTemplate);
            } else {
                byte[] w = writeChunk(c);
                for (int e = (p - c * CHUNK_PAGES) * entrySize, end = (cEnd - c * CHUNK_PAGES) * entrySize; e < end;
                     e += entrySize) Templates.apply(w, e, image, at, bytes, flags);
            }
            p = cEnd;
        }
    }

    /**
     * Shared read-only chunk arrays (length chunkBytes + 1): a few recent ones, by the array they were made from and
     * what was written over it, so that every chunk filled alike shares one array.
     */
    private static final class Templates {
        private record Key(byte[] from, int chunkBytes, int entrySize, byte[] image, int at, byte[] bytes, long flags) {
            boolean matches(byte[] f, int cb, int es, byte[] im, int a, byte[] by, long fl) {
                return from == f && chunkBytes == cb && entrySize == es && at == a && flags == fl
                        && Arrays.equals(image, im) && Arrays.equals(bytes, by);
            }
        }

        private static final int SIZE = 8;
        private static final Key[] KEYS = new Key[SIZE];
        private static final byte[][] VALUES = new byte[SIZE][];
        private static int next;

        static synchronized byte[] of(byte[] from, int chunkBytes, int entrySize, byte[] image, int at, byte[] bytes,
                                      long flags) {
            for (int i = 0; i < SIZE; i++) {
                Key k = KEYS[i];
                if (k != null && k.matches(from, chunkBytes, entrySize, image, at, bytes, flags)) return VALUES[i];
            }
            byte[] t = from == null ? new byte[chunkBytes + 1] : Arrays.copyOf(from, chunkBytes + 1);
            for (int e = 0; e < chunkBytes; e += entrySize) apply(t, e, image, at, bytes, flags);
            int i = next;
            next = (next + 1) % SIZE;
            KEYS[i] = new Key(from, chunkBytes, entrySize, image == null ? null : image.clone(), at,
                    bytes == null ? null : bytes.clone(), flags);
            VALUES[i] = t;
            return t;
        }

        /** One entry (at byte e of array d): the image, or the bytes at {@code at} and the flags or-ed in. */
        static void apply(byte[] d, int e, byte[] image, int at, byte[] bytes, long flags) {
            if (image != null) {
                System.arraycopy(image, 0, d, e, image.length);
                return;
            }
            System.arraycopy(bytes, 0, d, e + at, bytes.length);
            if (flags != 0) LONG.set(d, e, (long) LONG.get(d, e) | flags);
        }
    }
}
