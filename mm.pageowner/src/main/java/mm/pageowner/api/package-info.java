/**
 * page_owner API: the per-page allocation records (a page_ext client), the early-allocated counts of page_owner's
 * init scan, and the /sys/kernel/debug/page_owner text.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package mm.pageowner.api;
