/**
 * What mm: commands print: reports (the kernel-format text and the same facts as data) and their rendering.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package mm.shell.api;
