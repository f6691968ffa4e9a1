package mm.web.internal;

import jakarta.servlet.Servlet;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;
import mm.core.api.MemoryModel;
import mm.core.api.NodeInfo;
import mm.core.api.ZoneInfo;
import mm.core.api.ZoneType;
import mm.map.api.MapRenderer;
import mm.machine.api.Machine;
import mm.machine.api.MachineFormatException;
import mm.machine.api.MachineService;
import mm.pageowner.api.PageOwner;
import mm.reporting.api.ReportingService;
import mm.shell.api.Artifacts;
import mm.variant.api.VariantService;
import org.apache.felix.webconsole.servlet.AbstractServlet;
import org.apache.felix.webconsole.servlet.ServletConstants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.owasp.encoder.Encode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mmkit page of the Felix Web Console ({@code /system/console/mm}): tabs for the machine and its boot log (with
 * the boot button), the variants (with a switch per subsystem), the /proc views, the memory map picture and the
 * subsystems (page_owner, free page reporting), and the last {@code mm:compare} table.
 * Reads and changes the emulator only through the public services, so
 * it does what the shell's commands do: switching a variant here is {@code mm:variant SUBSYSTEM NAME}.
 */
@Component(service = Servlet.class, property = {
        ServletConstants.PLUGIN_LABEL + "=" + MmPlugin.LABEL,
        ServletConstants.PLUGIN_TITLE + "=mmkit",
        ServletConstants.PLUGIN_CATEGORY + "=mmkit"})
public final class MmPlugin extends AbstractServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(MmPlugin.class);
    static final String LABEL = "mm";
    /** The tabs, in order. */
    static final List<String> TABS = List.of("machine", "variants", "views", "map", "subsystems", "compare");

    private final transient MemoryModel model;
    private final transient MachineService machines;
    private final transient VariantService variants;
    private transient volatile PageOwner pageOwner;
    private transient volatile ReportingService reporting;
    private transient volatile Artifacts artifacts;
    private transient volatile MapRenderer mapRenderer;

    @Activate
    public MmPlugin(@Reference MemoryModel model, @Reference MachineService machines,
                    @Reference VariantService variants) {
        this.model = model;
        this.machines = machines;
        this.variants = variants;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindPageOwner(PageOwner p) {
        pageOwner = p;
    }

    void unbindPageOwner(PageOwner p) {
        if (pageOwner == p) pageOwner = null;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindReporting(ReportingService r) {
        reporting = r;
    }

    void unbindReporting(ReportingService r) {
        if (reporting == r) reporting = null;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindArtifacts(Artifacts a) {
        artifacts = a;
    }

    void unbindArtifacts(Artifacts a) {
        if (artifacts == a) artifacts = null;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindMapRenderer(MapRenderer r) {
        mapRenderer = r;
    }

    void unbindMapRenderer(MapRenderer r) {
        if (mapRenderer == r) mapRenderer = null;
    }

    // ------------------------------------------------------------------ requests

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException, ServletException {
        String path = req.getPathInfo();
        if (path != null && path.endsWith("/" + LABEL + "/map.svg")) {
            String svg;
            try {
                svg = picture();
            } catch (RuntimeException e) {
                LOG.error("mmkit plugin: the memory picture failed: {}", sentence(e));
                LOG.debug("mmkit plugin: the memory picture failed", e);
                res.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE, "the picture could not be drawn");
                return;
            }
            res.setContentType("image/svg+xml");
            res.setCharacterEncoding("UTF-8");
            res.setHeader("Cache-Control", "no-store");
            res.getWriter().write(svg);
            return;
        }
        super.doGet(req, res);
    }

    /** The buttons: boot, machine, variant. Each is done whole or refused, then the page shows what happened. */
    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse res) throws IOException {
        String action = nz(req.getParameter("action"));
        String tab = tab(req);
        String message;
        try {
            message = switch (action) {
                case "boot" -> boot();
                case "machine" -> useMachine(nz(req.getParameter("machine")));
                case "variant" -> selectVariant(nz(req.getParameter("subsystem")), nz(req.getParameter("variant")));
                default -> throw new IllegalArgumentException("unknown action '" + action + "'");
            };
        } catch (IllegalArgumentException | IllegalStateException | MachineFormatException e) {
            message = "refused: " + sentence(e);
        } catch (RuntimeException e) {
            LOG.error("mmkit plugin: {} failed: {}", action, sentence(e));
            LOG.debug("mmkit plugin: {} failed", action, e);
            message = "failed: " + sentence(e) + " (the log has the details)";
        }
        String root = (String) req.getAttribute(ServletConstants.ATTR_PLUGIN_ROOT);
        if (root == null) root = req.getContextPath() + req.getServletPath() + "/" + LABEL;
        res.sendRedirect(root + "?tab=" + tab + "&msg=" + URLEncoder.encode(message, StandardCharsets.UTF_8));
    }

    /** A user's sentence from an exception: its message, never its class or stack. */
    static String sentence(Exception e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? "the emulator could not do it (see the log)" : m;
    }

    private String boot() {
        Machine m = machines.current();
        if (m == null) throw new IllegalStateException("no current machine: choose one first");
        long t0 = System.nanoTime();
        model.boot(m);
        return String.format("booted %s in %.0f ms", m.name(), (System.nanoTime() - t0) / 1e6);
    }

    private String useMachine(String name) throws MachineFormatException {
        Machine m = machines.builtin(name).orElseThrow(() -> new IllegalArgumentException(
                "no built-in machine '" + name + "' (machines: " + String.join(", ", machines.builtinNames()) + ")"));
        machines.setCurrent(m);
        return "machine " + m.name() + " is current: boot it to use it";
    }

    private String selectVariant(String subsystem, String variant) {
        String before = variants.active(subsystem);
        variants.select(subsystem, variant);
        String now = variants.active(subsystem);
        String text = subsystem + ": " + variant + (before == null ? " (was none)" : " (was " + before + ")");
        if (!variant.equals(now)) text += ", but it is not active: " + (now == null ? "none is" : now + " is");
        return text;
    }

    // ------------------------------------------------------------------ the page

    static String tab(HttpServletRequest req) {
        String t = req.getParameter("tab");
        return t != null && TABS.contains(t) ? t : "machine";
    }

    /** The page; what cannot be drawn is said in one sentence (the log has the details), never as a stack trace. */
    @Override
    public void renderContent(HttpServletRequest req, HttpServletResponse res) throws IOException {
        try {
            render(req, res);
        } catch (RuntimeException e) {
            LOG.error("mmkit plugin: the {} tab failed: {}", tab(req), sentence(e));
            LOG.debug("mmkit plugin: the {} tab failed", tab(req), e);
            res.getWriter().println("<p id=\"mm-message\">the " + tab(req) + " tab could not be drawn: "
                    + Encode.forHtml(sentence(e)) + " (the log has the details)</p></div>");
        }
    }

    private void render(HttpServletRequest req, HttpServletResponse res) throws IOException {
        String tab = tab(req);
        String root = (String) req.getAttribute(ServletConstants.ATTR_PLUGIN_ROOT);
        if (root == null) root = LABEL;
        PrintWriter w = res.getWriter();
        w.println("<div id=\"mm-plugin\">");
        w.print("<p class=\"mm-tabs\">");
        for (String t : TABS) {
            w.print(t.equals(tab) ? "<b id=\"tab-" + t + "\">" + t + "</b> "
                    : "<a id=\"tab-" + t + "\" href=\"" + Encode.forHtmlAttribute(root) + "?tab=" + t + "\">" + t
                            + "</a> ");
        }
        w.println("</p>");
        String msg = req.getParameter("msg");
        if (msg != null && !msg.isBlank()) {
            w.println("<p id=\"mm-message\" class=\"ui-state-highlight\">" + Encode.forHtml(msg) + "</p>");
        }
        String form = "<form method=\"post\" action=\"" + Encode.forHtmlAttribute(root) + "\">"
                + "<input type=\"hidden\" name=\"tab\" value=\"" + tab + "\">";
        switch (tab) {
            case "variants" -> variantsTab(w, form);
            case "views" -> viewsTab(w);
            case "map" -> mapTab(w, root);
            case "subsystems" -> subsystemsTab(w, req, root);
            case "compare" -> compareTab(w, artifacts);
            default -> machineTab(w, form);
        }
        w.println("</div>");
    }

    private void machineTab(PrintWriter w, String form) {
        Machine m = machines.current();
        w.println("<h2>machine</h2>");
        if (m == null) {
            w.println("<p>no current machine</p>");
        } else {
            w.println("<p id=\"mm-machine\">" + Encode.forHtml(m.name()) + " (" + Encode.forHtml(m.source()) + "): "
                    + m.nodes().size() + (m.nodes().size() == 1 ? " node, " : " nodes, ")
                    + size(m.usableBytes() / 4096) + " usable RAM</p>");
        }
        w.println(form + "<input type=\"hidden\" name=\"action\" value=\"boot\">"
                + "<button id=\"mm-boot\" type=\"submit\">boot</button> "
                + (model.booted() ? "booted: " + Encode.forHtml(model.machine().name()) : "not booted") + "</form>");
        List<String> names = machines.builtinNames();
        if (!names.isEmpty()) {
            StringBuilder sel = new StringBuilder(form + "<input type=\"hidden\" name=\"action\" value=\"machine\">"
                    + "<select id=\"mm-machine-choice\" name=\"machine\">");
            for (String n : names) {
                sel.append("<option").append(m != null && n.equals(m.name()) ? " selected" : "").append('>')
                        .append(Encode.forHtml(n)).append("</option>");
            }
            w.println(sel + "</select> <button id=\"mm-use-machine\" type=\"submit\">make current</button></form>");
        }
        w.println("<h2>boot log</h2>");
        List<String> log = model.booted() ? model.dmesg() : List.of();
        w.println("<pre id=\"mm-dmesg\">" + (log.isEmpty() ? "(no boot yet)" : Encode.forHtml(String.join("\n", log)))
                + "</pre>");
    }

    private void variantsTab(PrintWriter w, String form) {
        Map<String, List<String>> all = variants.variants();
        Map<String, String> selection = variants.selection();
        TreeSet<String> subs = new TreeSet<>(all.keySet());
        subs.addAll(selection.keySet());
        w.println("<h2>variants</h2>");
        w.println("<p>A switch is <code>mm:variant SUBSYSTEM NAME</code>; it is stored in the configuration "
                + VariantService.PID + ", which the Configuration page edits too.</p>");
        w.println("<table id=\"mm-variants\" class=\"tablesorter nicetable\"><thead><tr><th>subsystem</th>"
                + "<th>active</th><th>selected</th><th>switch</th></tr></thead><tbody>");
        for (String sub : subs) {
            String active = variants.active(sub);
            StringBuilder sel = new StringBuilder("<select name=\"variant\" id=\"variant-" + Encode.forHtmlAttribute(sub)
                    + "\">");
            for (String v : all.getOrDefault(sub, List.of())) {
                sel.append("<option").append(v.equals(selection.get(sub)) ? " selected" : "").append('>')
                        .append(Encode.forHtml(v)).append("</option>");
            }
            sel.append("</select>");
            w.println("<tr><td>" + Encode.forHtml(sub) + "</td><td class=\"active\">"
                    + (active == null ? "none" : Encode.forHtml(active)) + "</td><td>"
                    + Encode.forHtml(nz(selection.get(sub))) + "</td><td>" + form
                    + "<input type=\"hidden\" name=\"action\" value=\"variant\">"
                    + "<input type=\"hidden\" name=\"subsystem\" value=\"" + Encode.forHtmlAttribute(sub) + "\">"
                    + sel + " <button type=\"submit\" id=\"switch-" + Encode.forHtmlAttribute(sub)
                    + "\">switch</button></form></td></tr>");
        }
        w.println("</tbody></table>");
    }

    private void viewsTab(PrintWriter w) {
        w.println("<h2>zones</h2>");
        if (!model.booted()) {
            w.println("<p>not booted: boot the machine on the machine tab</p>");
            return;
        }
        w.println("<table id=\"mm-zones\" class=\"tablesorter nicetable\"><thead><tr><th>node</th><th>zone</th>"
                + "<th>start pfn</th><th>end pfn</th><th>spanned</th><th>present</th><th>managed</th><th>free</th>"
                + "<th>min</th><th>low</th><th>high</th></tr></thead><tbody>");
        for (NodeInfo n : model.nodes()) {
            for (ZoneType z : ZoneType.VALUES) {
                ZoneInfo zi = model.zone(n.nid(), z);
                if (zi == null || zi.spannedPages() == 0) continue;
                w.println("<tr><td>" + n.nid() + "</td><td>" + z.kernelName() + "</td><td>0x"
                        + Long.toHexString(zi.zoneStartPfn()) + "</td><td>0x" + Long.toHexString(zi.endPfn())
                        + "</td><td>" + zi.spannedPages() + "</td><td>" + zi.presentPages() + "</td><td>"
                        + zi.managedPages() + "</td><td>" + zi.freePages() + "</td><td>" + zi.min() + "</td><td>"
                        + zi.low() + "</td><td>" + zi.high() + "</td></tr>");
            }
        }
        w.println("</tbody></table>");
        w.println("<h2>/proc/buddyinfo</h2><pre id=\"mm-buddyinfo\">" + Encode.forHtml(model.buddyinfo().text())
                + "</pre>");
        w.println("<h2>/proc/pagetypeinfo</h2><pre id=\"mm-pagetypeinfo\">"
                + Encode.forHtml(model.pagetypeinfo().text()) + "</pre>");
    }

    private void mapTab(PrintWriter w, String root) {
        w.println("<h2>memory map</h2>");
        w.println("<p>mm.map's picture (<code>mm:map --svg FILE</code>, docs/map.md): a cell per pageblock or section,"
                + " its zone on top and its pages by kind below; hover a cell for its numbers. Redrawn every two seconds"
                + " from the emulated state, so a running workload shows.</p>");
        w.println("<div id=\"mm-map-box\">" + picture() + "</div>");
        String url = Encode.forJavaScript(root + "/map.svg");
        // the next fetch is asked two seconds after the last one answered: a big machine's slower picture never piles up
        w.println("<script>(function(){var box=document.getElementById('mm-map-box');"
                + "function next(){setTimeout(function(){fetch('" + url + "',{credentials:'same-origin'})"
                + ".then(function(r){return r.ok?r.text():null}).then(function(t){if(t)box.innerHTML=t;})"
                + ".catch(function(){}).then(next);},2000);}next();})();</script>");
    }

    private void subsystemsTab(PrintWriter w, HttpServletRequest req, String root) {
        String by = req.getParameter("by");
        if (by == null || !List.of("stack", "caller", "order", "pid").contains(by)) by = "caller";
        w.println("<h2>page_owner</h2>");
        PageOwner po = pageOwner;
        w.print("<p>summary by ");
        for (String b : List.of("caller", "stack", "order", "pid")) {
            w.print(b.equals(by) ? "<b>" + b + "</b> " : "<a href=\"" + Encode.forHtmlAttribute(root)
                    + "?tab=subsystems&amp;by=" + b + "\">" + b + "</a> ");
        }
        w.println("(<code>mm:pageowner summary --by " + by + "</code>)</p>");
        String finalBy = by;
        w.println("<pre id=\"mm-pageowner\">" + Encode.forHtml(po == null
                ? "page_owner is not running (the mm.pageowner bundle is stopped or not in this profile)"
                : !model.booted() ? "not booted"
                : !po.enabled() ? "page_owner is off on this boot (boot with page_owner=on)"
                : safely(() -> po.summary(finalBy).text())) + "</pre>");
        w.println("<h2>free page reporting</h2>");
        ReportingService r = reporting;
        w.println("<pre id=\"mm-reporting\">" + Encode.forHtml(r == null
                ? "free page reporting is not running (the mm.reporting bundle is stopped or not in this profile)"
                : safely(() -> r.status().text())) + "</pre>");
    }

    /**
     * The last {@code mm:compare} table: the HTML fragment mm.compare recorded as an artifact (its text is escaped
     * there), or a line saying that none was run.
     */
    static void compareTab(PrintWriter w, Artifacts artifacts) {
        w.println("<h2>compare</h2>");
        Artifacts.Artifact a = artifacts == null ? null : artifacts.last("compare");
        if (a == null || !"text/html".equals(a.mediaType())) {
            w.println("<p id=\"mm-compare\">no mm:compare was run in this runtime: run <code>mm:compare</code> in"
                    + " the shell (docs/compare.md), then reload this tab</p>");
            return;
        }
        w.println("<p>The last <code>mm:compare</code> (" + Encode.forHtml(java.time.Instant.ofEpochMilli(a.millis())
                .toString()) + "): " + Encode.forHtml(a.title()) + "</p>");
        w.println("<div id=\"mm-compare\">" + new String(a.content(), StandardCharsets.UTF_8) + "</div>");
    }

    /** The picture of the booted machine as an inline SVG element (or a sentence saying why there is none). */
    String picture() {
        MapRenderer r = mapRenderer;
        if (r == null) return "<p id=\"mm-map-none\">the memory map is not available (the mm.map bundle is stopped or"
                + " not in this profile)</p>";
        if (!model.booted()) return "<p id=\"mm-map-none\">not booted: boot the machine to see its memory</p>";
        String svg = r.draw(MapRenderer.Request.whole()).svg();
        int at = svg.indexOf("<svg"); // inline: the element without the XML declaration
        return at < 0 ? svg : svg.substring(at);
    }

    private static String safely(Supplier<String> s) {
        try {
            return s.get();
        } catch (IllegalArgumentException | IllegalStateException e) {
            return sentence(e);
        }
    }

    static String size(long pages) {
        double b = (double) pages * 4096;
        String[] u = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
        int i = 0;
        while (b >= 1024 && i < u.length - 1) {
            b /= 1024;
            i++;
        }
        return (b == Math.rint(b) ? String.valueOf((long) b) : String.format(java.util.Locale.ROOT, "%.1f", b)) + " " + u[i];
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
