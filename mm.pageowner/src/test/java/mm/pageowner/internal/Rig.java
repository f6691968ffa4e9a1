package mm.pageowner.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import mm.machine.api.Machine;
import mm.core.api.MemoryModel.BootResult;
import mm.core.internal.deferred.MultithreadedDeferredInit;
import mm.core.internal.deferred.OffDeferredInit;
import mm.core.internal.deferred.PerNodeDeferredInit;
import mm.core.internal.deferred.TwoPassDeferredInit;
import mm.machine.internal.MachineServiceImpl;
import mm.core.internal.mm.MemoryModelImpl;
import mm.pageext.early.EarlyPageExtInit;
import mm.pageext.internal.LatePageExtInit;
import mm.pageext.internal.OnTouchPageExtInit;
import mm.pageext.internal.PageExtCore;

/**
 * mm.core, page_ext (all three variants) and page_owner wired by hand, as DS wires them in the framework, so tests
 * can boot machines without OSGi. {@link #boot} picks the page-ext and deferred-init variants of one boot.
 */
final class Rig {
    final MemoryModelImpl model = new MemoryModelImpl();
    final PageExtCore ext;
    final PageOwnerImpl owner;
    final MachineServiceImpl machines = new MachineServiceImpl();
    private volatile String pageExtVariant = "late";

    Rig() {
        model.addDeferredInit(new PerNodeDeferredInit());
        model.addDeferredInit(new OffDeferredInit());
        model.addDeferredInit(new TwoPassDeferredInit());
        model.addDeferredInit(new MultithreadedDeferredInit());
        ext = new PageExtCore(model);
        ext.addVariant(new LatePageExtInit(), Map.of("mm.variant.default", "true"));
        ext.addVariant(new OnTouchPageExtInit(), Map.of());
        ext.addVariant(new EarlyPageExtInit(), Map.of());
        ext.setChooser(() -> pageExtVariant);
        owner = new PageOwnerImpl(ext, model);
        ext.addClient(owner);
        model.addPhaseListener(ext);
        model.addInitHook(ext);
        model.addAllocHook(owner);
        model.addSplitHook(owner);
    }

    BootResult boot(Machine m, String pageExt, String deferred) {
        selectForTests(pageExt, deferred);
        return model.boot(m);
    }

    /** What the variant registry does in the framework: the variants of the next boot. */
    void selectForTests(String pageExt, String deferred) {
        pageExtVariant = pageExt;
        model.selectDeferredInit(deferred);
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
