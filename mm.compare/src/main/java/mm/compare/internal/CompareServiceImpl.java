package mm.compare.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mm.compare.api.CompareService;
import mm.compare.api.Comparison;
import mm.compare.api.Configuration;
import mm.core.api.MemoryModel;
import mm.hotplug.api.MemoryBlock;
import mm.hotplug.api.MemoryHotplug;
import mm.machine.api.Machine;
import mm.machine.api.MachineFormatException;
import mm.machine.api.MachineService;
import mm.pageowner.api.EarlyCount;
import mm.pageowner.api.PageOwner;
import mm.variant.api.VariantService;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The compares: boots each configuration through the public services (MachineService, VariantService, MemoryModel)
 * and reads every number through their views (mm.core's ProcFiles, page_owner's early counts, hotplug's blocks).
 * One compare at a time: a second waits for the first (both change the runtime's choices for a while).
 */
@Component(service = CompareService.class)
public final class CompareServiceImpl implements CompareService {
    /** The files of a real snapshot, by view: each is read as NAME or NAME.txt, else the console log's dump of it. */
    static final List<String> SNAPSHOT_FILES = List.of("zoneinfo", "buddyinfo", "pagetypeinfo", "meminfo", "vmstat",
            "memory-blocks");
    /** The names a snapshot's kernel log may have, first found wins. */
    static final List<String> LOG_FILES = List.of("console.log", "console.txt", "dmesg", "dmesg.txt", "dmesg.log");

    private final MemoryModel model;
    private final MachineService machines;
    private final VariantService variants;
    private volatile PageOwner pageOwner;
    private volatile MemoryHotplug hotplug;

    @Activate
    public CompareServiceImpl(@Reference MemoryModel model, @Reference MachineService machines,
                              @Reference VariantService variants) {
        this.model = model;
        this.machines = machines;
        this.variants = variants;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindPageOwner(PageOwner p) { pageOwner = p; }

    void unbindPageOwner(PageOwner p) { if (pageOwner == p) pageOwner = null; }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindHotplug(MemoryHotplug h) { hotplug = h; }

    void unbindHotplug(MemoryHotplug h) { if (hotplug == h) hotplug = null; }

    // ------------------------------------------------------------------------------------ configurations

    @Override
    public Configuration configuration(String label, String text) {
        String machine = null;
        Map<String, String> chosen = new LinkedHashMap<>();
        List<String> words = new ArrayList<>();
        Map<String, List<String>> all = variants.variants();
        for (String w : text.strip().split("\\s+")) {
            if (w.isEmpty()) continue;
            int eq = w.indexOf('=');
            String key = eq < 0 ? w : w.substring(0, eq), value = eq < 0 ? null : w.substring(eq + 1);
            if (key.equals("machine")) {
                if (value == null || value.isEmpty()) {
                    throw new IllegalArgumentException("configuration " + label + " ('" + text + "'): machine= needs a"
                            + " built-in machine name or a machine file");
                }
                machine = value;
            } else if (value != null && all.containsKey(key) && all.get(key).contains(value)) {
                // a subsystem and one of its variants (memmap=dense); memmap=64M!4G is the kernel's option
                chosen.put(key, value);
            } else if (value != null && all.containsKey(key) && !value.matches(".*[0-9].*")) {
                throw new IllegalArgumentException("configuration " + label + " ('" + text + "'): no variant '" + value
                        + "' of " + key + " (variants: " + String.join(", ", all.get(key)) + ")");
            } else {
                words.add(w);
            }
        }
        return new Configuration(label, text.strip(), machine, chosen, words);
    }

    /** The machine of {@code c}: its own or {@code dflt}, with its command-line words applied (checked here). */
    private Machine machineOf(Configuration c, Machine dflt) {
        Machine m;
        String spec = c.machine();
        try {
            m = spec == null || spec.isEmpty() ? dflt : machines.load(Path.of(spec));
        } catch (MachineFormatException e) {
            throw new IllegalArgumentException("configuration " + c.label() + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("configuration " + c.label() + ": " + e.getMessage());
        }
        if (m == null) throw new IllegalArgumentException("no current machine: give --machine NAME or machine=NAME");
        if (c.bootOptions().isEmpty()) return m;
        // the words as cmdline lines after the machine's own: a later option overrides an earlier one
        String text = machines.render(m);
        int firstWordLine = (int) text.lines().count() + 1;
        StringBuilder sb = new StringBuilder(text);
        if (!text.endsWith("\n")) sb.append('\n');
        for (String w : c.bootOptions()) sb.append("cmdline ").append(w).append('\n');
        try {
            return machines.parse(m.source(), sb.toString());
        } catch (MachineFormatException e) {
            int i = e.line() - firstWordLine;
            String why = e.getMessage();
            String prefix = e.file() + ":" + e.line() + ":" + e.column() + ": ";
            if (why.startsWith(prefix)) why = why.substring(prefix.length());
            String word = i >= 0 && i < c.bootOptions().size() ? "boot option '" + c.bootOptions().get(i) + "'"
                    : "its boot options";
            throw new IllegalArgumentException("configuration " + c.label() + " ('" + c.text() + "'): " + word + ": "
                    + why);
        }
    }

    // ------------------------------------------------------------------------------------ compare

    @Override
    public synchronized Comparison compare(String machine, List<Configuration> configs, Scenario scenario) {
        if (configs.size() < 2) {
            throw new IllegalArgumentException("mm:compare needs two or more configurations, got " + configs.size());
        }
        Machine before = machines.current();
        Machine dflt = before;
        if (machine != null && !machine.isEmpty()) {
            try {
                dflt = machines.load(Path.of(machine));
            } catch (MachineFormatException e) {
                throw new IllegalArgumentException(e.getMessage());
            }
        }
        List<Machine> ms = new ArrayList<>();
        for (Configuration c : configs) ms.add(machineOf(c, dflt)); // every configuration checked before any boot
        List<Map<String, Map<String, Number>>> columns = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < configs.size(); i++) {
            columns.add(run(configs.get(i), ms.get(i), scenario, notes, true, before));
            names.add(ms.get(i).name());
        }
        List<String> labels = configs.stream().map(Configuration::label).toList();
        List<String> legend = configs.stream().map(c -> c.text().isEmpty() ? "(as is)" : c.text()).toList();
        List<Comparison.Row> rows = Judge.rows(columns, false);
        String title = String.format(Locale.ROOT, "mm:compare on %s: %d configurations, deltas against %s",
                String.join(", ", names), configs.size(), labels.get(0));
        return new Comparison(title, labels, legend, rows, Judge.used(rows), notes);
    }

    /**
     * Boots one configuration and reads its numbers; the variants it selected and the current machine are put back
     * whatever happens.
     */
    private Map<String, Map<String, Number>> run(Configuration c, Machine m, Scenario scenario, List<String> notes,
                                                 boolean phases, Machine restore) {
        Map<String, String> selectedBefore = variants.selection();
        List<String> changed = new ArrayList<>();
        try {
            for (Map.Entry<String, String> v : c.variants().entrySet()) {
                if (v.getValue().equals(selectedBefore.get(v.getKey()))) continue;
                try {
                    variants.select(v.getKey(), v.getValue());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("configuration " + c.label() + ": " + e.getMessage());
                }
                changed.add(v.getKey());
            }
            machines.setCurrent(m);
            long t0 = System.nanoTime();
            MemoryModel.BootResult r = model.boot(m);
            double wallMs = (System.nanoTime() - t0) / 1e6;
            if (scenario != null) {
                try {
                    scenario.run(c);
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IllegalStateException("configuration " + c.label() + ": " + e.getMessage());
                }
            }
            Map<String, Map<String, Number>> snap = new LinkedHashMap<>();
            if (phases) snap.put("phases", phases(r, wallMs));
            snapshot(snap, c, notes);
            return snap;
        } finally {
            for (String sub : changed) {
                String v = selectedBefore.get(sub);
                if (v != null) variants.select(sub, v);
            }
            if (restore != null) machines.setCurrent(restore);
        }
    }

    private static final Pattern PAGES = Pattern.compile("^(.*) \\((\\d+) pages\\)$");

    /** The boot's phase table: measured and modelled ms per phase; a phase's page count is a field of its own. */
    static Map<String, Number> phases(MemoryModel.BootResult r, double wallMs) {
        Map<String, Number> out = new LinkedHashMap<>();
        r.timings().forEach((k, v) -> {
            String name = k;
            Matcher m = PAGES.matcher(k);
            if (m.matches()) {
                name = m.group(1);
                out.put(name + " pages", Long.parseLong(m.group(2)));
            }
            out.put(name + " measured ms", round(v[0]));
            if (v.length > 1 && !Double.isNaN(v[1])) out.put(name + " modelled ms", round(v[1]));
        });
        out.put("boot measured ms", round(wallMs));
        return out;
    }

    private static double round(double ms) { return Math.round(ms * 10) / 10.0; }

    /** Every view of the booted model. */
    private void snapshot(Map<String, Map<String, Number>> snap, Configuration c, List<String> notes) {
        snap.put("memory", Views.memoryLine(model.dmesg()));
        PageOwner po = pageOwner;
        if (po != null && po.enabled()) {
            Map<String, Number> early = new LinkedHashMap<>();
            for (EarlyCount e : po.earlyCounts()) {
                early.put("node " + e.nid() + " " + e.zone().kernelName() + " early allocated pages", e.pages());
            }
            snap.put("pageowner", early);
        }
        snap.put("zoneinfo", Views.zoneinfo(model.zoneinfo().text()));
        snap.put("buddyinfo", Views.buddyinfo(model.buddyinfo().text()));
        snap.put("pagetypeinfo", Views.pagetypeinfo(model.pagetypeinfo().text()));
        snap.put("meminfo", Views.meminfo(model.meminfo().text()));
        snap.put("vmstat", Views.vmstat(model.vmstat().text()));
        MemoryHotplug hp = hotplug;
        if (hp != null) {
            Map<String, Number> b = new LinkedHashMap<>();
            b.put("block_size_bytes", hp.blockSizeBytes());
            List<MemoryBlock> blocks = hp.blocks();
            b.put("blocks", (long) blocks.size());
            Map<String, Long> counts = new LinkedHashMap<>();
            for (MemoryBlock mb : blocks) counts.merge("blocks " + mb.state(), 1L, Long::sum);
            for (MemoryBlock mb : blocks) counts.merge("blocks on node " + mb.nid(), 1L, Long::sum);
            b.putAll(counts);
            snap.put("blocks", b);
        } else {
            String n = "blocks: mm.hotplug is not running, so there are no memory blocks to compare";
            if (!notes.contains(n)) notes.add(n);
        }
    }

    // ------------------------------------------------------------------------------------ real

    @Override
    public synchronized Comparison real(Path dir, Configuration config) {
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException("--real " + dir + ": no such directory");
        Path log = null;
        for (String n : LOG_FILES) {
            if (Files.isRegularFile(dir.resolve(n))) {
                log = dir.resolve(n);
                break;
            }
        }
        if (log == null) {
            throw new IllegalArgumentException("--real " + dir + ": no kernel log (" + String.join(", ", LOG_FILES)
                    + "): the machine is imported from it");
        }
        List<String> lines = read(log).lines().toList();
        MachineService.ImportResult imported;
        try {
            imported = machines.importDmesg(log);
        } catch (MachineFormatException e) {
            throw new IllegalArgumentException("--real: " + e.getMessage());
        }
        List<String> notes = new ArrayList<>();
        Map<String, Map<String, Number>> real = new LinkedHashMap<>();
        List<String> kernel = Views.kernelLines(lines);
        Map<String, Number> memory = Views.memoryLine(kernel);
        if (memory.isEmpty()) notes.add("memory: no Memory: line in " + log.getFileName() + ": skipped");
        else real.put("memory", memory);
        Map<String, Number> early = Views.pageOwnerEarly(kernel);
        if (!early.isEmpty()) real.put("pageowner", early);
        for (String f : SNAPSHOT_FILES) {
            String view = f.equals("memory-blocks") ? "blocks" : f;
            String text = null, from = null;
            for (String n : List.of(f, f + ".txt")) {
                if (Files.isRegularFile(dir.resolve(n))) {
                    text = read(dir.resolve(n));
                    from = n;
                    break;
                }
            }
            if (text == null) {
                text = Views.section(lines, f);
                if (text != null) {
                    notes.add(view + ": no " + f + " or " + f + ".txt in " + dir + ", read from the @@@BEGIN " + f
                            + "@@@ dump in " + log.getFileName());
                } else {
                    notes.add(view + ": no " + f + " or " + f + ".txt in " + dir + ": skipped");
                    continue;
                }
            }
            Map<String, Number> values = switch (view) {
                case "zoneinfo" -> Views.zoneinfo(text);
                case "buddyinfo" -> Views.buddyinfo(text);
                case "pagetypeinfo" -> Views.pagetypeinfo(text);
                case "meminfo" -> Views.meminfo(text);
                case "vmstat" -> Views.vmstat(text);
                default -> Views.memoryBlocks(text);
            };
            if (values.isEmpty()) {
                notes.add(view + ": " + (from == null ? "the dump" : from) + " has no numbers in the kernel's format:"
                        + " skipped");
                continue;
            }
            real.put(view, values);
        }
        Configuration c = config != null ? config : new Configuration("emulated", "", null, Map.of(), List.of());
        Machine m = machineOf(c, imported.machine());
        Machine before = machines.current();
        Map<String, Map<String, Number>> emulated = run(c, m, null, notes, false, before);
        emulated.keySet().retainAll(real.keySet()); // only what the snapshot has is compared
        if (real.containsKey("pageowner") && !emulated.containsKey("pageowner")) {
            notes.add("pageowner: the real boot ran page_owner, the emulated one did not (mm.pageowner is not running)");
        }
        List<Comparison.Row> rows = Judge.rows(List.of(real, emulated), true);
        String uname = "";
        Path u = dir.resolve("uname.txt");
        if (Files.isRegularFile(u)) uname = read(u).lines().findFirst().orElse("").strip();
        String title = "mm:compare --real " + dir + ": " + (uname.isEmpty() ? "the real kernel" : uname)
                + " against mmkit on machine " + m.name() + " (imported from " + log.getFileName() + ")";
        List<String> legend = List.of(dir.toString(), "mmkit, " + m.name() + (c.text().isEmpty() ? ""
                : " with " + c.text()));
        return new Comparison(title, List.of("real", "emulated"), legend, rows, Judge.used(rows), notes);
    }

    private static String read(Path p) {
        try {
            return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + p + ": " + (e.getMessage() == null ? "I/O error"
                    : e.getMessage()));
        }
    }
}
