package mm.web.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import mm.shell.api.Artifacts;
import org.junit.jupiter.api.Test;

/** The compare tab shows the last mm:compare artifact, or says that none was run. */
class CompareTabTest {
    static final class Kept implements Artifacts {
        final List<Artifact> all = new ArrayList<>();

        @Override
        public void record(Artifact a) { all.add(a); }

        @Override
        public List<Artifact> list() { return List.copyOf(all); }
    }

    static String tab(Artifacts a) {
        StringWriter s = new StringWriter();
        MmPlugin.compareTab(new PrintWriter(s, true), a);
        return s.toString();
    }

    @Test
    void noneRunThenTheLastOne() {
        Kept kept = new Kept();
        assertTrue(tab(kept).contains("<p id=\"mm-compare\">no mm:compare was run in this runtime"), tab(kept));
        assertTrue(tab(null).contains("no mm:compare was run"), "without mm.shell's service too");
        kept.record(new Artifacts.Artifact("compare", "first", "text/html", "<table>1</table>".getBytes(
                StandardCharsets.UTF_8), 0));
        kept.record(new Artifacts.Artifact("map", "a map", "image/svg+xml", "<svg/>".getBytes(StandardCharsets.UTF_8), 1));
        kept.record(new Artifacts.Artifact("compare", "on tiny <A & B>", "text/html", "<table>2</table>".getBytes(
                StandardCharsets.UTF_8), 2));
        String t = tab(kept);
        assertTrue(t.contains("<div id=\"mm-compare\"><table>2</table></div>"), t);
        assertTrue(t.contains("on tiny &lt;A &amp; B&gt;"), "the title is escaped: " + t);
        assertTrue(!t.contains("<table>1</table>") && !t.contains("<svg"), t);
    }
}
