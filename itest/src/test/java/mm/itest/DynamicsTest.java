package mm.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import mm.core.api.MemoryModel;
import mm.machine.api.Machine;
import mm.machine.api.MachineService;
import mm.pageowner.api.PageOwner;
import mm.reporting.api.ReportingService;
import mm.variant.api.VariantService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

/** Optional bundles come and go without breaking the model; Config Admin drives the variant selection. */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class DynamicsTest {
    @InjectBundleContext
    BundleContext ctx;
    @InjectService(timeout = 60_000)
    MemoryModel model;
    @InjectService(timeout = 60_000)
    MachineService machines;
    @InjectService(timeout = 60_000)
    VariantService variants;

    /** Stopping an optional bundle withdraws its service; the model still boots and checks; starting it restores it. */
    @ParameterizedTest
    @ValueSource(strings = {"mm.reporting", "mm.pageowner"})
    void optionalBundleStopsAndStartsAgain(String bsn) throws Exception {
        Class<?> api = bsn.equals("mm.reporting") ? ReportingService.class : PageOwner.class;
        Bundle b = Services.bundle(ctx, bsn);
        assertEquals(1, ctx.getServiceReferences(api, null).size(), api.getSimpleName() + " before stop");
        b.stop();
        try {
            // a stopped bundle's services are unregistered before stop() returns (OSGi core, 4.4.11)
            assertEquals(0, ctx.getServiceReferences(api, null).size(), api.getSimpleName() + " after stop");
            model.boot(Services.builtin(machines, "tiny"));
            assertTrue(model.booted());
            assertEquals(List.of(), model.check(), "invariant violations after boot without " + bsn);
        } finally {
            b.start();
        }
        // immediate DS components of a started bundle may be registered asynchronously: wait for the service
        assertTrue(await(Duration.ofMinutes(2), () -> ctx.getServiceReferences(api, null).size() == 1),
                api.getSimpleName() + " registered again within 2 minutes of starting " + bsn);
        model.boot(Services.builtin(machines, "tiny"));
        assertEquals(List.of(), model.check(), "invariant violations after boot with " + bsn + " back");
    }

    /**
     * pagetypeinfo's "Number of mixed blocks" comes from page_owner's MixedBlockCounter service: printed on a
     * page_owner=on boot while mm.pageowner runs, absent (as with page_owner off) while it is stopped.
     */
    @Test
    void pagetypeinfoHasMixedBlocksWhilePageOwnerRuns() throws Exception {
        Machine tiny = Services.builtin(machines, "tiny");
        Machine m = tiny.withOptions(tiny.options().withPageOwner(true));
        model.boot(m);
        assertTrue(model.pagetypeinfo().text().contains("\nNumber of mixed blocks "), model.pagetypeinfo().text());
        assertTrue(model.pagetypeinfo().data().containsKey("mixed_blocks"));
        Bundle b = Services.bundle(ctx, "mm.pageowner");
        b.stop();
        try {
            model.boot(m);
            assertFalse(model.pagetypeinfo().text().contains("Number of mixed blocks"));
            assertEquals(List.of(), model.check(), "invariant violations after a boot without page_owner");
        } finally {
            b.start();
        }
        assertTrue(await(Duration.ofMinutes(2), () -> ctx.getServiceReferences(PageOwner.class, null).size() == 1));
        model.boot(m);
        assertTrue(model.pagetypeinfo().text().contains("\nNumber of mixed blocks "));
        assertEquals(List.of(), model.check());
    }

    /** A Config Admin update of mm.variant (what a profile's config line does) changes the active variant. */
    @Test
    void configAdminUpdateSelectsTheVariant(@InjectService(timeout = 60_000) ConfigurationAdmin cm) throws Exception {
        assertEquals("late", variants.active("page-ext"));
        Configuration c = cm.getConfiguration(VariantService.PID, "?");
        Dictionary<String, Object> props = c.getProperties() == null ? new Hashtable<>() : c.getProperties();
        props.put("page-ext", "on-touch");
        c.update(props);
        try {
            // Config Admin delivers the update on its own thread: wait (bounded) for the registry to apply it
            assertTrue(await(Duration.ofMinutes(2), () -> "on-touch".equals(variants.active("page-ext"))),
                    "active page-ext variant became on-touch within 2 minutes; it is " + variants.active("page-ext"));
            model.boot(Services.builtin(machines, "tiny"));
            assertEquals(List.of(), model.check(), "invariant violations after boot with page-ext=on-touch");
        } finally {
            variants.select("page-ext", "late");
        }
        assertEquals("late", variants.active("page-ext"));
    }

    interface Check {
        boolean holds() throws Exception;
    }

    /** Polls {@code check} every 20 ms until it holds or {@code bound} has passed; true when it held. */
    static boolean await(Duration bound, Check check) throws Exception {
        long end = System.nanoTime() + bound.toNanos();
        while (!check.holds()) {
            if (System.nanoTime() - end > 0) return false;
            Thread.sleep(20);
        }
        return true;
    }
}
