package mm.core.internal.memblock;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import mm.core.api.Memblock;
import mm.core.api.Mm;

/**
 * memblock as in mm/memblock.c of Linux 6.6, with NUMA enabled (regions carry a nid).
 *
 * <p>Both region arrays are modelled exactly as the kernel keeps them: sorted, minimal, with {@code cnt},
 * {@code max} and {@code total_size}; an empty array holds the dummy entry {0, 0, flags 0, nid MAX_NUMNODES}
 * with cnt 1. {@link #memory()} and {@link #reserved()} hide the dummy, {@link #rawRegions(boolean)},
 * {@link #cnt(boolean)}, {@link #dumpAll()} and {@link #debugfs(boolean)} show it as the kernel does.
 *
 * <p>All addresses and sizes are unsigned 64-bit. Not thread-safe.
 */
public class MemblockImpl implements Memblock {
    /** Default SMP_CACHE_BYTES of the emulated x86_64 kernel (L1_CACHE_BYTES = 64). */
    public static final int X86_SMP_CACHE_BYTES = 64;
    /** sizeof(struct memblock_region) with CONFIG_NUMA on 64-bit: base, size, flags, nid. */
    public static final int REGION_STRUCT_SIZE = 24;
    /** ARCH_LOW_ADDRESS_LIMIT (memblock_alloc_low). */
    public static final long ARCH_LOW_ADDRESS_LIMIT = 0xffffffffL;
    /** The caller symbol the real kernel prints for the reservation an allocation makes. */
    public static final String ALLOC_RESERVE_CALLER = "memblock_alloc_range_nid+0xbd/0x180";
    /** Caller printed for the reservation of a doubled array (offset unknown, so the bare symbol). */
    public static final String DOUBLE_ARRAY_CALLER = "memblock_double_array";
    /** Caller printed when a doubled array frees its previous (non-static) array (memblock_free). */
    public static final String FREE_OLD_ARRAY_CALLER = "memblock_free";

    static final int ENOMEM = -12;
    static final String[] FLAG_NAMES = {"HOTPLUG", "MIRROR", "NOMAP", "DRV_MNG"};

    /** struct memblock_type. */
    static final class Type {
        final String name;
        long[] base;
        long[] size;
        int[] flags;
        int[] nid;
        int cnt;
        int max;
        long totalSize;
        /** Physical address of the current array; 0 while it is the static __initdata array. */
        long arrayAddr;

        Type(String name) {
            this.name = name;
            init();
        }

        void init() {
            max = INIT_MEMBLOCK_REGIONS;
            base = new long[max];
            size = new long[max];
            flags = new int[max];
            nid = new int[max];
            setDummy();
            arrayAddr = 0;
        }

        void setDummy() {
            cnt = 1;
            base[0] = 0;
            size[0] = 0;
            flags[0] = 0;
            nid[0] = Mm.MAX_NUMNODES;
            totalSize = 0;
        }

        long end(int i) {
            return base[i] + size[i];
        }

        boolean empty() {
            return size[0] == 0;
        }

        void grow(int newMax) {
            base = java.util.Arrays.copyOf(base, newMax);
            size = java.util.Arrays.copyOf(size, newMax);
            flags = java.util.Arrays.copyOf(flags, newMax);
            nid = java.util.Arrays.copyOf(nid, newMax);
            max = newMax;
        }

        /** memblock_insert_region. */
        void insert(int idx, long b, long s, int n, int f) {
            if (cnt >= max) throw new IllegalStateException("memblock: " + name + " array overflow");
            int move = cnt - idx;
            System.arraycopy(base, idx, base, idx + 1, move);
            System.arraycopy(size, idx, size, idx + 1, move);
            System.arraycopy(flags, idx, flags, idx + 1, move);
            System.arraycopy(nid, idx, nid, idx + 1, move);
            base[idx] = b;
            size[idx] = s;
            flags[idx] = f;
            nid[idx] = n;
            cnt++;
            totalSize += s;
        }

        /** memblock_remove_region. */
        void removeRegion(int r) {
            totalSize -= size[r];
            int move = cnt - (r + 1);
            System.arraycopy(base, r + 1, base, r, move);
            System.arraycopy(size, r + 1, size, r, move);
            System.arraycopy(flags, r + 1, flags, r, move);
            System.arraycopy(nid, r + 1, nid, r, move);
            cnt--;
            if (cnt == 0) setDummy();
        }

        /** memblock_merge_regions over the whole array (6.6 rescans a window; the result is identical). */
        void merge() {
            int i = 0;
            while (i < cnt - 1) {
                long thisEnd = base[i] + size[i];
                if (thisEnd != base[i + 1] || nid[i] != nid[i + 1] || flags[i] != flags[i + 1]) {
                    if (Long.compareUnsigned(thisEnd, base[i + 1]) > 0)
                        throw new IllegalStateException("memblock: overlapping regions in " + name);
                    i++;
                    continue;
                }
                size[i] += size[i + 1];
                int move = cnt - (i + 2);
                System.arraycopy(base, i + 2, base, i + 1, move);
                System.arraycopy(size, i + 2, size, i + 1, move);
                System.arraycopy(flags, i + 2, flags, i + 1, move);
                System.arraycopy(nid, i + 2, nid, i + 1, move);
                cnt--;
            }
        }

        Region region(int i) {
            return new Region(base[i], size[i], flags[i], nid[i]);
        }

        /** memblock_search: binary search for the region containing addr, or -1. */
        int search(long addr) {
            int left = 0, right = cnt;
            do {
                int mid = (left + right) >>> 1;
                if (Long.compareUnsigned(addr, base[mid]) < 0) right = mid;
                else if (Long.compareUnsigned(addr, base[mid] + size[mid]) >= 0) left = mid + 1;
                else return mid;
            } while (left < right);
            return -1;
        }
    }

    /** Receives one free range; return true to stop the iteration. */
    @FunctionalInterface
    interface RangeVisitor {
        boolean visit(long start, long end, int nid);
    }

    private final int smpCacheBytes;
    private final Type memory = new Type("memory");
    private final Type reserved = new Type("reserved");
    private boolean bottomUp;
    private long currentLimit = ALLOC_ANYWHERE;
    private boolean canResize;
    private boolean movableNode;
    private boolean mirroredKernelcore;
    private boolean systemHasSomeMirror;

    private boolean debug;
    private Consumer<String> debugSink;
    /** A tracer's copy of the operation lines (mm:trace), whether or not memblock=debug is on; null when off. */
    private Consumer<String> traceSink;
    private Consumer<String> console;
    private String pendingCaller;
    /** The caller taken last: an allocation's reservation is logged with it (memblock=debug prints the allocator's). */
    private String lastCaller;
    /** reservationLog(): every reservation with its caller. */
    private final List<Reservation> reservationLog = new ArrayList<>();
    private String defaultCaller = "setup_arch";

    /** memblock of the emulated x86_64 kernel (SMP_CACHE_BYTES 64). */
    public MemblockImpl() {
        this(X86_SMP_CACHE_BYTES);
    }

    /** @param smpCacheBytes the alignment used when an allocation passes align 0 (the kernel test harness: 32) */
    public MemblockImpl(int smpCacheBytes) {
        if (smpCacheBytes <= 0 || Integer.bitCount(smpCacheBytes) != 1)
            throw new IllegalArgumentException("SMP_CACHE_BYTES must be a power of two: " + smpCacheBytes);
        this.smpCacheBytes = smpCacheBytes;
    }

    // ------------------------------------------------------------------ helpers

    private static boolean lt(long a, long b) { return Long.compareUnsigned(a, b) < 0; }
    private static boolean le(long a, long b) { return Long.compareUnsigned(a, b) <= 0; }
    private static long umin(long a, long b) { return lt(a, b) ? a : b; }
    private static long umax(long a, long b) { return lt(a, b) ? b : a; }
    private static long clamp(long v, long lo, long hi) { return umin(umax(v, lo), hi); }
    private static long roundDown(long v, long a) { return v & -a; }
    private static long roundUp(long v, long a) { return ((v - 1) | (a - 1)) + 1; }
    private static long pageAlign(long v) { return roundUp(v, Mm.PAGE_SIZE); }

    /** memblock_cap_size: min(size, PHYS_ADDR_MAX - base). */
    private static long capSize(long base, long size) {
        return umin(size, PHYS_ADDR_MAX - base);
    }

    private static String pa(long v) { return Mm.hex18(v); }

    private Type type(boolean reservedType) { return reservedType ? reserved : memory; }

    /** Takes the one-shot caller symbol (or the default) and clears it. */
    private String takeCaller() {
        String c = pendingCaller;
        pendingCaller = null;
        lastCaller = c != null ? c : defaultCaller;
        return lastCaller;
    }

    private void dbg(String line) {
        if (debug && debugSink != null) debugSink.accept(line);
        if (traceSink != null && line.startsWith("memblock_")) traceSink.accept(line);
    }

    /** Lines are made when memblock=debug is on or a tracer listens. */
    private boolean dbgOn() { return debug || traceSink != null; }

    /** pr_err / pr_warn: printed whether or not memblock=debug is on. */
    private void warn(String line) {
        if (console != null) console.accept(line);
        else if (debugSink != null && debug) debugSink.accept(line);
    }

    private void dbgRange(String func, long base, long size, String caller) {
        if (dbgOn()) dbg(func + ": [" + pa(base) + "-" + pa(base + size - 1) + "] " + caller);
    }

    private int chooseMemblockFlags() {
        return systemHasSomeMirror ? FLAG_MIRROR : FLAG_NONE;
    }

    @Override
    public List<Reservation> reservationLog() {
        return List.copyOf(reservationLog);
    }

    // ------------------------------------------------------------------ set-up and logging

    /**
     * Back to the static initial state (also forgets system_has_some_mirror and the pending caller). Configuration
     * kept: debug sink, console, movable_node, mirrored_kernelcore, default caller, SMP_CACHE_BYTES.
     */
    @Override
    public void reset() {
        memory.init();
        reserved.init();
        bottomUp = false;
        currentLimit = ALLOC_ANYWHERE;
        canResize = false;
        systemHasSomeMirror = false;
        pendingCaller = null;
        reservationLog.clear();
    }

    @Override
    public void setDebug(boolean on, Consumer<String> sink) {
        this.debug = on;
        if (sink != null || !on) this.debugSink = sink;
    }

    /** mm:trace's copy of memblock=debug's operation lines (null: none); independent of {@link #setDebug}. */
    public void setTraceSink(Consumer<String> sink) {
        this.traceSink = sink;
    }

    /** Where pr_err/pr_warn messages go (failed doubling, mirror fallback); null = the debug sink if debug is on. */
    public void setConsole(Consumer<String> console) {
        this.console = console;
    }

    @Override
    public Memblock caller(String symbol) {
        this.pendingCaller = symbol;
        return this;
    }

    /** The symbol printed by logged operations when no {@link #caller(String)} was given (default "setup_arch"). */
    public void setDefaultCaller(String symbol) {
        this.defaultCaller = symbol;
    }

    @Override
    public void allowResize() {
        canResize = true;
    }

    /** Whether {@link #allowResize()} was called since the last reset. */
    public boolean canResize() {
        return canResize;
    }

    @Override
    public void setBottomUp(boolean enable) {
        bottomUp = enable;
    }

    @Override
    public boolean bottomUp() {
        return bottomUp;
    }

    @Override
    public void setCurrentLimit(long limit) {
        currentLimit = limit;
    }

    @Override
    public long currentLimit() {
        return currentLimit;
    }

    /** movable_node on the command line: HOTPLUG regions are skipped by the free-range iterators. */
    public void setMovableNode(boolean on) {
        movableNode = on;
    }

    public boolean movableNode() {
        return movableNode;
    }

    /** kernelcore=mirror: without it {@link #markMirror} is a no-op, as in the kernel. */
    public void setMirroredKernelcore(boolean on) {
        mirroredKernelcore = on;
    }

    /** system_has_some_mirror: set by a successful {@link #markMirror}; allocations then prefer MIRROR memory. */
    public boolean systemHasSomeMirror() {
        return systemHasSomeMirror;
    }

    public int smpCacheBytes() {
        return smpCacheBytes;
    }

    // ------------------------------------------------------------------ array doubling

    /** memblock_double_array(type, new_area_start, new_area_size). Returns 0 or -1. */
    private int doubleArray(Type type, long newAreaStart, long newAreaSize) {
        if (!canResize) return -1;
        long oldSize = (long) type.max * REGION_STRUCT_SIZE;
        long newSize = oldSize << 1;
        long oldAllocSize = pageAlign(oldSize);
        long newAllocSize = pageAlign(newSize);

        // only exclude range when trying to double reserved.regions
        if (type != reserved) newAreaStart = newAreaSize = 0;
        long addr = findInRange(newAreaStart + newAreaSize, currentLimit, newAllocSize, Mm.PAGE_SIZE);
        if (addr == 0 && newAreaSize != 0)
            addr = findInRange(0, umin(newAreaStart, currentLimit), newAllocSize, Mm.PAGE_SIZE);
        if (addr == 0) {
            warn("memblock: Failed to double " + type.name + " array from " + type.max + " to "
                    + (type.max * 2) + " entries !");
            return -1;
        }
        long newEnd = addr + newSize - 1;
        if (debug)
            dbg("memblock: " + type.name + " is doubled to " + (type.max * 2) + " at [" + pa(addr) + "-"
                    + pa(newEnd) + "]");

        long oldAddr = type.arrayAddr;
        type.grow(type.max * 2);
        type.arrayAddr = addr;
        if (oldAddr != 0) {
            dbgRange("memblock_phys_free", oldAddr, oldAllocSize, FREE_OLD_ARRAY_CALLER);
            removeRange(reserved, oldAddr, oldAllocSize);
        }
        dbgRange("memblock_reserve", addr, newAllocSize, DOUBLE_ARRAY_CALLER);
        if (addRange(reserved, addr, newAllocSize, Mm.MAX_NUMNODES, 0) != 0)
            throw new IllegalStateException("memblock: cannot reserve the doubled " + type.name + " array");
        return 0;
    }

    // ------------------------------------------------------------------ add / remove / flags

    /** memblock_add_range. */
    private int addRange(Type type, long obase, long size, int nid, int flags) {
        size = capSize(obase, size);
        if (size == 0) return 0;
        long end = obase + size;

        if (type.empty()) {
            type.base[0] = obase;
            type.size[0] = size;
            type.flags[0] = flags;
            type.nid[0] = nid;
            type.totalSize = size;
            return 0;
        }

        // 6.6: the worst case is cnt + 1 new regions; skip the counting pass if they fit
        boolean insert = type.cnt * 2 + 1 <= type.max;
        while (true) {
            long base = obase;
            int nrNew = 0;
            int idx;
            for (idx = 0; idx < type.cnt; idx++) {
                long rbase = type.base[idx];
                long rend = rbase + type.size[idx];
                if (le(end, rbase)) break;
                if (le(rend, base)) continue;
                if (lt(base, rbase)) {
                    nrNew++;
                    if (insert) type.insert(idx++, base, rbase - base, nid, flags);
                }
                base = umin(rend, end);
            }
            if (lt(base, end)) {
                nrNew++;
                if (insert) type.insert(idx, base, end - base, nid, flags);
            }
            if (nrNew == 0) return 0;
            if (!insert) {
                while (type.cnt + nrNew > type.max)
                    if (doubleArray(type, obase, size) < 0) return ENOMEM;
                insert = true;
            } else {
                type.merge();
                return 0;
            }
        }
    }

    /** memblock_isolate_range: returns {start_rgn, end_rgn} or null on -ENOMEM. */
    private int[] isolateRange(Type type, long base, long size) {
        int[] r = {0, 0};
        size = capSize(base, size);
        if (size == 0) return r;
        long end = base + size;
        while (type.cnt + 2 > type.max)
            if (doubleArray(type, base, size) < 0) return null;

        for (int idx = 0; idx < type.cnt; idx++) {
            long rbase = type.base[idx];
            long rend = rbase + type.size[idx];
            if (le(end, rbase)) break;
            if (le(rend, base)) continue;
            if (lt(rbase, base)) {
                // intersects from below: split, continue with the top half
                type.base[idx] = base;
                type.size[idx] -= base - rbase;
                type.totalSize -= base - rbase;
                type.insert(idx, rbase, base - rbase, type.nid[idx], type.flags[idx]);
            } else if (lt(end, rend)) {
                // intersects from above: split, redo the bottom half
                type.base[idx] = end;
                type.size[idx] -= end - rbase;
                type.totalSize -= end - rbase;
                type.insert(idx, rbase, end - rbase, type.nid[idx], type.flags[idx]);
                idx--;
            } else {
                if (r[1] == 0) r[0] = idx;
                r[1] = idx + 1;
            }
        }
        return r;
    }

    /** memblock_remove_range. */
    private int removeRange(Type type, long base, long size) {
        int[] r = isolateRange(type, base, size);
        if (r == null) return ENOMEM;
        for (int i = r[1] - 1; i >= r[0]; i--) type.removeRegion(i);
        return 0;
    }

    /** memblock_setclr_flag on memory. */
    private int setClrFlag(long base, long size, boolean set, int flag) {
        int[] r = isolateRange(memory, base, size);
        if (r == null) return ENOMEM;
        for (int i = r[0]; i < r[1]; i++) {
            if (set) memory.flags[i] |= flag;
            else memory.flags[i] &= ~flag;
        }
        memory.merge();
        return 0;
    }

    @Override
    public int add(long base, long size) {
        String c = takeCaller();
        dbgRange("memblock_add", base, size, c);
        return addRange(memory, base, size, Mm.MAX_NUMNODES, 0);
    }

    @Override
    public int addNode(long base, long size, int nid, int flags) {
        String c = takeCaller();
        if (dbgOn())
            dbg("memblock_add_node: [" + pa(base) + "-" + pa(base + size - 1) + "] nid=" + nid + " flags="
                    + Integer.toHexString(flags) + " " + c);
        return addRange(memory, base, size, nid, flags);
    }

    @Override
    public int remove(long base, long size) {
        String c = takeCaller();
        dbgRange("memblock_remove", base, size, c);
        return removeRange(memory, base, size);
    }

    @Override
    public int reserve(long base, long size) {
        String c = takeCaller();
        dbgRange("memblock_reserve", base, size, c);
        int rc = addRange(reserved, base, size, Mm.MAX_NUMNODES, 0);
        if (rc == 0 && size != 0) reservationLog.add(new Reservation(base, capSize(base, size), c));
        return rc;
    }

    @Override
    public int physFree(long base, long size) {
        String c = takeCaller();
        dbgRange("memblock_phys_free", base, size, c);
        return removeRange(reserved, base, size);
    }

    @Override
    public int markHotplug(long base, long size) {
        takeCaller();
        return setClrFlag(base, size, true, FLAG_HOTPLUG);
    }

    @Override
    public int clearHotplug(long base, long size) {
        takeCaller();
        return setClrFlag(base, size, false, FLAG_HOTPLUG);
    }

    @Override
    public int markMirror(long base, long size) {
        takeCaller();
        if (!mirroredKernelcore) return 0;
        systemHasSomeMirror = true;
        return setClrFlag(base, size, true, FLAG_MIRROR);
    }

    @Override
    public int markNomap(long base, long size) {
        takeCaller();
        return setClrFlag(base, size, true, FLAG_NOMAP);
    }

    @Override
    public int clearNomap(long base, long size) {
        takeCaller();
        return setClrFlag(base, size, false, FLAG_NOMAP);
    }

    /** memblock_set_node: isolate, set the nid, merge (on memory or reserved). */
    @Override
    public int setNode(long base, long size, boolean reservedType, int nid) {
        takeCaller();
        Type type = type(reservedType);
        int[] r = isolateRange(type, base, size);
        if (r == null) return ENOMEM;
        for (int i = r[0]; i < r[1]; i++) type.nid[i] = nid;
        type.merge();
        return 0;
    }

    /**
     * memblock_trim_memory: round every memory region inward to {@code align}, dropping regions that become
     * empty. As in the kernel, total_size is <em>not</em> reduced for regions that are only shrunk (the real
     * 6.12 log shows "memory size" still counting the trimmed 0xc00 bytes); dropped regions are subtracted.
     */
    @Override
    public void trimMemory(long align) {
        takeCaller();
        for (int i = 0; i < memory.cnt; i++) {
            long origStart = memory.base[i];
            long origEnd = origStart + memory.size[i];
            long start = roundUp(origStart, align);
            long end = roundDown(origEnd, align);
            if (start == origStart && end == origEnd) continue;
            if (lt(start, end)) {
                memory.base[i] = start;
                memory.size[i] = end - start;
            } else {
                memory.removeRegion(i);
                i--;
            }
        }
    }

    /** memblock_enforce_memory_limit (mem=): removes everything above the first {@code limit} bytes of memory. */
    @Override
    public void enforceMemoryLimit(long limit) {
        takeCaller();
        if (limit == 0) return;
        long maxAddr = PHYS_ADDR_MAX;
        for (int i = 0; i < memory.cnt; i++) {
            if (le(limit, memory.size[i])) {
                maxAddr = memory.base[i] + limit;
                break;
            }
            limit -= memory.size[i];
        }
        if (maxAddr == PHYS_ADDR_MAX) return;
        removeRange(memory, maxAddr, PHYS_ADDR_MAX);
        removeRange(reserved, maxAddr, PHYS_ADDR_MAX);
    }

    // ------------------------------------------------------------------ iterators

    /** should_skip_region for the memory type. */
    private boolean shouldSkipRegion(int i, int nid, int flags) {
        int mNid = memory.nid[i];
        int mFlags = memory.flags[i];
        if (nid != Mm.NUMA_NO_NODE && nid != mNid) return true;
        if (movableNode && (mFlags & FLAG_HOTPLUG) != 0 && (flags & FLAG_HOTPLUG) == 0) return true;
        if ((flags & FLAG_MIRROR) != 0 && (mFlags & FLAG_MIRROR) == 0) return true;
        if ((flags & FLAG_NOMAP) == 0 && (mFlags & FLAG_NOMAP) != 0) return true;
        if ((flags & FLAG_DRIVER_MANAGED) == 0 && (mFlags & FLAG_DRIVER_MANAGED) != 0) return true;
        return false;
    }

    /**
     * __next_mem_range / __next_mem_range_rev over memory minus reserved: the pieces of each memory region that lie
     * in the gaps between reserved regions, in the kernel's order.
     */
    private void forEachFreeRange(int nid, int flags, boolean reverse, RangeVisitor v) {
        if (nid == Mm.MAX_NUMNODES) nid = Mm.NUMA_NO_NODE; // WARN_ONCE("Usage of MAX_NUMNODES is deprecated")
        Type a = memory, b = reserved;
        if (!reverse) {
            int ib = 0;
            for (int ia = 0; ia < a.cnt; ia++) {
                if (shouldSkipRegion(ia, nid, flags)) continue;
                long mStart = a.base[ia], mEnd = mStart + a.size[ia];
                int mNid = a.nid[ia];
                for (; ib < b.cnt + 1; ib++) {
                    long rStart = ib > 0 ? b.end(ib - 1) : 0;
                    long rEnd = ib < b.cnt ? b.base[ib] : PHYS_ADDR_MAX;
                    if (le(mEnd, rStart)) break;
                    if (lt(mStart, rEnd)) {
                        if (v.visit(umax(mStart, rStart), umin(mEnd, rEnd), mNid)) return;
                        if (le(mEnd, rEnd)) break;
                    }
                }
            }
        } else {
            int ib = b.cnt;
            for (int ia = a.cnt - 1; ia >= 0; ia--) {
                if (shouldSkipRegion(ia, nid, flags)) continue;
                long mStart = a.base[ia], mEnd = mStart + a.size[ia];
                int mNid = a.nid[ia];
                for (; ib >= 0; ib--) {
                    long rStart = ib > 0 ? b.end(ib - 1) : 0;
                    long rEnd = ib < b.cnt ? b.base[ib] : PHYS_ADDR_MAX;
                    if (le(rEnd, mStart)) break;
                    if (lt(rStart, mEnd)) {
                        if (v.visit(umax(mStart, rStart), umin(mEnd, rEnd), mNid)) return;
                        if (le(rStart, mStart)) break;
                    }
                }
            }
        }
    }

    @Override
    public List<Range> freeRanges(int nid, int flags, boolean reverse) {
        List<Range> out = new ArrayList<>();
        forEachFreeRange(nid, flags, reverse, (s, e, n) -> {
            out.add(new Range(s, e, n));
            return false;
        });
        return out;
    }

    @Override
    public List<PfnRange> memPfnRanges(int nid) {
        List<PfnRange> out = new ArrayList<>();
        for (int i = 0; i < memory.cnt; i++) {
            long spfn = Mm.pfnUp(memory.base[i]);
            long epfn = Mm.pfnDown(memory.end(i));
            if (Long.compareUnsigned(spfn, epfn) >= 0) continue;
            if (nid == Mm.MAX_NUMNODES || memory.nid[i] == nid) out.add(new PfnRange(spfn, epfn, memory.nid[i]));
        }
        return out;
    }

    // ------------------------------------------------------------------ allocation

    /** memblock_find_in_range_node. */
    @Override
    public long findInRangeNode(long size, long align, long start, long end, int nid, int flags) {
        if (end == ALLOC_ACCESSIBLE || end == ALLOC_NOLEAKTRACE) end = currentLimit;
        start = umax(start, Mm.PAGE_SIZE);
        end = umax(start, end);
        final long s = start, e = end;
        long[] found = {0};
        if (bottomUp) {
            forEachFreeRange(nid, flags, false, (ts, te, n) -> {
                ts = clamp(ts, s, e);
                te = clamp(te, s, e);
                long cand = roundUp(ts, align);
                if (lt(cand, te) && le(size, te - cand)) {
                    found[0] = cand;
                    return true;
                }
                return false;
            });
        } else {
            forEachFreeRange(nid, flags, true, (ts, te, n) -> {
                ts = clamp(ts, s, e);
                te = clamp(te, s, e);
                if (lt(te, size)) return false;
                long cand = roundDown(te - size, align);
                if (le(ts, cand)) {
                    found[0] = cand;
                    return true;
                }
                return false;
            });
        }
        return found[0];
    }

    /** memblock_find_in_range: any node, mirror first if the system has some. */
    private long findInRange(long start, long end, long size, long align) {
        int flags = chooseMemblockFlags();
        while (true) {
            long ret = findInRangeNode(size, align, start, end, Mm.NUMA_NO_NODE, flags);
            if (ret == 0 && (flags & FLAG_MIRROR) != 0) {
                warn("Could not allocate " + pa(size) + " bytes of mirrored memory");
                flags &= ~FLAG_MIRROR;
                continue;
            }
            return ret;
        }
    }

    private boolean reserveForAlloc(long found, long size) {
        dbgRange("memblock_reserve", found, size, ALLOC_RESERVE_CALLER);
        boolean ok = addRange(reserved, found, size, Mm.MAX_NUMNODES, 0) == 0;
        if (ok && size != 0) reservationLog.add(new Reservation(found, size, lastCaller == null ? defaultCaller : lastCaller));
        return ok;
    }

    /**
     * memblock_alloc_range_nid: find in [start, end) on nid (then any node unless exactNid; then without MIRROR),
     * reserve and return the physical address, or 0. Not logged by itself (its reservation is, with the caller
     * {@link #ALLOC_RESERVE_CALLER}); a pending {@link #caller(String)} is consumed.
     */
    public long allocRangeNid(long size, long align, long start, long end, int nid, boolean exactNid) {
        takeCaller();
        return allocRangeNidInternal(size, align, start, end, nid, exactNid);
    }

    private long allocRangeNidInternal(long size, long align, long start, long end, int nid, boolean exactNid) {
        int flags = chooseMemblockFlags();
        if (nid == Mm.MAX_NUMNODES) nid = Mm.NUMA_NO_NODE; // WARN_ONCE
        if (align == 0) align = smpCacheBytes; // dump_stack()
        while (true) {
            long found = findInRangeNode(size, align, start, end, nid, flags);
            if (found != 0 && reserveForAlloc(found, size)) return found;
            if (nid != Mm.NUMA_NO_NODE && !exactNid) {
                found = findInRangeNode(size, align, start, end, Mm.NUMA_NO_NODE, flags);
                if (found != 0 && reserveForAlloc(found, size)) return found;
            }
            if ((flags & FLAG_MIRROR) != 0) {
                flags &= ~FLAG_MIRROR;
                warn("Could not allocate " + pa(size) + " bytes of mirrored memory");
                continue;
            }
            return 0;
        }
    }

    /** memblock_alloc_internal: cap max to current_limit; if it fails and min != 0, retry with min 0. */
    private long allocInternal(long size, long align, long minAddr, long maxAddr, int nid, boolean exactNid) {
        if (lt(currentLimit, maxAddr)) maxAddr = currentLimit;
        long alloc = allocRangeNidInternal(size, align, minAddr, maxAddr, nid, exactNid);
        if (alloc == 0 && minAddr != 0) alloc = allocRangeNidInternal(size, align, 0, maxAddr, nid, exactNid);
        return alloc;
    }

    private void dbgAlloc(String func, long size, long align, Integer nid, long from, long max, String caller) {
        if (!dbgOn()) return;
        dbg(func + ": " + Long.toUnsignedString(size) + " bytes align=0x" + Long.toHexString(align)
                + (nid != null ? " nid=" + nid : "") + " from=" + pa(from) + " max_addr=" + pa(max) + " " + caller);
    }

    @Override
    public long physAllocRange(long size, long align, long start, long end) {
        dbgAlloc("memblock_phys_alloc_range", size, align, null, start, end, takeCaller());
        return allocRangeNidInternal(size, align, start, end, Mm.NUMA_NO_NODE, false);
    }

    @Override
    public long physAlloc(long size, long align) {
        return physAllocRange(size, align, 0, ALLOC_ACCESSIBLE);
    }

    @Override
    public long physAllocTryNid(long size, long align, int nid) {
        takeCaller(); // memblock_phys_alloc_try_nid prints nothing
        return allocRangeNidInternal(size, align, 0, ALLOC_ACCESSIBLE, nid, false);
    }

    @Override
    public long allocTryNid(long size, long align, long minAddr, long maxAddr, int nid) {
        dbgAlloc("memblock_alloc_try_nid", size, align, nid, minAddr, maxAddr, takeCaller());
        return allocInternal(size, align, minAddr, maxAddr, nid, false);
    }

    @Override
    public long allocTryNidRaw(long size, long align, long minAddr, long maxAddr, int nid) {
        dbgAlloc("memblock_alloc_try_nid_raw", size, align, nid, minAddr, maxAddr, takeCaller());
        return allocInternal(size, align, minAddr, maxAddr, nid, false);
    }

    @Override
    public long allocExactNidRaw(long size, long align, long minAddr, long maxAddr, int nid) {
        dbgAlloc("memblock_alloc_exact_nid_raw", size, align, nid, minAddr, maxAddr, takeCaller());
        return allocInternal(size, align, minAddr, maxAddr, nid, true);
    }

    @Override
    public long alloc(long size, long align) {
        return allocTryNid(size, align, 0, ALLOC_ACCESSIBLE, Mm.NUMA_NO_NODE);
    }

    @Override
    public long allocRaw(long size, long align) {
        return allocTryNidRaw(size, align, 0, ALLOC_ACCESSIBLE, Mm.NUMA_NO_NODE);
    }

    @Override
    public long allocFrom(long size, long align, long minAddr) {
        return allocTryNid(size, align, minAddr, ALLOC_ACCESSIBLE, Mm.NUMA_NO_NODE);
    }

    @Override
    public long allocLow(long size, long align) {
        return allocTryNid(size, align, 0, ARCH_LOW_ADDRESS_LIMIT, Mm.NUMA_NO_NODE);
    }

    @Override
    public long allocNode(long size, long align, int nid) {
        return allocTryNid(size, align, 0, ALLOC_ACCESSIBLE, nid);
    }

    // ------------------------------------------------------------------ queries

    private static List<Region> realRegions(Type t) {
        if (t.empty()) return Collections.emptyList();
        List<Region> out = new ArrayList<>(t.cnt);
        for (int i = 0; i < t.cnt; i++) out.add(t.region(i));
        return Collections.unmodifiableList(out);
    }

    @Override
    public List<Region> memory() {
        return realRegions(memory);
    }

    @Override
    public List<Region> reserved() {
        return realRegions(reserved);
    }

    /** The kernel's view of an array: {@code cnt} entries, the dummy included when empty. */
    public List<Region> rawRegions(boolean reservedType) {
        Type t = type(reservedType);
        List<Region> out = new ArrayList<>(t.cnt);
        for (int i = 0; i < t.cnt; i++) out.add(t.region(i));
        return Collections.unmodifiableList(out);
    }

    /** The kernel's {@code cnt}: 1 for an empty array (dummy entry, 6.6). */
    public int cnt(boolean reservedType) {
        return type(reservedType).cnt;
    }

    /** The kernel's {@code total_size} of either array. */
    public long totalSize(boolean reservedType) {
        return type(reservedType).totalSize;
    }

    /** Physical address of the array (0 while it is the static initial array). */
    public long arrayAddr(boolean reservedType) {
        return type(reservedType).arrayAddr;
    }

    @Override
    public int memoryMax() {
        return memory.max;
    }

    @Override
    public int reservedMax() {
        return reserved.max;
    }

    @Override
    public long phys_mem_size() {
        return memory.totalSize;
    }

    @Override
    public long reserved_size() {
        return reserved.totalSize;
    }

    @Override
    public long startOfDram() {
        return memory.base[0];
    }

    @Override
    public long endOfDram() {
        int idx = memory.cnt - 1;
        return memory.base[idx] + memory.size[idx];
    }

    @Override
    public boolean isMemory(long addr) {
        return memory.search(addr) != -1;
    }

    @Override
    public boolean isReserved(long addr) {
        return reserved.search(addr) != -1;
    }

    @Override
    public boolean isRegionMemory(long base, long size) {
        int idx = memory.search(base);
        long end = base + capSize(base, size);
        if (idx == -1) return false;
        return le(memory.base[idx], base) && le(end, memory.end(idx));
    }

    /** memblock_overlaps_region(&reserved, base, size): any overlap. */
    @Override
    public boolean isRegionReserved(long base, long size) {
        size = capSize(base, size);
        long end = base + size;
        // first region whose end is above base (regions are sorted and disjoint, so ends are sorted too)
        int lo = 0, hi = reserved.cnt;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (le(reserved.end(mid), base)) lo = mid + 1;
            else hi = mid;
        }
        for (int i = lo; i < reserved.cnt; i++) {
            if (le(end, reserved.base[i])) return false;
            // memblock_addrs_overlap(base, size, rbase, rsize)
            if (lt(base, reserved.end(i)) && lt(reserved.base[i], end)) return true;
        }
        return false;
    }

    @Override
    public int searchPfnNid(long pfn) {
        int mid = memory.search(Mm.pfnPhys(pfn));
        return mid == -1 ? Mm.NUMA_NO_NODE : memory.nid[mid];
    }

    // ------------------------------------------------------------------ dumps

    private static void dumpType(StringBuilder sb, Type t) {
        sb.append(' ').append(t.name).append(".cnt  = 0x").append(Integer.toHexString(t.cnt)).append('\n');
        for (int i = 0; i < t.cnt; i++) {
            long base = t.base[i], size = t.size[i];
            long end = base + size - 1;
            sb.append(' ').append(t.name).append("[0x").append(Integer.toHexString(i)).append("]\t[")
                    .append(pa(base)).append('-').append(pa(end)).append("], ").append(pa(size)).append(" bytes");
            if (t.nid[i] != Mm.MAX_NUMNODES) sb.append(" on node ").append(t.nid[i]);
            sb.append(" flags: 0x").append(Integer.toHexString(t.flags[i])).append('\n');
        }
    }

    /** __memblock_dump_all as text, one pr_info line per line, each ending in '\n'. Never logs. */
    @Override
    public String dumpAll() {
        StringBuilder sb = new StringBuilder();
        sb.append("MEMBLOCK configuration:\n");
        sb.append(" memory size = ").append(pa(memory.totalSize)).append(" reserved size = ")
                .append(pa(reserved.totalSize)).append('\n');
        dumpType(sb, memory);
        dumpType(sb, reserved);
        return sb.toString();
    }

    /** memblock_dump_all(): with memblock=debug, passes every {@link #dumpAll()} line to the debug sink. */
    public void dumpAllIfDebug() {
        if (!debug || debugSink == null) return;
        for (String line : dumpAll().split("\n")) debugSink.accept(line);
    }

    @Override
    public String debugfs(boolean reservedType) {
        Type t = type(reservedType);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < t.cnt; i++) {
            long end = t.base[i] + t.size[i] - 1;
            sb.append(String.format("%4d: ", i)).append(pa(t.base[i])).append("..").append(pa(end)).append(' ');
            if (t.nid[i] != Mm.MAX_NUMNODES) sb.append(String.format("%4d ", t.nid[i]));
            else sb.append("   x ");
            int f = t.flags[i];
            if (f != 0) {
                String name = "UNKNOWN";
                for (int j = 0; j < FLAG_NAMES.length; j++) {
                    if ((f & (1 << j)) != 0) {
                        name = FLAG_NAMES[j];
                        break;
                    }
                }
                sb.append(name).append('\n');
            } else {
                sb.append("NONE\n");
            }
        }
        return sb.toString();
    }
}
