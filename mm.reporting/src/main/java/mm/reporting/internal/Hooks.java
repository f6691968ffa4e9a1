package mm.reporting.internal;

import mm.core.hook.FreeListHook;
import mm.core.hook.FreeListTakeHook;

/**
 * Registers mm.core whiteboard hooks on demand (so a stopped strategy costs the allocator nothing): as OSGi services
 * in the framework, directly on MemoryModelImpl in unit tests and benchmarks.
 */
public interface Hooks {
    AutoCloseable addFreeListHook(FreeListHook h);

    AutoCloseable addTakeHook(FreeListTakeHook h);
}
