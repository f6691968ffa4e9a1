package mm.shell.internal;

import java.util.ArrayDeque;
import java.util.List;
import mm.shell.api.Artifacts;
import org.osgi.service.component.annotations.Component;

/** The {@link Artifacts} service: a bounded in-memory list, safe for concurrent commands. */
@Component(service = Artifacts.class)
public final class ArtifactsImpl implements Artifacts {
    private final ArrayDeque<Artifact> kept = new ArrayDeque<>();

    @Override
    public synchronized void record(Artifact a) {
        if (a == null) {
            throw new IllegalArgumentException("artifact: null");
        }
        if (kept.size() == CAPACITY) {
            kept.removeFirst();
        }
        kept.addLast(a);
    }

    @Override
    public synchronized List<Artifact> list() {
        return List.copyOf(kept);
    }
}
