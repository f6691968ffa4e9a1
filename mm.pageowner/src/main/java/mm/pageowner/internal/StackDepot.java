package mm.pageowner.internal;

import java.util.ArrayList;
import java.util.List;
import mm.core.api.CallStack;

/**
 * The stack depot: one handle per distinct stack (stack_depot_save deduplicates by hash; CallStacks are interned, so
 * their id is the hash). Saving a known stack is an array read, the hot path of every allocation with page_owner on.
 * Handles start at 1; 0 means "no stack".
 */
final class StackDepot {
    private volatile int[] handleById = new int[1024];
    private final List<CallStack> stacks = new ArrayList<>();

    int save(CallStack s) {
        int id = s.id();
        int[] h = handleById;
        if (id < h.length) {
            int x = h[id];
            if (x != 0) return x;
        }
        return saveSlow(s);
    }

    private synchronized int saveSlow(CallStack s) {
        int id = s.id();
        int[] h = handleById;
        if (id < h.length && h[id] != 0) return h[id];
        if (id >= h.length) {
            int[] n = new int[Math.max(id + 1, h.length * 2)];
            System.arraycopy(h, 0, n, 0, h.length);
            h = n;
        }
        stacks.add(s);
        h[id] = stacks.size();
        handleById = h;
        return stacks.size();
    }

    synchronized CallStack get(int handle) {
        return handle <= 0 || handle > stacks.size() ? null : stacks.get(handle - 1);
    }

    synchronized int size() { return stacks.size(); }
}
