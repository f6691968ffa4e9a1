package itest.variants.a;

import java.util.ArrayList;
import java.util.List;
import mm.variant.api.VariantListener;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.service.component.annotations.Component;

/** Records what {@link VariantListener} is told; {@code itest:events} prints it, one line per change. */
@Component(service = {VariantListener.class, Events.class}, immediate = true)
@GogoCommand(scope = "itest", function = "events")
public final class Events implements VariantListener {
    private final List<String> events = new ArrayList<>();

    @Override
    public synchronized void activeChanged(String subsystem, String previous, String current) {
        events.add(subsystem + ": " + (previous == null ? "none" : previous) + " -> "
                + (current == null ? "none" : current));
    }

    @Descriptor("every variant change this listener was told of, oldest first: SUBSYSTEM: PREVIOUS -> CURRENT")
    public synchronized void events() {
        for (String e : events) System.out.println(e);
    }
}
