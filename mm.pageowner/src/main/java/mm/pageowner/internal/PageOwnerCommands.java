package mm.pageowner.internal;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import mm.core.api.Mm;
import mm.core.api.MemoryModel;
import mm.machine.api.Machine;
import mm.machine.api.MachineFormatException;
import mm.machine.api.MachineService;
import mm.pageext.api.PageExt;
import mm.pageext.api.PageExtInit;
import mm.pageowner.api.PageOwner;
import mm.pageowner.api.PageOwnerRecord;
import mm.shell.api.Help;
import mm.shell.api.Report;
import mm.shell.api.ReportPrinter;
import mm.shell.api.SafeFiles;
import mm.variant.api.VariantService;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/** {@code mm:pageowner}: page_owner's records (dump, summary, one pfn) and its early-allocated counts. */
@Component(service = PageOwnerCommands.class, property = Help.GROUP + "=page_owner")
@GogoCommand(scope = "mm", function = "pageowner")
public class PageOwnerCommands {
    static final String USAGE = "expected: dump [FILE] | summary [--by stack|caller|order|pid] | early | pfn PFN"
            + " | on | off | compare [MACHINE]";
    private final PageOwner owner;
    private final ReportPrinter out;
    private final MemoryModel model;
    private final PageExt ext;
    private final MachineService machines;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile VariantService variants;

    @Activate
    public PageOwnerCommands(@Reference PageOwner owner, @Reference MemoryModel model, @Reference PageExt ext,
                             @Reference MachineService machines, @Reference ReportPrinter out) {
        this.owner = owner;
        this.model = model;
        this.ext = ext;
        this.machines = machines;
        this.out = out;
    }

    @Descriptor("page_owner status: whether it runs on this boot, records' stacks, the early-allocated counts")
    public void pageowner() throws IOException {
        pageowner("stack", "early");
    }

    @Descriptor("dump: /sys/kernel/debug/page_owner (Linux 6.12 format) on the console; summary: records grouped by"
            + " stack (page_owner_sort style); early: the per-zone counts of page_owner's init scan; on|off: page_owner="
            + " on the current machine's command line (next mm:boot); compare: seed 000, boot the current machine under"
            + " each page-ext variant and compare the early-allocated counts and costs")
    public void pageowner(@Descriptor("summary: group by stack (default), caller, order or pid")
                          @Parameter(names = {"-b", "--by"}, absentValue = "stack") String by,
                          @Descriptor("dump | summary | early | on | off | compare (pfn takes a PFN)") String sub)
            throws IOException {
        if (!by.equals("stack") && !sub.equals("summary")) {
            throw new IllegalArgumentException("--by applies to summary only (" + USAGE + ")");
        }
        if (!java.util.List.of("stack", "caller", "order", "pid").contains(by)) {
            throw new IllegalArgumentException("--by: expected stack, caller, order or pid, got '"
                    + (by.length() > 60 ? by.substring(0, 57) + "..." : by) + "'");
        }
        switch (sub) {
            case "dump" -> {
                PrintStream out = System.out;
                StringBuilder sb = new StringBuilder();
                owner.dump(sb);
                out.print(sb);
                out.flush();
            }
            case "summary" -> print(owner.summary(by));
            case "early" -> print(owner.early());
            case "on", "off" -> print(onOff(sub.equals("on")));
            case "compare" -> print(compare(machines.current()));
            case "pfn" -> throw new IllegalArgumentException("mm:pageowner pfn needs a PFN");
            default -> throw new IllegalArgumentException("unknown subcommand '" + sub + "' (" + USAGE + ")");
        }
    }

    @Descriptor("dump FILE: write /sys/kernel/debug/page_owner to FILE (page_owner_sort reads it unmodified), whole"
            + " or not at all, never over an existing file without --force; pfn PFN: the record of one page (decimal"
            + " or 0x hex); compare MACHINE: seed 000 on a machine file or built-in machine")
    public void pageowner(@Descriptor("overwrite an existing FILE (dump)")
                          @Parameter(names = {"-f", "--force"}, presentValue = "true", absentValue = "false") boolean force,
                          @Descriptor("dump | pfn | compare (summary takes --by KEY; early, on, off take nothing)") String sub,
                          @Descriptor("FILE (dump), PFN (pfn) or MACHINE (compare)") String arg)
            throws IOException {
        switch (sub) {
            case "dump" -> {
                Path p = Path.of(arg);
                SafeFiles.checkWritable(p, force);
                if (!owner.enabled()) throw new IllegalStateException("page_owner is disabled (boot with page_owner=on): " + p + " not written");
                long[] n = new long[1];
                long bytes = SafeFiles.write(p, force, w -> n[0] = owner.dump(w));
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("file", p.toString());
                d.put("records", n[0]);
                d.put("bytes", bytes);
                print(Report.of("pageowner-dump", String.format(Locale.ROOT, "wrote %d page_owner records (%d bytes) to %s%n",
                        n[0], bytes, p).replace(System.lineSeparator(), "\n"), d));
            }
            case "pfn" -> print(pfn(parsePfn(arg)));
            case "compare" -> {
                try {
                    print(compare(machines.load(Path.of(arg))));
                } catch (MachineFormatException e) {
                    throw new IllegalArgumentException(e.getMessage(), e);
                }
            }
            case "summary" -> throw new IllegalArgumentException("mm:pageowner summary takes --by stack|caller|order|pid,"
                    + " not '" + arg + "'");
            default -> throw new IllegalArgumentException("unknown subcommand '" + sub + "' (" + USAGE + ")");
        }
    }

    static long parsePfn(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        long p;
        try {
            p = t.startsWith("0x") ? Long.parseLong(t.substring(2), 16) : Long.parseLong(t);
        } catch (NumberFormatException e) {
            p = -1;
        }
        if (p < 0 || p >= Mm.MAX_PFN) {
            String shown = s.length() > 60 ? s.substring(0, 57) + "..." : s;
            throw new IllegalArgumentException("bad PFN '" + shown + "': expected a PFN below 2^40 (physical addresses"
                    + " end at 2^52), decimal or 0x hex");
        }
        return p;
    }

    Report pfn(long pfn) {
        PageOwnerRecord r = owner.record(pfn);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("pfn", pfn);
        if (r == null) {
            d.put("record", null);
            return Report.of("pageowner-pfn", String.format(Locale.ROOT, "PFN %#x: no page_owner record%s%n", pfn,
                    owner.enabled() ? "" : " (page_owner is disabled)").replace(System.lineSeparator(), "\n"), d);
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "PFN %#x: %s, order %d, mask %s, pid %d, tgid %d (%s), ts %d ns%s%n", pfn,
                r.allocated() ? "allocated" : "freed", r.order(), Format.gfp(r.gfp()), r.pid(), r.tgid(), r.comm(),
                r.tsNanos(), r.early() ? " (early allocated: found by the init scan)" : ""));
        if (r.stack() != null) for (String f : r.stack().frames()) sb.append(' ').append(f).append('\n');
        if (r.freeHandle() != 0) {
            sb.append(String.format(Locale.ROOT, "last free: pid %d, tgid %d, free_ts %d ns%n", r.freePid(), r.freeTgid(),
                    r.freeTsNanos()));
            if (r.freeStack() != null) for (String f : r.freeStack().frames()) sb.append(' ').append(f).append('\n');
        }
        d.put("allocated", r.allocated());
        d.put("early", r.early());
        d.put("order", r.order());
        d.put("gfp", r.gfp());
        d.put("pid", r.pid());
        d.put("tgid", r.tgid());
        d.put("comm", r.comm());
        d.put("ts_ns", r.tsNanos());
        d.put("stack", r.stack() == null ? null : r.stack().frames());
        d.put("free_ts_ns", r.freeTsNanos());
        d.put("free_stack", r.freeStack() == null ? null : r.freeStack().frames());
        return Report.of("pageowner-pfn", sb.toString().replace(System.lineSeparator(), "\n"), d);
    }

    /** page_owner=on|off on the current machine's command line (takes effect at the next boot). */
    Report onOff(boolean on) {
        Machine m = machines.current();
        machines.setCurrent(m.withOptions(m.options().withPageOwner(on)));
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("machine", m.name());
        d.put("page_owner", on);
        return Report.of("pageowner-option", "page_owner=" + (on ? "on" : "off") + " on machine " + m.name()
                + "'s command line: takes effect at the next mm:boot\n", d);
    }

    /** Seed 000 through the variant registry; the selection is restored afterwards. */
    Report compare(Machine m) {
        VariantService v = variants;
        if (v == null) throw new IllegalStateException("mm:pageowner compare needs the variant registry (mm.core)");
        Map<String, String> before = v.selection();
        java.util.List<String> have = v.variants().getOrDefault(PageExtInit.SUBSYSTEM, java.util.List.of());
        java.util.List<Compare.Column> cols = new java.util.ArrayList<>();
        StringBuilder skipped = new StringBuilder();
        for (Compare.Column c : Compare.SEED000) {
            if (have.contains(c.pageExt())) cols.add(c);
            else skipped.append(String.format(Locale.ROOT, "(no '%s' page-ext variant in this profile: its column is"
                    + " left out%s)%n", c.pageExt(), c.pageExt().equals("early")
                    ? "; the early variant is the bundle mm.pageext.early, which needs deferred-init=off in the profile" : ""));
        }
        java.util.List<Compare.Result> results;
        try {
            results = Compare.run(m, cols, model, ext, owner, (pe, di) -> select(v, pe, di));
        } finally {
            select(v, before.getOrDefault(PageExtInit.SUBSYSTEM, "late"), before.getOrDefault("deferred-init", "per-node"));
        }
        return Compare.report(m, results).appendText(skipped.toString().replace(System.lineSeparator(), "\n"));
    }

    /** Selects a (page-ext, deferred-init) pair in the order the page-ext constraint allows. */
    static void select(VariantService v, String pageExt, String deferred) {
        if (pageExt.equals("early")) {
            v.select("deferred-init", deferred);
            v.select(PageExtInit.SUBSYSTEM, pageExt);
        } else {
            v.select(PageExtInit.SUBSYSTEM, pageExt);
            v.select("deferred-init", deferred);
        }
    }

    private void print(Report r) {
        out.print(r);
    }
}
