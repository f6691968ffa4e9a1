/**
 * Machine descriptions: NUMA nodes, the e820 map, reservations, boot options, the boot workload; read from a
 * machine file or imported from a real kernel's console log (docs/machine-format.md).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package mm.machine.api;
