package mm.pageowner.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import mm.core.api.DeferredInitVariants;
import mm.core.api.MemoryModel.BootResult;
import mm.core.internal.deferred.DeferredInits;
import mm.core.internal.mm.MemoryModelImpl;
import mm.machine.api.Machine;
import mm.machine.internal.MachineServiceImpl;
import mm.pageext.api.PageExtInit;
import mm.pageext.early.EarlyPageExtInit;
import mm.pageext.internal.PageExtCore;
import mm.pageext.internal.PageExtVariants;
import mm.variant.internal.StandaloneVariants;

/**
 * mm.core, page_ext (all three variants) and page_owner wired by hand, as DS wires them in the framework, so tests
 * can boot machines without OSGi. {@link #boot} picks the page-ext and deferred-init variants of one boot.
 */
final class Rig {
    final StandaloneVariants variants = new StandaloneVariants();
    final MemoryModelImpl model = new MemoryModelImpl(variants);
    final PageExtCore ext;
    final PageOwnerImpl owner;
    final MachineServiceImpl machines = new MachineServiceImpl();

    Rig() {
        DeferredInits.register(variants::register);
        PageExtVariants.register(variants::register);
        variants.register(PageExtInit.SUBSYSTEM, PageExtInit.EARLY, false, new EarlyPageExtInit());
        ext = new PageExtCore(model, variants);
        owner = new PageOwnerImpl(ext, model);
        ext.addClient(owner);
        model.addPhaseListener(ext);
        model.addInitHook(ext);
        model.addAllocHook(owner);
        model.addSplitHook(owner);
        model.addMixedBlockCounter(owner);
    }

    BootResult boot(Machine m, String pageExt, String deferred) {
        selectForTests(pageExt, deferred);
        return model.boot(m);
    }

    /** What the variant registry does in the framework: the variants of the next boot. */
    void selectForTests(String pageExt, String deferred) {
        variants.select(PageExtInit.SUBSYSTEM, pageExt);
        variants.select(DeferredInitVariants.SUBSYSTEM, deferred);
    }

    /** A shipped machine (repo machines/, on the class path of mm.core) with page_owner=on. */
    Machine shipped(String name) throws Exception {
        Machine m = machines.load(java.nio.file.Path.of(name));
        return m.withOptions(m.options().withPageOwner(true));
    }

    static String resource(String name) throws IOException {
        try (InputStream in = Rig.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) throw new IOException("no test resource " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    Machine imported(String resource) throws Exception {
        return machines.importDmesgText(resource, resource(resource)).machine();
    }

    /** Log lines without the timestamp. */
    static List<String> lines(BootResult r) {
        return r.log().stream().map(l -> l.substring(l.indexOf("] ") + 2)).toList();
    }
}
