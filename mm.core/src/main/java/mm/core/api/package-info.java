/**
 * mm.core's user API: the booted page allocator (zones, memmap, buddy), memblock, struct page views, /proc files.
 * For commands and experiments; the bundles that extend the kernel model use {@code mm.core.hook} and
 * {@code mm.core.spi}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.3.0")
package mm.core.api;
