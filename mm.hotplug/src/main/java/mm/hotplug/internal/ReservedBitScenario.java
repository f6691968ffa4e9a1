package mm.hotplug.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import mm.core.api.MemoryModel;
import mm.core.api.MigrateType;
import mm.core.api.Mm;
import mm.core.api.PageFlags;
import mm.core.api.ZoneInfo;
import mm.core.api.ZoneType;
import mm.core.hook.MemoryNotifier.Action;
import mm.core.spi.MemoryHotplugSupport.RawPage;
import mm.core.spi.MemoryHotplugSupport;
import mm.hotplug.api.HotplugResult;
import mm.hotplug.api.OnlineType;
import mm.hotplug.api.ReservedBitPolicy;

/**
 * What depends on PG_reserved of hot-added struct pages (seed 003: docs/seeds.md), shown on one memory block under
 * the active {@code reserved-bit} policy:
 * <ol>
 * <li>add_memory of one block past the end of memory;</li>
 * <li>move_pfn_range_to_zone (the zone span now covers the block, the struct pages are initialised) and, in that
 *     window before online_pages_range, two PFN walkers over the zone: the 2018 one that skips PG_reserved pages
 *     (hibernation's saveable_page treats reserved pages as not to be saved) and the 6.x one that asks
 *     pfn_to_online_page first;</li>
 * <li>the 2018 online_pages_range test (invoke the online callback only if the first pfn is PG_reserved), run with
 *     a callback that only counts;</li>
 * <li>the online under the policy itself (generic_online_page), then check();</li>
 * <li>offline and remove again, then check().</li>
 * </ol>
 * Each run's facts are kept per policy, so running it under {@code keep} and {@code drop} gives two columns.
 */
final class ReservedBitScenario {
    private ReservedBitScenario() {}

    /** The facts of one run, in table order (label -> value); the caller holds the hotplug lock. */
    static Map<String, Object> run(MemoryModel model, MemoryHotplugSupport hs, MemoryBlocks blocks, ZoneChoice zones,
                                   MemoryHotplugOps ops) {
        ReservedBitPolicy policy = ops.policy();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("policy", policy.name());
        long bs = blocks.blockSizeBytes();
        long nr = bs >>> Mm.PAGE_SHIFT;
        // a free block slot above everything that has a memmap
        long addr = Mm.alignUp(hs.sectionLimit() << (Mm.PFN_SECTION_SHIFT + Mm.PAGE_SHIFT), bs);
        long pfn = addr >>> Mm.PAGE_SHIFT;
        int nid = model.nodes().get(0).nid();
        out.put("block", String.format(Locale.ROOT, "memory%d [mem %#010x-%#010x] node %d", addr / bs, addr,
                addr + bs - 1, nid));

        // 1. add_memory
        hs.addPages(nid, pfn, nr, false);
        model.log(String.format(Locale.ROOT, "init_memory_mapping: [mem %#010x-%#010x]", addr, addr + bs - 1));
        out.put("after add_memory: struct pages", countInitialised(hs, pfn, nr) == 0 ? "poisoned (uninitialised)"
                : "initialised");

        // 2. move_pfn_range_to_zone, then the walkers in the window before online_pages_range
        ZoneType zone = zones.zoneFor(OnlineType.ONLINE, nid, pfn, nr);
        ZoneInfo before = model.zone(nid, zone);
        hs.movePfnRangeToZone(nid, zone, pfn, nr, null, MigrateType.ISOLATE, policy.reserveOnInit());
        out.put("zone", "Node " + nid + " " + zone.kernelName());
        out.put("after move_pfn_range_to_zone: PG_reserved pages", countReserved(hs, pfn, nr) + "/" + nr);
        long[] w18 = walk2018(hs, nid, zone, pfn, nr);
        out.put("2018 PFN walker (skips PG_reserved, like saveable_page): pages it would save", w18[0]);
        out.put("2018 PFN walker: pages skipped as reserved", w18[1]);
        long w6x = walk6x(hs, pfn, nr);
        out.put("6.x PFN walker (pfn_to_online_page first): pages it would save", w6x);
        List<String> inWindow = model.check();
        out.put("check in that window", inWindow.isEmpty() ? "OK" : inWindow.size() + " violations: " + inWindow.get(0));

        // 3. what the 2018 online_pages_range would do with these struct pages (a callback that only counts)
        long[] dry = new long[2];
        hs.onlinePagesRange(pfn, nr, (p, order) -> { dry[0]++; dry[1] += 1L << order; }, true);
        out.put("2018 online_pages_range (callback only if first pfn PG_reserved): callbacks", dry[0]);
        out.put("2018 online_pages_range: pages it would online", dry[1] + "/" + nr);

        // 4. the online of this policy
        String veto = hs.memoryNotify(Action.GOING_ONLINE, nid, pfn, nr);
        if (veto != null) throw new IllegalStateException("a memory notifier refused the online: " + veto);
        long[] real = new long[1];
        long onlined = hs.onlinePagesRange(pfn, nr, (p, order) -> { real[0]++; hs.genericOnlinePage(p, order); },
                policy.onlineRequiresReservedFirstPfn());
        hs.finishOnline(nid, zone, pfn, nr);
        hs.memoryNotify(Action.ONLINE, nid, pfn, nr);
        ZoneInfo after = model.zone(nid, zone);
        out.put("online under the policy: callbacks / pages onlined", real[0] + " / " + onlined);
        out.put("online: managed pages of the zone", String.format(Locale.ROOT, "%d -> %d (+%d)",
                before.managedPages(), after.managedPages(), after.managedPages() - before.managedPages()));
        out.put("after online: PG_reserved pages", countReserved(hs, pfn, nr) + "/" + nr);
        List<String> v = model.check();
        out.put("check after online", v.isEmpty() ? "OK" : v.size() + " violations: " + v.get(0));

        // 5. back to how it was
        HotplugResult off = ops.offlineBlock(pfn);
        HotplugResult rm = off.ok() ? ops.remove(addr, bs) : off;
        out.put("offline + remove", off.ok() && rm.ok() ? "done" : "failed: " + rm.reason());
        v = model.check();
        out.put("check at the end", v.isEmpty() ? "OK" : v.size() + " violations: " + v.get(0));
        return out;
    }

    static long countInitialised(MemoryHotplugSupport hs, long pfn, long nr) {
        long n = 0;
        for (long p = pfn; p < pfn + nr; p++) if (hs.readPage(p).initialised()) n++;
        return n;
    }

    static long countReserved(MemoryHotplugSupport hs, long pfn, long nr) {
        long n = 0;
        for (long p = pfn; p < pfn + nr; p++) if (hs.readPage(p).reserved()) n++;
        return n;
    }

    /**
     * A 2018 PFN walker over the new block (swsusp's saveable_page without the pfn_to_online_page check): pfn_valid,
     * the page's zone is the zone walked, not free, not PG_reserved -> it would be saved. Returns {saved, reserved}.
     */
    static long[] walk2018(MemoryHotplugSupport hs, int nid, ZoneType zone, long pfn, long nr) {
        long saved = 0, reserved = 0;
        for (long p = pfn; p < pfn + nr; p++) {
            RawPage pg = hs.readPage(p);
            if (!pg.initialised()) continue;
            if (PageFlags.zoneIdx(pg.flags()) != zone.ordinal() || PageFlags.nid(pg.flags()) != nid) continue;
            if ((pg.flags() & PageFlags.TYPE_BUDDY) != 0) continue;
            if (pg.reserved()) { reserved++; continue; }
            saved++;
        }
        return new long[] {saved, reserved};
    }

    /** The 6.x walker: pfn_to_online_page() first, so nothing of a block that is not online yet. */
    static long walk6x(MemoryHotplugSupport hs, long pfn, long nr) {
        long saved = 0;
        for (long p = pfn; p < pfn + nr; p++) {
            if (!hs.pfnToOnlinePage(p)) continue;
            RawPage pg = hs.readPage(p);
            if ((pg.flags() & PageFlags.TYPE_BUDDY) != 0 || pg.reserved()) continue;
            saved++;
        }
        return saved;
    }

    /** The outcomes side by side: one row per fact, one column per policy. */
    static String table(Map<String, Map<String, Object>> byPolicy) {
        List<String> labels = new ArrayList<>();
        for (Map<String, Object> m : byPolicy.values()) for (String k : m.keySet()) if (!labels.contains(k)) labels.add(k);
        int lw = labels.stream().mapToInt(String::length).max().orElse(10) + 2;
        List<String> cols = new ArrayList<>(byPolicy.keySet());
        int[] cw = new int[cols.size()];
        for (int i = 0; i < cols.size(); i++) {
            cw[i] = cols.get(i).length();
            for (Object o : byPolicy.get(cols.get(i)).values()) cw[i] = Math.max(cw[i], String.valueOf(o).length());
            cw[i] += 2;
        }
        StringBuilder sb = new StringBuilder();
        for (String l : labels) {
            sb.append(pad(l, lw));
            for (int i = 0; i < cols.size(); i++) {
                Object v = byPolicy.get(cols.get(i)).get(l);
                sb.append(pad(v == null ? "-" : String.valueOf(v), cw[i]));
            }
            sb.setLength(sb.length() - trailing(sb));
            sb.append('\n');
        }
        return sb.toString();
    }

    private static int trailing(StringBuilder sb) {
        int n = 0;
        for (int i = sb.length() - 1; i >= 0 && sb.charAt(i) == ' '; i--) n++;
        return n;
    }

    private static String pad(String s, int w) { return s.length() >= w ? s + " " : s + " ".repeat(w - s.length()); }
}
