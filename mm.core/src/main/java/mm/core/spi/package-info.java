/**
 * mm.core's service-provider interface for the mm bundles that change the memmap themselves, as kernel code outside
 * mm/page_alloc.c does: memory hotplug and ZONE_DEVICE (drivers/base/memory.c, mm/memory_hotplug.c, mm/memremap.c)
 * and free page reporting (mm/page_reporting.c).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package mm.core.spi;
