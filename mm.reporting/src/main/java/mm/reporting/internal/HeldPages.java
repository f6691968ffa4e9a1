package mm.reporting.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import mm.core.api.CallStack;
import mm.core.api.MemoryModel;

/**
 * The blocks the guest workloads hold, kept right while memory is offlined under them: offline_pages migrates
 * movable pages, and a workload must then free the block where it now is (the kernel's page tables follow the
 * folio through rmap; here the migration hook moves the workload's record).
 *
 * <p>Two rules make it exact. An allocation and its record are one step a migration cannot fall between (both under
 * the read side of a lock whose write side the migration hook takes), so a migration always finds the record of a
 * block it moves. And while a range is being offlined (memory notifier GOING_OFFLINE until OFFLINE or
 * CANCEL_OFFLINE) a workload does not free a block in it: the migration of that block may already have begun; the
 * workload frees another one, or this one once it has moved.
 */
final class HeldPages {
    /** One held block; {@code pfn} follows migrations. */
    static final class Block {
        volatile long pfn;
        final int order;

        Block(long pfn, int order) {
            this.pfn = pfn;
            this.order = order;
        }
    }

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final ConcurrentHashMap<Long, Block> byPfn = new ConcurrentHashMap<>();
    /** Ranges being offlined, {start, end} pfns; changed under the write lock. */
    private final List<long[]> offlining = new ArrayList<>();

    /** alloc_pages and the record of the block, or null when the allocation failed. */
    Block alloc(MemoryModel model, int order, int gfp, CallStack caller) {
        lock.readLock().lock();
        try {
            long pfn = model.alloc(order, gfp, -1, caller);
            if (pfn < 0) return null;
            Block b = new Block(pfn, order);
            byPfn.put(pfn, b);
            return b;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Frees the block where it is now; false (nothing done) while it lies in a range being offlined. */
    boolean free(MemoryModel model, Block b, CallStack caller) {
        lock.readLock().lock();
        try {
            long pfn = b.pfn;
            for (long[] r : offlining) if (pfn < r[1] && pfn + (1L << b.order) > r[0]) return false;
            byPfn.remove(pfn);
            model.free(pfn, b.order, caller);
            return true;
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Frees every block, waiting for a running offline to move the ones in its range; {@code beforeEach} runs before
     * each free (the workloads' lockstep with the reporting workers).
     */
    void freeAll(MemoryModel model, Collection<Block> blocks, CallStack caller, Runnable beforeEach) {
        List<Block> left = new ArrayList<>(blocks);
        while (!left.isEmpty()) {
            left.removeIf(b -> {
                beforeEach.run();
                return free(model, b, caller);
            });
            if (!left.isEmpty()) java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
    }

    /** After a reboot the blocks belonged to the previous kernel: only the records go. */
    void forget(Collection<Block> blocks) {
        for (Block b : blocks) byPfn.remove(b.pfn, b);
    }

    /** The migration hook: a held block moved. */
    void migrated(long oldPfn, long newPfn) {
        lock.writeLock().lock();
        try {
            Block b = byPfn.remove(oldPfn);
            if (b != null) {
                b.pfn = newPfn;
                byPfn.put(newPfn, b);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** The memory notifier: a range starts or stops being offlined. */
    void offlining(boolean starts, long startPfn, long nrPages) {
        lock.writeLock().lock();
        try {
            if (starts) offlining.add(new long[] {startPfn, startPfn + nrPages});
            else offlining.removeIf(r -> r[0] == startPfn && r[1] == startPfn + nrPages);
        } finally {
            lock.writeLock().unlock();
        }
    }

    int size() { return byPfn.size(); }
}
