package mm.compare.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the numbers out of the kernel's text views, as Linux 6.12 prints them (and as mm.core prints them, line for
 * line): one parser for both sides of a compare, so a field has the same name whether it came from the emulator or
 * from a real machine. Field names: {@code node 0 DMA32 managed}, {@code node 0 nr_active_anon} (per-node stats),
 * {@code node 0 DMA32 Movable order 3} (pagetypeinfo), {@code MemFree} (meminfo, kB).
 */
final class Views {
    private Views() {}

    private static final Pattern ZONE_HEADER = Pattern.compile("^Node\\s+(\\d+),\\s*zone\\s+(\\S+)\\s*$");
    private static final Pattern KEY_VALUE = Pattern.compile("^([A-Za-z_][\\w()]*):?\\s+(-?\\d+)(\\s+kB)?$");

    /**
     * /proc/zoneinfo (zoneinfo_show_print): every number of every zone. The per-cpu pagesets are folded: {@code count}
     * and {@code high} summed over the CPUs, {@code batch} and {@code vm stats threshold} of the first CPU (a
     * 96-CPU machine would otherwise give 400 rows per zone).
     */
    static Map<String, Number> zoneinfo(String text) {
        Map<String, Number> out = new LinkedHashMap<>();
        String zone = null, node = null;
        boolean perNode = false, pagesets = false, firstCpu = true;
        int cpus = 0;
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty()) continue;
            Matcher h = ZONE_HEADER.matcher(raw.strip());
            if (h.matches()) {
                node = "node " + h.group(1);
                zone = node + " " + h.group(2);
                perNode = pagesets = false;
                firstCpu = true;
                cpus = 0;
                continue;
            }
            if (zone == null) continue;
            if (line.equals("per-node stats")) { perNode = true; continue; }
            if (line.equals("pagesets")) { pagesets = true; perNode = false; continue; }
            if (line.startsWith("pages free")) {
                perNode = false;
                put(out, zone + " pages free", line.substring("pages free".length()));
                continue;
            }
            if (line.startsWith("protection:")) {
                String[] p = line.substring(line.indexOf('(') + 1, line.lastIndexOf(')')).split(",");
                for (int i = 0; i < p.length; i++) put(out, zone + " protection[" + i + "]", p[i]);
                continue;
            }
            if (pagesets) {
                if (line.startsWith("cpu:")) {
                    firstCpu = ++cpus == 1;
                    continue;
                }
                int colon = line.lastIndexOf(':');
                if (colon > 0) {
                    String key = line.substring(0, colon).strip();
                    String value = line.substring(colon + 1).strip();
                    switch (key) {
                        case "count", "high" -> add(out, zone + " pagesets " + key, value);
                        case "batch", "vm stats threshold" -> {
                            if (firstCpu) put(out, zone + " pagesets " + key, value);
                        }
                        default -> {
                            pagesets = false; // node_unreclaimable, start_pfn: the zone's again
                            put(out, zone + " " + key, value);
                        }
                    }
                }
                continue;
            }
            String[] kv = line.split("[:\\s]+", 2);
            if (kv.length == 2 && isNumber(kv[1].strip())) {
                put(out, (perNode ? node : zone) + " " + kv[0], kv[1].strip());
            }
        }
        return out;
    }

    /** /proc/buddyinfo: free blocks per zone and order. */
    static Map<String, Number> buddyinfo(String text) {
        Map<String, Number> out = new LinkedHashMap<>();
        Pattern p = Pattern.compile("^Node\\s+(\\d+),\\s*zone\\s+(\\S+)\\s+(.*)$");
        for (String line : text.split("\n")) {
            Matcher m = p.matcher(line.strip());
            if (!m.matches()) continue;
            String[] c = m.group(3).strip().split("\\s+");
            for (int i = 0; i < c.length; i++) put(out, "node " + m.group(1) + " " + m.group(2) + " order " + i, c[i]);
        }
        return out;
    }

    /**
     * /proc/pagetypeinfo: the pageblock order, the free blocks per zone, migratetype and order (a count the kernel
     * capped prints as {@code >100000}: read as 100000), the blocks of each migratetype and the mixed blocks.
     */
    static Map<String, Number> pagetypeinfo(String text) {
        Map<String, Number> out = new LinkedHashMap<>();
        Pattern free = Pattern.compile("^Node\\s+(\\d+),\\s*zone\\s+(\\S+),\\s*type\\s+(\\S+)\\s+(.*)$");
        Pattern zoneRow = Pattern.compile("^Node\\s+(\\d+),\\s*zone\\s+(\\S+)\\s+(.*)$");
        String section = null;
        List<String> types = List.of();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.startsWith("Page block order:")) { put(out, "pageblock order", line.substring(17)); continue; }
            if (line.startsWith("Pages per block:")) { put(out, "pages per block", line.substring(16)); continue; }
            if (line.startsWith("Number of blocks type")) {
                section = "blocks";
                types = List.of(line.substring("Number of blocks type".length()).strip().split("\\s+"));
                continue;
            }
            if (line.startsWith("Number of mixed blocks")) {
                section = "mixed";
                types = List.of(line.substring("Number of mixed blocks".length()).strip().split("\\s+"));
                continue;
            }
            Matcher f = free.matcher(line);
            if (f.matches()) {
                String[] c = f.group(4).strip().split("\\s+");
                for (int i = 0; i < c.length; i++) {
                    put(out, "node " + f.group(1) + " " + f.group(2) + " " + f.group(3) + " order " + i, c[i]);
                }
                continue;
            }
            Matcher z = zoneRow.matcher(line);
            if (z.matches() && section != null) {
                String[] c = z.group(3).strip().split("\\s+");
                for (int i = 0; i < c.length && i < types.size(); i++) {
                    put(out, "node " + z.group(1) + " " + z.group(2) + " " + section + " " + types.get(i), c[i]);
                }
            }
        }
        return out;
    }

    /** /proc/meminfo: each line's number (kB, or pages for the HugePages_ counts), under its name. */
    static Map<String, Number> meminfo(String text) {
        Map<String, Number> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            Matcher m = KEY_VALUE.matcher(line.strip());
            if (m.matches()) put(out, m.group(1), m.group(2));
        }
        return out;
    }

    /** /proc/vmstat: each item. */
    static Map<String, Number> vmstat(String text) {
        Map<String, Number> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String[] kv = line.strip().split("\\s+");
            if (kv.length == 2 && isNumber(kv[1])) put(out, kv[0], kv[1]);
        }
        return out;
    }

    private static final Pattern MEMORY = Pattern.compile("Memory: (\\d+)K/(\\d+)K available \\((.*)\\)");
    private static final Pattern MEMORY_ITEM = Pattern.compile("(\\d+)K ([\\w -]+)");

    /**
     * mem_init_print_info's {@code Memory:} line of a kernel log: available and total, then each part in kB
     * ({@code kernel code}, {@code rwdata}, ... {@code cma-reserved}). The first such line counts (a console log
     * that ends with a dmesg dump prints it twice).
     */
    static Map<String, Number> memoryLine(List<String> log) {
        Map<String, Number> out = new LinkedHashMap<>();
        for (String line : log) {
            Matcher m = MEMORY.matcher(line);
            if (!m.find()) continue;
            put(out, "available K", m.group(1));
            put(out, "total K", m.group(2));
            for (String part : m.group(3).split(",")) {
                Matcher i = MEMORY_ITEM.matcher(part.strip());
                if (i.matches()) put(out, i.group(2).strip() + " K", i.group(1));
            }
            break;
        }
        return out;
    }

    private static final Pattern EARLY = Pattern.compile(
            "Node (\\d+), zone\\s+(\\S+): page owner found early allocated (\\d+) pages");

    /** page_owner's init scan lines ({@code init_pages_in_zone}) of a kernel log, first boot only. */
    static Map<String, Number> pageOwnerEarly(List<String> log) {
        Map<String, Number> out = new LinkedHashMap<>();
        for (String line : log) {
            Matcher m = EARLY.matcher(line);
            if (!m.find()) continue;
            String key = "node " + m.group(1) + " " + m.group(2) + " early allocated pages";
            if (out.containsKey(key)) break; // the dump of the same log again
            put(out, key, m.group(3));
        }
        return out;
    }

    /**
     * A snapshot of /sys/devices/system/memory as the fixture's initramfs writes it: {@code block_size_bytes=HEX},
     * then one line per block {@code memoryN STATE [ZONES] PHYS_INDEX REMOVABLE nodeN}: the block size, the number of
     * blocks, and the blocks per state and per node.
     */
    static Map<String, Number> memoryBlocks(String text) {
        Map<String, Number> out = new LinkedHashMap<>();
        Map<String, Long> counts = new LinkedHashMap<>();
        long blocks = 0;
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.startsWith("block_size_bytes=")) {
                try {
                    out.put("block_size_bytes", Long.parseLong(line.substring(17).strip(), 16));
                } catch (NumberFormatException e) {
                    // a value not in hex is not the sysfs file's: left out
                }
                continue;
            }
            String[] w = line.split("\\s+");
            if (w.length < 2 || !w[0].matches("memory\\d+")) continue;
            blocks++;
            counts.merge("blocks " + w[1], 1L, Long::sum);
            String node = w[w.length - 1];
            if (node.matches("node\\d+")) counts.merge("blocks on node " + node.substring(4), 1L, Long::sum);
        }
        if (blocks > 0) out.put("blocks", blocks);
        out.putAll(counts);
        return out;
    }

    /** The text between {@code @@@BEGIN name@@@} and {@code @@@END name@@@} of a console log, or null. */
    static String section(List<String> log, String name) {
        int begin = -1;
        for (int i = 0; i < log.size(); i++) {
            String l = log.get(i).strip();
            if (begin < 0 && l.equals("@@@BEGIN " + name + "@@@")) begin = i + 1;
            else if (begin >= 0 && l.equals("@@@END " + name + "@@@")) {
                return String.join("\n", log.subList(begin, i)) + "\n";
            }
        }
        return null;
    }

    /** The kernel's own lines of a console log: what comes before the first {@code @@@} marker of the dumps. */
    static List<String> kernelLines(List<String> log) {
        for (int i = 0; i < log.size(); i++) if (log.get(i).startsWith("@@@")) return log.subList(0, i);
        return log;
    }

    static boolean isNumber(String s) {
        return s.matches("[>]?-?\\d+");
    }

    private static void put(Map<String, Number> out, String key, String value) {
        String v = value.strip();
        if (v.startsWith(">")) v = v.substring(1); // pagetypeinfo's capped count
        if (!v.matches("-?\\d+")) return;
        out.put(key, Long.parseLong(v));
    }

    private static void add(Map<String, Number> out, String key, String value) {
        String v = value.strip();
        if (!v.matches("-?\\d+")) return;
        out.merge(key, Long.parseLong(v), (a, b) -> a.longValue() + b.longValue());
    }
}
