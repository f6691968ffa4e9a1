package mm.machine.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import mm.machine.api.BootOptions;
import mm.machine.api.BootWorkload;
import mm.machine.api.Machine;
import mm.machine.api.NumaNode;

/** Test helpers: deep machine equality (the records hold arrays) and test resources. */
final class Machines {
    private Machines() {}

    /** Every field of the two machines is equal, arrays compared by content. */
    static void assertSameMachine(Machine a, Machine b) {
        assertEquals(a.name(), b.name(), "name");
        assertEquals(a.source(), b.source(), "source");
        assertEquals(a.nodes().size(), b.nodes().size(), "node count");
        for (int i = 0; i < a.nodes().size(); i++) {
            NumaNode x = a.nodes().get(i), y = b.nodes().get(i);
            assertEquals(x.id(), y.id(), "node id");
            assertEquals(x.cpus(), y.cpus(), "cpus of node " + x.id());
            assertEquals(x.ranges().size(), y.ranges().size(), "ranges of node " + x.id());
            for (int j = 0; j < x.ranges().size(); j++) {
                assertArrayEquals(x.ranges().get(j), y.ranges().get(j), "range " + j + " of node " + x.id());
            }
        }
        if (a.distance() == null) assertNull(b.distance(), "distance");
        else {
            assertNotNull(b.distance(), "distance");
            assertEquals(a.distance().length, b.distance().length, "distance rows");
            for (int i = 0; i < a.distance().length; i++) assertArrayEquals(a.distance()[i], b.distance()[i], "distance row " + i);
        }
        assertEquals(a.e820(), b.e820(), "e820");
        assertEquals(a.hotplug(), b.hotplug(), "hotplug");
        assertEquals(a.reservations(), b.reservations(), "reservations");
        assertEquals(a.memblockOps(), b.memblockOps(), "memblock ops");
        assertEquals(a.lateFrees(), b.lateFrees(), "late frees");
        assertEquals(a.config(), b.config(), "kernel build");
        // options made in code have no written command line; after a round trip they have the rendered one
        if (a.options().words().isEmpty()) assertEquals(a.options().cmdline(), b.options().cmdline(), "command line");
        else assertEquals(a.options().words(), b.options().words(), "command line");
        assertEquals(settings(a.options()), settings(b.options()), "options");
        BootWorkload w = a.workload(), v = b.workload();
        assertEquals(w.seed(), v.seed(), "workload seed");
        assertEquals(w.callers(), v.callers(), "workload callers");
        assertEquals(w.earlyPages(), v.earlyPages(), "workload early");
        assertEquals(w.midPages(), v.midPages(), "workload mid");
        assertEquals(w.latePages(), v.latePages(), "workload late");
        assertArrayEquals(w.orderWeights(), v.orderWeights(), "workload order weights");
        assertEquals(a.kernel(), b.kernel(), "kernel image");
        assertEquals(a.timing(), b.timing(), "timing");
    }

    static String resource(String path) {
        try (InputStream in = Machines.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) throw new IllegalArgumentException("no test resource " + path);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The options as settings, without the command line's wording. */
    static BootOptions settings(BootOptions o) {
        return new BootOptions(o.deferredStructPageInit(), o.pageOwner(), o.earlyPageExt(), o.movablecoreBytes(),
                o.movablecorePercent(), o.kernelcoreBytes(), o.kernelcorePercent(), o.memLimit(), o.memblockDebug(),
                o.movableNode(), o.extra());
    }
}
