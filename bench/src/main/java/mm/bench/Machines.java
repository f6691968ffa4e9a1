package mm.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import mm.core.api.DeferredInitVariants;
import mm.core.api.MemmapVariants;
import mm.core.internal.deferred.DeferredInits;
import mm.core.internal.mm.MemoryModelImpl;
import mm.machine.api.BootOptions;
import mm.machine.api.BootWorkload;
import mm.machine.api.E820Range;
import mm.machine.api.E820Type;
import mm.machine.api.KernelImage;
import mm.machine.api.Machine;
import mm.machine.api.NumaNode;
import mm.machine.api.Reservation;
import mm.pageext.internal.PageExtCore;
import mm.pageowner.internal.PageOwnerImpl;
import mm.variant.internal.StandaloneVariants;

/** Machines of any size for the benchmarks: nodes of {@code gibPerNode}, x86 low-memory layout, PCI hole. */
public final class Machines {
    private Machines() {}

    static final long M = 1L << 20, G = 1L << 30;

    public static Machine x86(int nodes, long gibPerNode, boolean deferred, Map<String, Double> timing) {
        List<E820Range> e820 = new ArrayList<>();
        List<NumaNode> nn = new ArrayList<>();
        e820.add(new E820Range(0, 0x9fc00, E820Type.USABLE));
        e820.add(new E820Range(0x9fc00, 0xa0000, E820Type.RESERVED));
        e820.add(new E820Range(0xf0000, 0x100000, E820Type.RESERVED));
        long low = Math.min(gibPerNode * G, 3 * G);
        e820.add(new E820Range(0x100000, low, E820Type.USABLE));
        long rest = gibPerNode * G - low;
        long cursor = 4 * G;
        List<long[]> n0 = new ArrayList<>();
        n0.add(new long[] {0, low});
        if (rest > 0) {
            e820.add(new E820Range(cursor, cursor + rest, E820Type.USABLE));
            n0.add(new long[] {cursor, cursor + rest});
            cursor += rest;
        }
        nn.add(new NumaNode(0, 4, n0));
        for (int i = 1; i < nodes; i++) {
            e820.add(new E820Range(cursor, cursor + gibPerNode * G, E820Type.USABLE));
            nn.add(new NumaNode(i, 4, List.<long[]>of(new long[] {cursor, cursor + gibPerNode * G})));
            cursor += gibPerNode * G;
        }
        int[][] dist = new int[nodes][nodes];
        for (int a = 0; a < nodes; a++) for (int b = 0; b < nodes; b++) dist[a][b] = a == b ? 10 : 21;
        return new Machine("bench-" + nodes + "x" + gibPerNode + "g", "bench", nn, dist, e820, List.of(),
                List.of(new Reservation("kernel image", 16 * M, 40 * M)), List.of(), List.of(),
                BootOptions.defaults().withDeferred(deferred), BootWorkload.defaults(), KernelImage.defaults(), timing);
    }

    /** The memmap storage variant benchmarks use: {@code -Dmm.memmap=dense|compact}, compact by default. */
    static String memmapVariant() { return System.getProperty("mm.memmap", MemmapVariants.COMPACT); }

    /**
     * A model without a framework, with mm.core's deferred-init variants and {@code deferredInit} selected, and the
     * memmap storage of {@code -Dmm.memmap=dense|compact} (default compact).
     */
    static MemoryModelImpl model(String deferredInit) {
        StandaloneVariants variants = new StandaloneVariants();
        DeferredInits.register(variants::register);
        variants.select(DeferredInitVariants.SUBSYSTEM, deferredInit);
        variants.select(MemmapVariants.SUBSYSTEM, memmapVariant());
        return new MemoryModelImpl(variants);
    }

    /**
     * A machine for the bench programs: a shape {@code NxG} (N nodes of G GiB each, deferred init on), a shipped
     * machine's name ({@code tiny-2node}, {@code xeon-2x384g}...) or a machine file.
     *
     * @throws IllegalArgumentException naming what was given and what is accepted
     */
    /** page_ext with page_owner as its client, wired into {@code model} by hand as their components are in OSGi. */
    record PageOwnerRig(PageExtCore ext, PageOwnerImpl owner) {}

    static PageOwnerRig pageOwner(MemoryModelImpl model, StandaloneVariants variants) {
        PageExtCore ext = new PageExtCore(model, variants);
        PageOwnerImpl owner = new PageOwnerImpl(ext, model);
        ext.addClient(owner);
        model.addPhaseListener(ext);
        model.addInitHook(ext);
        model.addAllocHook(owner);
        model.addSplitHook(owner);
        return new PageOwnerRig(ext, owner);
    }

    static Machine machine(String spec) {
        if (spec.matches("[0-9]+x[0-9]+")) {
            String[] p = spec.split("x");
            try {
                return x86(Integer.parseInt(p[0]), Long.parseLong(p[1]), true, Map.of());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("machine shape '" + spec + "': numbers too large");
            }
        }
        try {
            var svc = new mm.machine.internal.MachineServiceImpl();
            var builtin = svc.builtin(spec);
            if (builtin.isPresent()) return builtin.get();
            if (java.nio.file.Files.isRegularFile(java.nio.file.Path.of(spec))) return svc.load(java.nio.file.Path.of(spec));
        } catch (mm.machine.api.MachineFormatException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        throw new IllegalArgumentException("no machine '" + spec + "': give NxG (N nodes of G GiB), a shipped machine ("
                + String.join(", ", new mm.machine.internal.MachineServiceImpl().builtinNames()) + ") or a machine file");
    }

    /** A whole number argument of a bench program, or a usage error naming it. */
    static long number(String[] args, int i, String what, long dflt) {
        if (args.length <= i) return dflt;
        try {
            return Long.parseLong(args[i]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + ": expected a whole number, got '" + args[i] + "'");
        }
    }

    /** Runs a bench program's body; a usage error prints the usage and exits 2. */
    static void run(String usage, String[] args, ThrowingRunnable body) throws Exception {
        if (args.length > 0 && (args[0].equals("-h") || args[0].equals("--help"))) {
            System.out.println(usage);
            return;
        }
        try {
            body.run();
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(usage);
            System.exit(2);
        }
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }
}
