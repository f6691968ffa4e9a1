package mm.pageext.internal;

import java.util.ArrayList;
import java.util.List;
import mm.core.api.DeferredInitVariants;
import mm.core.api.MemoryModel.BootResult;
import mm.core.hook.BootContext;
import mm.core.hook.BootPhase;
import mm.core.hook.BootPhaseListener;
import mm.core.internal.deferred.DeferredInits;
import mm.core.internal.mm.MemoryModelImpl;
import mm.machine.api.Machine;
import mm.machine.internal.MachineServiceImpl;
import mm.pageext.api.PageExt;
import mm.pageext.api.PageExtClient;
import mm.pageext.api.PageExtInit;
import mm.pageext.api.PageExtInitContext;
import mm.variant.internal.StandaloneVariants;

/** mm.core and page_ext wired by hand (as DS does in the framework), with test clients instead of page_owner. */
final class ExtRig {
    final StandaloneVariants variants = new StandaloneVariants();
    final MemoryModelImpl model = new MemoryModelImpl(variants);
    final PageExtCore core = new PageExtCore(model, variants);
    final MachineServiceImpl machines = new MachineServiceImpl();

    ExtRig() {
        DeferredInits.register(variants::register);
        PageExtVariants.register(variants::register);
        model.addPhaseListener(core);
        model.addInitHook(core);
    }

    BootResult boot(Machine m, String pageExt, String deferred) {
        variants.select(PageExtInit.SUBSYSTEM, pageExt);
        variants.select(DeferredInitVariants.SUBSYSTEM, deferred);
        return model.boot(m);
    }

    Machine machine(String name) throws Exception {
        return machines.load(java.nio.file.Path.of(name));
    }

    static List<String> lines(BootResult r) {
        return r.log().stream().map(l -> l.substring(l.indexOf("] ") + 2)).toList();
    }

    /** A page_ext client that records what page_ext did with it. */
    static final class Client implements PageExtClient {
        final String name;
        final int size;
        final boolean flags;
        final int rank;
        volatile boolean need = true;
        final List<Integer> offsets = new ArrayList<>();
        final List<PageExtInitContext> contexts = new ArrayList<>();
        int resets;

        Client(String name, int size, boolean flags, int rank) {
            this.name = name;
            this.size = size;
            this.flags = flags;
            this.rank = rank;
        }

        @Override public String name() { return name; }
        @Override public boolean need(Machine machine) { return need; }
        @Override public int size() { return size; }
        @Override public boolean needSharedFlags() { return flags; }
        @Override public int rank() { return rank; }
        @Override public void reset() { resets++; offsets.clear(); contexts.clear(); }
        @Override public void init(PageExt ext, int offset, PageExtInitContext ctx) {
            offsets.add(offset);
            contexts.add(ctx);
        }
    }

    /** A phase listener running a check at one phase (registered after page_ext, so it sees page_ext's work). */
    static BootPhaseListener at(BootPhase phase, java.util.function.Consumer<BootContext> check) {
        return (p, ctx) -> { if (p == phase) check.accept(ctx); };
    }
}
