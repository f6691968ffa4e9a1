package mm.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import mm.core.api.ZoneType;
import mm.core.hook.BootPhase;
import mm.machine.internal.MachineServiceImpl;
import org.junit.jupiter.api.Test;

/** The boot's progress line: the step from the boot phases, the share of struct pages initialised. */
class BootProgressTest {
    @Test
    void theLineShowsTheStepAfterTheLastPhaseAndThePagesInitialised() {
        BootProgress p = new BootProgress(true);
        p.onPhase(BootPhase.MID_ALLOCATIONS, null);
        p.onPagesInitialised(0, ZoneType.NORMAL, 0, 3000);
        p.onPagesInitialised(1, ZoneType.NORMAL, 10_000, 11_000);
        assertEquals("booting xeon: deferred struct page init, 40% of struct pages initialised",
                p.currentLine("xeon", 10_000));
        p.onPhase(BootPhase.PAGE_ALLOC_INIT_LATE, null);
        p.onPagesInitialised(0, ZoneType.NORMAL, 3000, 10_000);
        assertEquals("booting xeon: page_ext_init, 99% of struct pages initialised", p.currentLine("xeon", 10_000),
                "never 100% before the boot is over");
    }

    @Test
    void aCommandThatBootsSeveralTimesReadsTheStatusOfTheBootRunningNow() throws Exception {
        BootProgress p = new BootProgress(false);
        assertEquals("", p.bootStatus(), "no boot yet");
        mm.machine.api.Machine tiny = new MachineServiceImpl().builtin("tiny").orElseThrow();
        long ram = BootProgress.ramPages(tiny);
        mm.core.hook.BootContext ctx = (mm.core.hook.BootContext) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {mm.core.hook.BootContext.class},
                (proxy, method, args) -> method.getName().equals("machine") ? tiny : null);
        p.onPhase(BootPhase.SETUP_ARCH, ctx);
        p.onPagesInitialised(0, ZoneType.NORMAL, 0, ram / 2 + 1);
        assertEquals("free_area_init, 50% of struct pages initialised", p.bootStatus());
        assertEquals("x", p.during(() -> "never drawn", false, () -> "x"), "off and not forced: the work just runs");
    }

    @Test
    void offItDrawsNothing() throws Exception {
        BootProgress p = new BootProgress(false);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String r = p.during(new MachineServiceImpl().builtin("tiny").orElseThrow(), false, new PrintStream(err, true, StandardCharsets.UTF_8), () -> "booted");
        assertEquals("booted", r);
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }
}
