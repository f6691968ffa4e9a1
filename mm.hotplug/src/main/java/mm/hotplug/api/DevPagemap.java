package mm.hotplug.api;

import mm.core.spi.MemoryHotplugSupport.Altmap;

/**
 * One memremap_pages() mapping (struct dev_pagemap with one range).
 *
 * @param id            the pgmap id stored in every device page's {@code pgmap} word (1, 2, ...)
 * @param type          the memory type
 * @param nid           the node whose ZONE_DEVICE holds it
 * @param startPfn      first pfn of the range
 * @param nrPages       pages in the range
 * @param altmap        where the range's memmap lives in the device itself (null: in RAM)
 * @param devicePages   pages initialised by memmap_init_zone_device (nrPages minus the altmap offset)
 * @param initVariant   the device-init variant that initialised them
 * @param initNanos     measured time of memmap_init_zone_device
 */
public record DevPagemap(int id, PgmapType type, int nid, long startPfn, long nrPages, Altmap altmap,
                         long devicePages, String initVariant, long initNanos) {
    /** First pfn that is a device page (after the altmap's reserve and memmap pages). */
    public long firstDevicePfn() { return startPfn + (altmap == null ? 0 : altmap.offset()); }

    public long endPfn() { return startPfn + nrPages; }
}
