package mm.machine.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import mm.machine.api.BootOptions;
import mm.machine.api.BootWorkload;
import mm.machine.api.E820Range;
import mm.machine.api.E820Type;
import mm.machine.api.HotplugRange;
import mm.machine.api.KernelImage;
import mm.machine.api.LateFree;
import mm.machine.api.Machine;
import mm.machine.api.MemblockOp;
import mm.machine.api.NumaNode;
import mm.machine.api.Reservation;
import mm.machine.api.Sizes;

/** Writes a {@link Machine} in the machine-file format so that parsing the text gives the same machine back. */
final class MachineRenderer {
    private MachineRenderer() {}

    static String render(Machine m) {
        StringBuilder sb = new StringBuilder();
        sb.append("# mmkit machine description (format: docs/machine-format.md)\n");
        sb.append("machine ").append(m.name()).append("\n\n");

        sb.append("# NUMA nodes").append(m.distance() != null ? " and the SLIT distance table (one row per node)" : "")
                .append('\n');
        for (NumaNode n : m.nodes()) sb.append("node ").append(n.id()).append(" cpus ").append(n.cpus()).append('\n');
        if (m.distance() != null) {
            for (int[] row : m.distance()) {
                sb.append("distance");
                for (int d : row) sb.append(' ').append(d);
                sb.append('\n');
            }
        }

        sb.append("\n# e820 map: START-END (END inclusive, as the kernel prints it), type, node of usable memory\n");
        for (E820Range r : m.e820()) {
            sb.append("e820 ").append(Sizes.range(r.start(), r.end())).append(' ')
                    .append(MachineParser.typeWord(r.type()));
            if (r.type() == E820Type.USABLE) {
                List<long[]> pieces = new ArrayList<>();
                List<Integer> owners = new ArrayList<>();
                for (NumaNode n : m.nodes()) {
                    for (long[] nr : n.ranges()) {
                        long s = Math.max(nr[0], r.start()), e = Math.min(nr[1], r.end());
                        if (s < e) {
                            pieces.add(new long[] {s, e});
                            owners.add(n.id());
                        }
                    }
                }
                if (pieces.size() == 1 && pieces.get(0)[0] == r.start() && pieces.get(0)[1] == r.end()) {
                    sb.append(" node ").append(owners.get(0)).append('\n');
                } else {
                    sb.append('\n');
                    List<Integer> order = new ArrayList<>();
                    for (int i = 0; i < pieces.size(); i++) order.add(i);
                    order.sort((a, b) -> Long.compare(pieces.get(a)[0], pieces.get(b)[0]));
                    for (int i : order) {
                        sb.append("memory ").append(Sizes.range(pieces.get(i)[0], pieces.get(i)[1])).append(" node ")
                                .append(owners.get(i)).append('\n');
                    }
                }
            } else {
                sb.append('\n');
            }
        }

        if (!m.hotplug().isEmpty()) {
            sb.append("\n# hotpluggable ranges (SRAT hotplug flag): node, present at boot or not\n");
            for (HotplugRange h : m.hotplug()) {
                sb.append("hotplug ").append(Sizes.range(h.start(), h.end())).append(" node ").append(h.node())
                        .append(h.presentAtBoot() ? " present" : " absent").append('\n');
            }
        }

        if (!m.reservations().isEmpty()) {
            sb.append("\n# reservations made before the page allocator exists\n");
            for (Reservation r : m.reservations()) {
                sb.append("reserve ").append(r.name()).append(' ').append(Sizes.range(r.base(), r.end())).append('\n');
            }
        }

        if (!m.lateFrees().isEmpty()) {
            sb.append("\n# memory handed back to the buddy late in boot\n");
            for (LateFree f : m.lateFrees()) {
                sb.append("latefree ").append(f.name()).append(' ').append(f.kib()).append('K');
                if (f.base() >= 0) sb.append(" at ").append(Sizes.hex(f.base()));
                sb.append('\n');
            }
        }

        KernelImage k = m.kernel();
        sb.append("\n# kernel image sections (the Memory: line)\n");
        sb.append("kernel code ").append(k.codeK()).append("K rwdata ").append(k.rwdataK()).append("K rodata ")
                .append(k.rodataK()).append("K init ").append(k.initK()).append("K bss ").append(k.bssK())
                .append("K\n");

        List<String> config = m.config().statements();
        if (!config.isEmpty()) {
            sb.append("\n# kernel build: version preset and CONFIG_ options on top of it\n");
            for (String c : config) sb.append(c).append('\n');
        }

        BootOptions o = m.options();
        String cmd = o.cmdline();
        sb.append("\n# boot options, in the kernel's spelling\n");
        sb.append(cmd.isEmpty() ? "# (none: the defaults)\n" : "cmdline " + cmd + "\n");

        BootWorkload w = m.workload();
        sb.append("\n# early-boot allocation workload\n");
        sb.append("workload seed ").append(w.seed()).append(" callers ").append(w.callers()).append(" early ")
                .append(w.earlyPages()).append(" mid ").append(w.midPages()).append(" late ").append(w.latePages())
                .append(" orders ");
        int[] ow = w.orderWeights();
        for (int i = 0; i < ow.length; i++) sb.append(i == 0 ? "" : ",").append(ow[i]);
        sb.append('\n');

        if (!m.timing().isEmpty()) {
            sb.append("\n# timing-model parameters (docs/timing-model.md)\n");
            for (Map.Entry<String, Double> e : new TreeMap<>(m.timing()).entrySet()) {
                sb.append("timing ").append(e.getKey()).append(' ').append(number(e.getValue())).append('\n');
            }
        }

        if (!m.memblockOps().isEmpty()) {
            sb.append("\n# memblock operations replayed during setup_arch, in order\n");
            for (MemblockOp op : m.memblockOps()) {
                sb.append("memblock ").append(MachineParser.opWord(op.kind()));
                if (op.kind() == MemblockOp.Kind.DUMP || op.kind() == MemblockOp.Kind.NUMA_INIT) {
                    sb.append('\n');
                    continue;
                }
                sb.append(' ').append(Sizes.range(op.base(), op.base() + op.size()));
                if (op.kind() == MemblockOp.Kind.ALLOC) {
                    sb.append(" function ").append(op.function()).append(" align 0x").append(Long.toHexString(op.align()))
                            .append(" from 0x").append(Long.toHexString(op.from()))
                            .append(" max 0x").append(Long.toHexString(op.max()));
                }
                if (op.nid() != -1 || op.kind() == MemblockOp.Kind.ALLOC && !op.function().startsWith("memblock_phys"))
                    sb.append(" nid ").append(op.nid());
                if (op.caller() != null && !op.caller().isEmpty()) sb.append(" caller ").append(op.caller());
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    /** A double that parses back to the same value: integral values without ".0". */
    static String number(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15 && !(d == 0 && 1 / d < 0)) return Long.toString((long) d);
        return Double.toString(d);
    }
}
