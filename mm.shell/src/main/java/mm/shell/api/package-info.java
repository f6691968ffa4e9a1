/**
 * What mm: commands print: reports (the text and the same facts as data), tables declared once by their columns
 * (aligned text, JSON rows, CSV), the service that prints them in the session's mode, and the service property that
 * groups a bundle's commands in mm:help.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.2.0")
package mm.shell.api;
