package mm.shell.internal;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import mm.shell.api.Help;
import mm.shell.api.Report;
import mm.shell.api.ReportPrinter;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code mm:help}: every registered {@code mm:} command grouped by subsystem ({@link Help#GROUP}), each with one
 * line (the {@code @Descriptor} of its shortest form), and where the docs are. Read from the service registry, so
 * a stopped bundle's commands are not listed and a new bundle's are.
 */
@Component(service = HelpCommands.class, property = Help.GROUP + "=" + HelpCommands.RUNTIME_GROUP)
@GogoCommand(scope = "mm", function = "help")
public final class HelpCommands {
    static final String RUNTIME_GROUP = "runtime: variants, profile, version, help";
    /** Where the documentation is, in mm:help and in the pointer that {@code help} starts with. */
    static final String DOCS = "the docs are README.md and docs/*.md of the mmkit source tree (docs/web.md: the web"
            + " console)";
    private static final String SCOPE = "osgi.command.scope";
    private static final String FUNCTION = "osgi.command.function";

    private final BundleContext ctx;
    private final ReportPrinter out;

    @Activate
    public HelpCommands(BundleContext ctx, @Reference ReportPrinter out) {
        this.ctx = ctx;
        this.out = out;
    }

    /** One listed command. */
    record Entry(String command, String description) {}

    @Descriptor("list the mm: commands grouped by subsystem, each with one line, and say where the docs are")
    public void help() {
        Map<String, List<Entry>> groups = groups();
        StringBuilder text = new StringBuilder("mmkit commands by subsystem ('help mm:NAME' shows a command's forms"
                + " and options; " + DOCS + ")\n");
        int w = groups.values().stream().flatMap(List::stream).mapToInt(e -> e.command().length()).max().orElse(8) + 2;
        List<Object> data = new ArrayList<>();
        for (Map.Entry<String, List<Entry>> g : groups.entrySet()) {
            text.append('\n').append(g.getKey()).append('\n');
            List<Object> cmds = new ArrayList<>();
            for (Entry e : g.getValue()) {
                text.append("  ").append(e.command()).append(" ".repeat(w - e.command().length()))
                        .append(e.description()).append('\n');
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("command", e.command());
                c.put("description", e.description());
                cmds.add(c);
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("group", g.getKey());
            row.put("commands", cmds);
            data.add(row);
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("groups", data);
        d.put("docs", DOCS);
        out.print(Report.of("help", text.toString(), d));
    }

    /** The groups in the order of their bundles (profile order), then by title; commands in declared order. */
    Map<String, List<Entry>> groups() {
        ServiceReference<?>[] refs;
        try {
            refs = ctx.getAllServiceReferences(null, "(" + SCOPE + "=mm)");
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        if (refs == null) refs = new ServiceReference<?>[0];
        Arrays.sort(refs, Comparator.comparingLong((ServiceReference<?> r) -> r.getBundle().getBundleId())
                .thenComparing(HelpCommands::group));
        Map<String, List<Entry>> out = new LinkedHashMap<>();
        for (ServiceReference<?> ref : refs) {
            Object svc = ctx.getService(ref);
            if (svc == null) continue;
            try {
                List<Entry> list = out.computeIfAbsent(group(ref), k -> new ArrayList<>());
                for (String fn : functions(ref.getProperty(FUNCTION))) {
                    list.add(new Entry("mm:" + fn, describe(svc.getClass(), fn)));
                }
            } finally {
                ctx.ungetService(ref);
            }
        }
        return out;
    }

    private static String group(ServiceReference<?> ref) {
        Object g = ref.getProperty(Help.GROUP);
        return g != null ? g.toString() : ref.getBundle().getSymbolicName();
    }

    static List<String> functions(Object prop) {
        if (prop instanceof String s) return List.of(s);
        if (prop instanceof String[] a) return List.of(a);
        if (prop instanceof java.util.Collection<?> c) return c.stream().map(String::valueOf).toList();
        return List.of();
    }

    /** A form described as one sub-command ("replay FILE: ..."): the command's other form says what it is. */
    private static final java.util.regex.Pattern SUB_FORM = java.util.regex.Pattern.compile("^[a-z][a-z-]*( [A-Z]+)*: ");

    /**
     * The descriptor of the public method {@code fn} with the fewest parameters (a tie: the shorter text), forms that
     * describe a single sub-command last.
     */
    static String describe(Class<?> type, String fn) {
        TreeMap<String, String> byKey = new TreeMap<>();
        for (Method m : type.getMethods()) {
            if (!m.getName().equals(fn)) continue;
            Descriptor d = m.getAnnotation(Descriptor.class);
            String text = d == null ? "" : d.value();
            int sub = SUB_FORM.matcher(text).find() ? 1 : 0;
            byKey.put(String.format("%d%03d%06d%s", sub, m.getParameterCount(), text.length(), text), text);
        }
        return byKey.isEmpty() || byKey.firstEntry().getValue().isEmpty() ? "(no description)"
                : byKey.firstEntry().getValue();
    }
}
