package mm.itest;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import mm.machine.api.Machine;
import mm.machine.api.MachineService;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/** Small helpers shared by the in-framework tests. */
final class Services {
    private Services() {}

    /** The bundle with symbolic name {@code bsn}; fails the test when it is not installed. */
    static Bundle bundle(BundleContext ctx, String bsn) {
        for (Bundle b : ctx.getBundles()) if (bsn.equals(b.getSymbolicName())) return b;
        throw new AssertionError("bundle " + bsn + " is not installed");
    }

    /** The built-in machine {@code name} (machines/NAME, shipped in mm.machine). */
    static Machine builtin(MachineService machines, String name) throws Exception {
        Machine m = machines.builtin(name).orElse(null);
        assertNotNull(m, "mm.machine ships no machine '" + name + "' (has " + machines.builtinNames() + ")");
        return m;
    }
}
