/**
 * page_ext API: per-page extension storage (one table per present section, as SPARSEMEM page_ext), its clients
 * (page_ext_operations: need, size, init, offsets assigned by page_ext) and the init variants of subsystem
 * {@code page-ext} ({@code late}, {@code early}, {@code on-touch}).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.0.0")
package mm.pageext.api;
