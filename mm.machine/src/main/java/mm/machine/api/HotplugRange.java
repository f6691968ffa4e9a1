package mm.machine.api;

/** A hotpluggable physical range [start, end) of a node (SRAT "hotplug" flag); present at boot or not. */
public record HotplugRange(long start, long end, int node, boolean presentAtBoot) {}
