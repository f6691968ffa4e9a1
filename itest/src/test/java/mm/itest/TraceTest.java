package mm.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import mm.core.api.MemoryModel;
import mm.core.hook.MemoryNotifier;
import mm.core.hook.PageAllocHook;
import mm.core.hook.TracepointHook;
import mm.hotplug.api.HotplugResult;
import mm.hotplug.api.MemoryHotplug;
import mm.hotplug.api.OnlineType;
import mm.machine.api.MachineService;
import mm.trace.api.Tracer;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * mm.trace in the framework: the tracer's hooks are whiteboard services of its bundle that exist only while tracing
 * is on (so a model nobody traces binds none), the events reach it through mm.core and mm.hotplug, and mm:trace is a
 * Gogo command with its help group.
 */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class TraceTest {
    @InjectBundleContext
    BundleContext ctx;
    @InjectService(timeout = 60_000)
    Tracer tracer;
    @InjectService(timeout = 60_000)
    MemoryModel model;
    @InjectService(timeout = 60_000)
    MachineService machines;

    @AfterEach
    void off() {
        tracer.stop();
        tracer.setEvents(List.of("*"));
        tracer.clear();
    }

    /** The hook services mm.trace has registered. */
    private int tracerHooks(Class<?> api) throws Exception {
        Bundle mine = Services.bundle(ctx, "mm.trace");
        int n = 0;
        for (ServiceReference<?> r : ctx.getServiceReferences(api, null)) if (r.getBundle() == mine) n++;
        return n;
    }

    @Test
    void hooksExistOnlyWhileTracingAndTheBootIsRecorded() throws Exception {
        assertEquals(0, tracerHooks(PageAllocHook.class) + tracerHooks(TracepointHook.class)
                + tracerHooks(MemoryNotifier.class), "tracing is off: no hook registered");
        tracer.start();
        assertEquals(1, tracerHooks(PageAllocHook.class));
        assertEquals(1, tracerHooks(TracepointHook.class));
        assertEquals(1, tracerHooks(MemoryNotifier.class));
        model.boot(Services.builtin(machines, "tiny"));
        tracer.stop();
        assertEquals(0, tracerHooks(PageAllocHook.class) + tracerHooks(TracepointHook.class)
                + tracerHooks(MemoryNotifier.class));
        long written = tracer.written();
        assertTrue(written > 0);
        model.boot(Services.builtin(machines, "tiny"));
        assertEquals(written, tracer.written(), "a boot while tracing is off records nothing");
        StringBuilder sb = new StringBuilder();
        tracer.print(sb);
        assertTrue(sb.toString().contains(": mm_page_alloc: page="), "mm_page_alloc lines");
        assertTrue(sb.toString().contains(": memblock_reserve: [0x"), "memblock_reserve lines");
        assertEquals(List.of(), model.check());
    }

    /** memory_notify's MEM_ONLINE / MEM_OFFLINE reach the tracer through mm.hotplug. */
    @Test
    void onliningAndOffliningABlockAreTraced(@InjectService(timeout = 60_000) MemoryHotplug hotplug) throws Exception {
        model.boot(Services.builtin(machines, "hotplug-demo"));
        tracer.setEvents(List.of("memory_hotplug"));
        tracer.start();
        assertEquals(0, tracerHooks(PageAllocHook.class) + tracerHooks(TracepointHook.class));
        long start = 4L << 30, size = hotplug.blockSizeBytes();
        hotplug.setAutoOnlineBlocks("offline"); // the reference build onlines at add; this test onlines by hand
        HotplugResult add = hotplug.add(1, start, size);
        assertEquals(0, add.errno(), add::toString);
        HotplugResult on = hotplug.online(start, size, OnlineType.ONLINE_MOVABLE);
        assertEquals(0, on.errno(), on::toString);
        HotplugResult off = hotplug.offline(start, size);
        assertEquals(0, off.errno(), off::toString);
        tracer.stop();
        StringBuilder sb = new StringBuilder();
        tracer.print(sb);
        String pfns = "start_pfn=0x" + Long.toHexString(start >> 12) + " nr_pages=" + (size >> 12);
        assertTrue(sb.toString().contains(": memory_online: nid=1 " + pfns + "\n"), sb::toString);
        assertTrue(sb.toString().contains(": memory_offline: nid=1 " + pfns + "\n"), sb::toString);
        assertEquals(List.of(), model.check());
    }

    /** mm:trace runs in a Gogo session and carries its mm:help group. */
    @Test
    void theCommandRunsInAGogoSession(@InjectService(timeout = 60_000) CommandProcessor gogo) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        CommandSession s = gogo.createSession(new ByteArrayInputStream(new byte[0]), ps, ps);
        try {
            s.execute("mm:trace events kmem:mm_page_alloc");
            s.execute("mm:trace status");
        } finally {
            s.close();
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("* kmem:mm_page_alloc\n  kmem:mm_page_free\n"), text);
        assertTrue(text.contains("tracing: off\nevents: kmem:mm_page_alloc\n"), text);
        boolean grouped = false;
        for (ServiceReference<?> r : ctx.getServiceReferences((String) null, "(osgi.command.function=trace)")) {
            grouped |= "tracing".equals(r.getProperty("mm.help.group"));
        }
        assertTrue(grouped, "mm:trace is listed by mm:help under 'tracing'");
    }
}
