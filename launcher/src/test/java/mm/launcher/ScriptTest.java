package mm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScriptTest {
    @Test
    void splitsAtSemicolonsAndNewlines() {
        assertEquals(List.of("mm:version", "mm:profile", "lb"), Script.split("mm:version; mm:profile\nlb\n"));
    }

    @Test
    void skipsCommentLinesAndBlankCommands() {
        assertEquals(List.of("mm:version", "echo a#b"),
                Script.split("# header\n  # indented comment\nmm:version;;\n\necho a#b\n#end"));
    }

    @Test
    void keepsSeparatorsInsideQuotes() {
        assertEquals(List.of("echo 'a;b'", "echo \"c\nd\"", "echo x"), Script.split("echo 'a;b'; echo \"c\nd\"; echo x"));
    }

    @Test
    void keepsClosuresAndSubcommandsWhole() {
        assertEquals(List.of("each [1 2] { echo $it; echo again }", "echo (mm:version)"),
                Script.split("each [1 2] { echo $it; echo again }\necho (mm:version)"));
    }

    @Test
    void backslashNewlineContinuesTheLine() {
        assertEquals(List.of("mm:variant pageext   late", "lb"), Script.split("mm:variant pageext \\\n late\nlb"));
    }

    @Test
    void escapedSemicolonIsNotASeparator() {
        assertEquals(List.of("echo a\\;b"), Script.split("echo a\\;b"));
    }

    @Test
    void windowsLineEndings() {
        assertEquals(List.of("a", "b"), Script.split("a\r\nb\r\n"));
    }
}
