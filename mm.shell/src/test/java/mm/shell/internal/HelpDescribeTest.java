package mm.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.felix.service.command.Descriptor;
import org.junit.jupiter.api.Test;

/** mm:help's one line per command: the form that says what the command is, not one of its sub-commands. */
class HelpDescribeTest {
    public static final class Commands {
        @Descriptor("run a guest workload: free-storm, mix, idle")
        public void workload(@Descriptor("kind") String kind, @Descriptor("gib") double gib, @Descriptor("waves") int waves) {}

        @Descriptor("replay FILE: re-issue a page_owner dump")
        public void workload(@Descriptor("replay") String sub, @Descriptor("file") String file) {}

        @Descriptor("show the state")
        public void status() {}

        @Descriptor("show the state, or with --all everything")
        public void status(@Descriptor("all") boolean all) {}
    }

    @Test
    void aSubCommandsFormIsNotTheCommandsLine() {
        assertEquals("run a guest workload: free-storm, mix, idle", HelpCommands.describe(Commands.class, "workload"));
    }

    @Test
    void otherwiseTheFormWithTheFewestParameters() {
        assertEquals("show the state", HelpCommands.describe(Commands.class, "status"));
        assertEquals("(no description)", HelpCommands.describe(Commands.class, "nosuch"));
    }
}
