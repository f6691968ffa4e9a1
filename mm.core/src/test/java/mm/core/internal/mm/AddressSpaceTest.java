package mm.core.internal.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import mm.machine.api.Machine;
import mm.machine.internal.MachineServiceImpl;
import org.junit.jupiter.api.Test;

/**
 * The work of a boot is bounded by what is present: a reservation that runs to the end of the physical address
 * space (2^52) boots like any other.
 */
class AddressSpaceTest {
    @Test
    void aReservationToTheEndOfTheAddressSpaceWalksOnlyPresentSections() throws Exception {
        String text = MachineServiceImpl.builtinText("tiny").orElseThrow()
                + "reserve far 0xf000000-0xfffffffffffff\n";
        Machine machine = new MachineServiceImpl().parse("tiny-far", text);
        MemoryModelImpl m = ManyCpusAndNodesTest.model();
        m.boot(machine);
        // the part of the reservation inside memory is PG_reserved, like any reservation
        assertEquals(mm.core.api.PageState.RESERVED, m.page(0xf000).pageState());
        assertEquals(List.of(), m.check());
    }
}
