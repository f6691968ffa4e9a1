/**
 * Variants: alternative implementations of a subsystem, one selected per subsystem by configuration
 * (docs/variants.md).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package mm.variant.api;
