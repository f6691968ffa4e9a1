/**
 * mm.hotplug API: memory blocks as /sys/devices/system/memory shows them, hot-add / online / offline / remove of
 * memory, ZONE_DEVICE memremap with an altmap, and the two variant subsystems of this bundle: {@code reserved-bit}
 * ({@link mm.hotplug.api.ReservedBitPolicy}) and {@code device-init} ({@link mm.hotplug.api.DeviceMemmapInit}).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package mm.hotplug.api;
