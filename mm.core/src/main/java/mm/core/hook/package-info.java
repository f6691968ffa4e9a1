/**
 * mm.core's hook points: whiteboard services the kernel model calls (boot phases, post-alloc / pre-free, free-list
 * enqueue and take, struct page init, split, migrate, the memory notifier chain, page_owner's part of pagetypeinfo, the
 * mm tracepoints).
 * Register one as an OSGi service; each is called per range, per block or per zone, never per page in a hot loop
 * (but TracepointHook, per page like the kernel's tracepoints, and only while a tracer has one registered).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.3.0")
package mm.core.hook;
