package mm.map.internal;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import mm.core.api.MemoryModel;
import mm.map.api.MapRenderer;
import mm.map.api.MemoryMap;
import mm.variant.api.VariantService;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The {@link MapRenderer} service: lays out the booted machine's memory from mm.core's summaries. */
@Component(service = MapRenderer.class)
public final class MapRendererImpl implements MapRenderer {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT);
    private final MemoryModel model;
    private final VariantService variants;

    @Activate
    public MapRendererImpl(@Reference MemoryModel model, @Reference VariantService variants) {
        this.model = model;
        this.variants = variants;
    }

    @Override
    public MemoryMap draw(Request request) {
        Layout l = Layout.build(model, request, variants(variants.selection()), when(model.clockNanos()));
        return new Drawing(l, request.width());
    }

    static String variants(Map<String, String> selection) {
        StringBuilder sb = new StringBuilder();
        for (var e : new TreeMap<>(selection).entrySet()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(e.getKey()).append('=').append(e.getValue());
        }
        return sb.length() == 0 ? "no variants" : sb.toString();
    }

    static String when(long clockNanos) {
        return ZonedDateTime.now(ZoneOffset.UTC).format(WHEN)
                + String.format(Locale.ROOT, " (%.3f s after boot, emulated)", clockNanos / 1e9);
    }
}
