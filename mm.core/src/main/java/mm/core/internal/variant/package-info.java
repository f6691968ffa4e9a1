/** The variant registry: which implementation of a subsystem is active (see docs/variants.md). */
package mm.core.internal.variant;
