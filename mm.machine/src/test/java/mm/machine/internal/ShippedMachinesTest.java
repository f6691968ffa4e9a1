package mm.machine.internal;

import static mm.machine.internal.Machines.assertSameMachine;
import static mm.machine.internal.Machines.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import mm.machine.api.Machine;
import mm.machine.api.MachineService.ImportResult;
import org.junit.jupiter.api.Test;

/**
 * {@code machines/qemu-2g} is what the importer makes of the reference boot's console log. Regenerate it with
 * {@code mvn -pl mm.machine test -Dtest=ShippedMachinesTest -Dmm.regen=true}.
 */
class ShippedMachinesTest {
    static final Path QEMU_2G = Path.of("../machines/qemu-2g");

    static String generateQemu2g() throws Exception {
        MachineServiceImpl svc = new MachineServiceImpl();
        ImportResult r = svc.importDmesgText("qemu-2g-1node/console.log", resource(DmesgImportTest.FIXTURE));
        Machine m = r.machine();
        Machine named = new Machine("qemu-2g", m.source(), m.nodes(), m.distance(), m.e820(), m.hotplug(),
                m.reservations(), m.memblockOps(), m.lateFrees(), m.options(), m.workload(), m.kernel(), m.timing());
        StringBuilder used = new StringBuilder();
        r.used().forEach((k, v) -> used.append(used.length() == 0 ? "" : ", ").append(k).append(' ').append(v));
        return "# qemu-2g: the reference boot of Linux 6.12.117 under QEMU (-m 2G -smp 2, i440FX, SeaBIOS), booted with\n"
                + "# 'console=ttyS0 page_owner=on memblock=debug loglevel=8 ignore_loglevel nokaslr'.\n"
                + "# GENERATED, do not edit: MachineService.importDmesg of\n"
                + "# mm.core/src/test/resources/refdata/qemu-2g-1node/console.log, renamed to qemu-2g, written with render().\n"
                + "# Regenerate: mvn -pl mm.machine test -Dtest=ShippedMachinesTest -Dmm.regen=true\n"
                + "# Lines used: " + used + "; skipped: " + r.skipped() + ".\n"
                + "# (nokaslr and ignore_loglevel are not machine options and were left out of the command line.)\n"
                + svc.render(named);
    }

    @Test
    void qemu2gIsTheImportOfTheReferenceBoot() throws Exception {
        String expected = generateQemu2g();
        if (Boolean.getBoolean("mm.regen")) Files.writeString(QEMU_2G, expected);
        assertEquals(expected, Files.readString(QEMU_2G),
                "machines/qemu-2g is stale: regenerate with -Dmm.regen=true");
        Machine shipped = new MachineServiceImpl().builtin("qemu-2g").orElseThrow();
        ImportResult r = new MachineServiceImpl().importDmesgText("x", resource(DmesgImportTest.FIXTURE));
        Machine m = r.machine();
        assertSameMachine(new Machine("qemu-2g", "machines/qemu-2g", m.nodes(), m.distance(), m.e820(), m.hotplug(),
                m.reservations(), m.memblockOps(), m.lateFrees(), m.options(), m.workload(), m.kernel(), m.timing()),
                shipped);
        assertTrue(shipped.options().pageOwner() && shipped.options().memblockDebug());
    }
}
