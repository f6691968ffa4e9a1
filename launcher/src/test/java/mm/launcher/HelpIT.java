package mm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** mm:help and help through the real launcher, as a user runs them. */
class HelpIT {
    @Test
    void mmHelpListsEveryMmCommandUnderItsSubsystemWithOneLine() throws Exception {
        Mmkit.Result r = Mmkit.run("-c", "mm:help");
        assertEquals(0, r.rc(), r.toString());
        String out = r.out();
        assertTrue(out.startsWith("mmkit commands by subsystem ("), r.toString());
        assertTrue(out.contains("the docs are README.md and docs/*.md"), r.toString());
        for (String group : List.of("boot, /proc views and the page allocator", "machine",
                "runtime: variants, profile, version, help", "page_ext", "page_owner", "memory hotplug and ZONE_DEVICE",
                "free page reporting and guest workloads", "experiments", "tracing")) {
            assertTrue(out.contains("\n" + group + "\n"), "group " + group + "\n" + r);
        }
        assertTrue(out.contains("\n  mm:boot "), r.toString());
        assertTrue(out.contains("\n  mm:pageowner "), r.toString());
        assertTrue(out.contains("\n  mm:help "), r.toString());
        // every command is listed once, with a description on its line
        for (String cmd : List.of("boot", "dmesg", "zoneinfo", "buddyinfo", "extfrag", "unusable", "pagetypeinfo",
                "meminfo", "memblock", "alloc", "free", "page", "check", "deferred", "machine", "variant", "profile",
                "version", "help", "pageext", "pageowner", "memory", "hotplug", "memremap", "memunmap", "reporting",
                "workload", "compare", "sweep", "map", "report", "trace")) {
            List<String> lines = out.lines().filter(l -> l.startsWith("  mm:" + cmd + " ")).toList();
            assertEquals(1, lines.size(), cmd + "\n" + r);
            assertTrue(lines.get(0).substring(("  mm:" + cmd).length()).strip().length() > 10, lines.get(0));
        }
    }

    @Test
    void aStoppedBundlesCommandsLeaveTheList() throws Exception {
        Mmkit.Result r = Mmkit.run("-c", "stop mm.pageowner; mm:help");
        assertEquals(0, r.rc(), r.toString());
        assertFalse(r.out().contains("mm:pageowner"), r.toString());
        assertTrue(r.out().contains("  mm:boot "), r.toString());
    }

    @Test
    void helpStartsWithAPointerToMmHelpThenGogosList() throws Exception {
        Mmkit.Result r = Mmkit.run("-c", "help");
        assertEquals(0, r.rc(), r.toString());
        assertTrue(r.out().startsWith("mmkit: 'mm:help' lists the mm commands by subsystem"), r.toString());
        assertTrue(r.out().contains("\nfelix:lb\n"), r.toString());
        assertTrue(r.out().contains("\nmm:boot\n"), r.toString());

        Mmkit.Result one = Mmkit.run("-c", "help mm:dmesg");
        assertEquals(0, one.rc(), one.toString());
        assertTrue(one.out().startsWith("dmesg - the kernel log of the last boot and everything since"), one.toString());
    }

    @Test
    void mmHelpAsJson() throws Exception {
        Mmkit.Result r = Mmkit.run("--json", "-c", "mm:help");
        assertEquals(0, r.rc(), r.toString());
        assertTrue(r.out().startsWith("{\"report\":\"help\""), r.toString());
        assertTrue(r.out().contains("\"command\":\"mm:boot\""), r.toString());
    }
}
