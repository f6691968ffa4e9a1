package mm.hotplug.api;

/**
 * One memmap_init_zone_device of the current boot (its dev_pagemap may have been unmapped since): what it
 * initialised, the emulator's time and the modelled kernel time (docs/timing-model.md).
 *
 * @param pgmapId        the dev_pagemap's id
 * @param nid            its node
 * @param startPfn       the first pfn of its range
 * @param devicePages    struct pages initialised (counted by the emulation)
 * @param variant        the device-init variant that initialised them
 * @param altmap         the memmap was in the device (vmem_altmap), not in RAM
 * @param measuredNanos  the emulator's wall time
 * @param modelledMs     the modelled kernel time on the machine's hardware; NaN for a variant the model does not know
 */
public record DeviceInitTime(int pgmapId, int nid, long startPfn, long devicePages, String variant, boolean altmap,
                             long measuredNanos, double modelledMs) {}
