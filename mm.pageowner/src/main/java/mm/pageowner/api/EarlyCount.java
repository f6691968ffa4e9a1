package mm.pageowner.api;

import mm.core.api.ZoneType;

/** One line of page_owner's init scan: "Node %d, zone %8s: page owner found early allocated %lu pages". */
public record EarlyCount(int nid, ZoneType zone, long pages) {}
