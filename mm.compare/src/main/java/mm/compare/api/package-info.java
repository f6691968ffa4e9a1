/**
 * mm:compare's API: run the same scenario under several configurations (variants, boot options, a machine) and set
 * every number of the views side by side with its delta, or hold the emulator against a real kernel's snapshot.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package mm.compare.api;
