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
import mm.core.api.Report;
import mm.pageowner.api.PageOwner;
import mm.pageowner.api.PageOwnerRecord;
import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code mm:pageowner}: page_owner's records (dump, summary, one pfn) and its early-allocated counts. */
@Component(service = PageOwnerCommands.class,
        property = {"osgi.command.scope=mm", "osgi.command.function=pageowner"})
public class PageOwnerCommands {
    static final String USAGE = "expected: dump [FILE] | summary [--by stack|caller|order|pid] | early | pfn PFN";
    private final PageOwner owner;
    private final BundleContext context;

    @Activate
    public PageOwnerCommands(@Reference PageOwner owner, BundleContext context) {
        this.owner = owner;
        this.context = context;
    }

    @Descriptor("page_owner status: whether it runs on this boot, records' stacks, the early-allocated counts")
    public void pageowner() throws IOException {
        pageowner("early");
    }

    @Descriptor("dump: /sys/kernel/debug/page_owner (Linux 6.12 format) on the console; summary: records grouped by"
            + " stack (page_owner_sort style); early: the per-zone counts of page_owner's init scan")
    public void pageowner(@Descriptor("dump | summary | early") String sub) throws IOException {
        switch (sub) {
            case "dump" -> {
                PrintStream out = System.out;
                StringBuilder sb = new StringBuilder();
                owner.dump(sb);
                out.print(sb);
                out.flush();
            }
            case "summary" -> print(owner.summary("stack"));
            case "early" -> print(owner.early());
            case "pfn" -> throw new IllegalArgumentException("mm:pageowner pfn needs a PFN");
            default -> throw new IllegalArgumentException("unknown subcommand '" + sub + "' (" + USAGE + ")");
        }
    }

    @Descriptor("dump FILE: write /sys/kernel/debug/page_owner to FILE (page_owner_sort reads it unmodified);"
            + " pfn PFN: the record of one page (decimal or 0x hex)")
    public void pageowner(@Descriptor("dump | pfn") String sub, @Descriptor("FILE (dump) or PFN (pfn)") String arg)
            throws IOException {
        switch (sub) {
            case "dump" -> {
                Path p = Path.of(arg);
                long n;
                try (BufferedWriter w = Files.newBufferedWriter(p, StandardCharsets.UTF_8)) {
                    n = owner.dump(w);
                }
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("file", p.toString());
                d.put("records", n);
                d.put("bytes", Files.size(p));
                print(Report.of("pageowner-dump", String.format(Locale.ROOT, "wrote %d page_owner records (%d bytes) to %s%n",
                        n, Files.size(p), p).replace(System.lineSeparator(), "\n"), d));
            }
            case "pfn" -> print(pfn(parsePfn(arg)));
            case "summary" -> throw new IllegalArgumentException("mm:pageowner summary takes --by stack|caller|order|pid");
            default -> throw new IllegalArgumentException("unknown subcommand '" + sub + "' (" + USAGE + ")");
        }
    }

    @Descriptor("summary --by stack|caller|order|pid: records grouped page_owner_sort style (N times, M pages, ...)")
    public void pageowner(@Descriptor("summary") String sub, @Descriptor("--by") String opt,
                          @Descriptor("stack | caller | order | pid") String by) {
        if (!sub.equals("summary") || !(opt.equals("--by") || opt.equals("-b")))
            throw new IllegalArgumentException("unknown arguments '" + sub + " " + opt + " " + by + "' (" + USAGE + ")");
        print(owner.summary(by));
    }

    static long parsePfn(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        try {
            return t.startsWith("0x") ? Long.parseLong(t.substring(2), 16) : Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad PFN '" + s + "' (decimal or 0x hex)");
        }
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

    private void print(Report r) {
        boolean json = Boolean.parseBoolean(context.getProperty("mm.json"));
        String s = r.render(json);
        System.out.print(s.endsWith("\n") ? s : s + "\n");
        System.out.flush();
    }
}
