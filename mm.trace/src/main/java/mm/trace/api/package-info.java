/**
 * mm:trace's service: the kernel's mm tracepoints recorded into a bounded ring buffer and printed as
 * /sys/kernel/tracing/trace prints them, for commands and other bundles (reports, tests).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package mm.trace.api;
