package mm.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.List;
import java.util.Map;
import mm.core.api.MemoryModel;
import mm.hotplug.api.MemoryHotplug;
import mm.machine.api.MachineService;
import mm.pageowner.api.PageOwner;
import mm.reporting.api.ReportingService;
import mm.variant.api.VariantService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.BundleContext;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

/** What a user of the full profile relies on: each public service exactly once, and the known variants. */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class WiringTest {
    @InjectBundleContext
    BundleContext ctx;

    @Test
    void eachPublicServiceIsRegisteredOnce(@InjectService(timeout = 60_000) VariantService variants) throws Exception {
        assertNotNull(variants); // the registry is up: every service below is registered by an immediate component
        for (Class<?> api : List.of(MemoryModel.class, MachineService.class, VariantService.class, PageOwner.class,
                MemoryHotplug.class, ReportingService.class)) {
            assertEquals(1, ctx.getServiceReferences(api, null).size(), api.getName() + " registrations");
        }
    }

    @Test
    void variantRegistryListsEverySubsystemAndVariant(@InjectService(timeout = 60_000) VariantService variants) {
        assertEquals(Map.of(
                "deferred-init", List.of("multithreaded", "off", "per-node", "two-pass"),
                "device-init", List.of("callback", "one-pass"),
                "memmap", List.of("compact", "dense"),
                "page-ext", List.of("late", "on-touch"),
                "reporting", List.of("array", "bitmap", "buddy", "sync"),
                "reserved-bit", List.of("drop", "keep")), variants.variants());
        // the defaults are active while nothing is configured
        assertEquals("per-node", variants.active("deferred-init"));
        assertEquals("late", variants.active("page-ext"));
        assertEquals("buddy", variants.active("reporting"));
        assertEquals("compact", variants.active("memmap"));
    }
}
