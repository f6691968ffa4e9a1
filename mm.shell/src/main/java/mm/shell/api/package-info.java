/**
 * What mm: commands print: reports (the text and the same facts as data), tables declared once by their columns
 * (aligned text, JSON rows, CSV), and the service that prints them in the session's mode.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.1.0")
package mm.shell.api;
