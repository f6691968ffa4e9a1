package mm.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import mm.shell.api.Artifacts;
import mm.shell.api.Artifacts.Artifact;
import org.junit.jupiter.api.Test;

class ArtifactsImplTest {
    private static Artifact a(String kind, String title) {
        return new Artifact(kind, title, "text/html", title.getBytes(StandardCharsets.UTF_8), 0);
    }

    @Test
    void keepsTheNewestAndFindsTheLastOfAKind() {
        ArtifactsImpl store = new ArtifactsImpl();
        assertNull(store.last("compare"));
        for (int i = 0; i < Artifacts.CAPACITY + 3; i++) {
            store.record(a(i % 2 == 0 ? "map" : "compare", "t" + i));
        }
        assertEquals(Artifacts.CAPACITY, store.list().size());
        assertEquals("t3", store.list().get(0).title(), "the three oldest went first");
        assertEquals("t" + (Artifacts.CAPACITY + 1), store.last("compare").title());
        assertEquals("t" + (Artifacts.CAPACITY + 2), store.last("map").title());
    }
}
