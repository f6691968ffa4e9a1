package mm.map.internal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mm.core.api.Mm;
import mm.machine.api.Sizes;
import mm.map.api.MapRenderer;
import mm.map.api.MemoryMap;
import mm.shell.api.Artifacts;
import mm.shell.api.Help;
import mm.shell.api.Report;
import mm.shell.api.ReportPrinter;
import mm.shell.api.SafeFiles;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code mm:map}: the picture of physical memory on the terminal, or as PNG and SVG files (recorded for mm:report). */
@Component(service = MapCommands.class, property = Help.GROUP + "=experiments")
@GogoCommand(scope = "mm", function = {"map"})
public final class MapCommands {
    private final MapRenderer renderer;
    private final Artifacts artifacts;
    private final ReportPrinter out;

    @Activate
    public MapCommands(@Reference MapRenderer renderer, @Reference Artifacts artifacts, @Reference ReportPrinter out) {
        this.renderer = renderer;
        this.artifacts = artifacts;
        this.out = out;
    }

    @Descriptor("draw physical memory: nodes, zones, holes, memblock reservations and their owners, free memory by"
            + " order, allocations by migratetype, offline blocks, ZONE_DEVICE (on the terminal, or --png/--svg files)")
    public void map(
            @Descriptor("write the picture as PNG to this file") @Parameter(names = {"--png"}, absentValue = "") String png,
            @Descriptor("write the picture as SVG to this file") @Parameter(names = {"--svg"}, absentValue = "") String svg,
            @Descriptor("overwrite existing files") @Parameter(names = {"-f", "--force"}, presentValue = "true", absentValue = "false") boolean force,
            @Descriptor("picture width in pixels (400-8000, default 1200)") @Parameter(names = {"-w", "--width"}, absentValue = "1200") int width,
            @Descriptor("cells per row (8-256, default 64)") @Parameter(names = {"-c", "--columns"}, absentValue = "64") int columns,
            @Descriptor("plain characters on the terminal (no Unicode blocks, no colours)") @Parameter(names = {"--plain"}, presentValue = "true", absentValue = "false") boolean plain,
            @Descriptor("Unicode blocks and ANSI colours even when the output is not a terminal") @Parameter(names = {"--ansi"}, presentValue = "true", absentValue = "false") boolean ansi,
            @Descriptor("address range START-END (END exclusive) or START+SIZE, e.g. 4G-6G; default: all memory") String... range) {
        if (range.length > 1) throw new IllegalArgumentException("one range at most (START-END or START+SIZE), got " + range.length);
        if (plain && ansi) throw new IllegalArgumentException("--plain and --ansi: choose one");
        long[] r = range.length == 0 ? new long[] {0, -1} : parseRange(range[0]);
        MapRenderer.Request req = new MapRenderer.Request(r[0], r[1], width, columns);
        List<Path> targets = new ArrayList<>();
        if (!png.isEmpty()) targets.add(Path.of(png));
        if (!svg.isEmpty()) targets.add(Path.of(svg));
        if (targets.size() == 2 && targets.get(0).toAbsolutePath().equals(targets.get(1).toAbsolutePath()))
            throw new IllegalArgumentException("--png and --svg name the same file " + png);
        for (Path t : targets) SafeFiles.checkWritable(t, force);
        long t0 = System.nanoTime();
        MemoryMap m = renderer.draw(req);
        long laidOut = System.nanoTime() - t0;
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("title", m.title());
        data.put("pagesPerCell", m.pagesPerCell());
        data.put("cells", m.cells());
        data.put("legend", m.legend());
        data.put("layoutMs", laidOut / 1e6);
        if (targets.isEmpty()) {
            boolean colour = ansi || (!plain && terminalHasColour());
            out.print(Report.of("map", m.text(colour), data));
            return;
        }
        StringBuilder text = new StringBuilder();
        List<Path> written = new ArrayList<>();
        List<Artifacts.Artifact> made = new ArrayList<>();
        try {
            if (!png.isEmpty()) {
                long t = System.nanoTime();
                byte[] bytes = m.png();
                data.put("pngMs", (System.nanoTime() - t) / 1e6);
                write(Path.of(png), force, bytes, written);
                made.add(new Artifacts.Artifact("map", m.title(), "image/png", bytes, System.currentTimeMillis()));
                text.append("wrote ").append(png).append(" (PNG, ").append(bytes.length).append(" bytes)\n");
                data.put("png", png);
            }
            if (!svg.isEmpty()) {
                long t = System.nanoTime();
                byte[] bytes = m.svg().getBytes(StandardCharsets.UTF_8);
                data.put("svgMs", (System.nanoTime() - t) / 1e6);
                write(Path.of(svg), force, bytes, written);
                made.add(new Artifacts.Artifact("map", m.title(), "image/svg+xml", bytes, System.currentTimeMillis()));
                text.append("wrote ").append(svg).append(" (SVG, ").append(bytes.length).append(" bytes)\n");
                data.put("svg", svg);
            }
        } catch (RuntimeException e) {
            for (Path p : written) { // all or nothing: a new file written before the failure goes again
                try {
                    Files.deleteIfExists(p);
                } catch (java.io.IOException ignored) {
                    // the failure is what the user needs to read
                }
            }
            throw e;
        }
        for (Artifacts.Artifact a : made) artifacts.record(a);
        text.append(m.title()).append('\n').append(m.cells()).append(" cells of ")
                .append(Layout.size(m.pagesPerCell())).append(String.format(java.util.Locale.ROOT,
                        " (read from the memmap in %.0f ms", laidOut / 1e6));
        if (data.containsKey("pngMs")) text.append(String.format(java.util.Locale.ROOT, ", PNG drawn in %.0f ms", (Double) data.get("pngMs")));
        if (data.containsKey("svgMs")) text.append(String.format(java.util.Locale.ROOT, ", SVG in %.0f ms", (Double) data.get("svgMs")));
        text.append(")\nlegend: ").append(String.join(", ", m.legend()));
        out.print(Report.of("map", text.toString(), data));
    }

    private static void write(Path p, boolean force, byte[] bytes, List<Path> written) {
        boolean existed = Files.exists(p, LinkOption.NOFOLLOW_LINKS);
        SafeFiles.writeBytes(p, force, bytes);
        if (!existed) written.add(p);
    }

    /** TERM set and not dumb, and a console attached: colours; otherwise plain characters. */
    static boolean terminalHasColour() {
        String term = System.getenv("TERM");
        return term != null && !term.isBlank() && !term.equals("dumb") && System.console() != null;
    }

    /** START-END (END exclusive) or START+SIZE, in bytes (suffixes K M G T), to a pfn range. */
    static long[] parseRange(String s) {
        int plus = s.indexOf('+'), dash = s.indexOf('-');
        int at = plus > 0 ? plus : dash;
        if (at <= 0 || at == s.length() - 1)
            throw new IllegalArgumentException("range '" + s + "': expected START-END or START+SIZE, e.g. 4G-6G");
        long start = Sizes.parse(s.substring(0, at)), second = Sizes.parse(s.substring(at + 1));
        if (start < 0) throw new IllegalArgumentException("range '" + s + "': '" + s.substring(0, at) + "' is not an address");
        if (second < 0) throw new IllegalArgumentException("range '" + s + "': '" + s.substring(at + 1) + "' is not a size");
        long end = plus > 0 ? start + second : second;
        if (end <= start) throw new IllegalArgumentException("range '" + s + "' is empty");
        return new long[] {Mm.pfnDown(start), Mm.pfnUp(end)};
    }
}
