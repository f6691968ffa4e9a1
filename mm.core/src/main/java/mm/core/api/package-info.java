/**
 * mm.core API: the machine description, memblock, the booted page allocator (zones, memmap, buddy),
 * the boot hook points and the variant mechanism every other mmkit bundle builds on.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package mm.core.api;
