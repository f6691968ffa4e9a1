package mm.reporting.internal;

import mm.core.hook.BootPhaseListener;
import mm.core.hook.FreeListHook;
import mm.core.hook.FreeListTakeHook;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/** Hooks registered as whiteboard services; mm.core's MemoryModel binds them (and republishes its hook arrays). */
final class OsgiHooks implements Hooks {
    private final BundleContext ctx;

    OsgiHooks(BundleContext ctx) {
        this.ctx = ctx;
    }

    private static AutoCloseable closer(ServiceRegistration<?> r) {
        return () -> {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle is stopping: the framework unregistered it
            }
        };
    }

    @Override
    public AutoCloseable addFreeListHook(FreeListHook h) {
        return closer(ctx.registerService(FreeListHook.class, h, null));
    }

    @Override
    public AutoCloseable addTakeHook(FreeListTakeHook h) {
        return closer(ctx.registerService(FreeListTakeHook.class, h, null));
    }

    AutoCloseable addBootListener(BootPhaseListener l) {
        return closer(ctx.registerService(BootPhaseListener.class, l, null));
    }
}
