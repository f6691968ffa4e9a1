/**
 * mm.map's API: the picture of physical memory ({@code mm:map}, the web console's map tab, {@code mm:report}) as a
 * service, drawn once from the emulated memmap and served as PNG, SVG or terminal text.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package mm.map.api;
