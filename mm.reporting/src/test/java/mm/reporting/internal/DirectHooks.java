package mm.reporting.internal;

import mm.core.hook.FreeListHook;
import mm.core.hook.FreeListTakeHook;
import mm.core.internal.mm.MemoryModelImpl;

/** Hooks bound straight into MemoryModelImpl, as DS would. */
final class DirectHooks implements Hooks {
    private final MemoryModelImpl model;

    DirectHooks(MemoryModelImpl model) {
        this.model = model;
    }

    @Override
    public AutoCloseable addFreeListHook(FreeListHook h) {
        model.addFreeListHook(h);
        return () -> model.removeFreeListHook(h);
    }

    @Override
    public AutoCloseable addTakeHook(FreeListTakeHook h) {
        model.addTakeHook(h);
        return () -> model.removeTakeHook(h);
    }
}
