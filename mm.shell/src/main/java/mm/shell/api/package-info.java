/**
 * What mm: commands print and produce: reports (the text and the same facts as data), tables declared once by their
 * columns (aligned text, JSON rows, CSV), the service that prints them in the session's mode, the service property
 * that groups a bundle's commands in mm:help, the progress line of long commands, and the artifacts (tables,
 * charts, pictures) that experiment commands leave for mm:report and the web console.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.3.0")
package mm.shell.api;
