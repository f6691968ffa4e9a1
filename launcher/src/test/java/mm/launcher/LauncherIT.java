package mm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The shipped launcher jar, run as a user runs it: output, errors and exit status. */
class LauncherIT {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"minimal", "full"})
    void eachProfileStartsAndAnswersTheSystemCommands(String profile) throws Exception {
        Mmkit.Result r = Mmkit.run("--profile", profile, "-c", "mm:version; mm:profile; mm:variant");
        assertEquals(0, r.rc(), r::toString);
        assertEquals("", r.err(), "nothing on stderr: " + r);
        assertTrue(r.out().startsWith("mmkit 0.1.0"), r::toString);
        assertTrue(r.out().contains("\nfelix 7.0.5\n"), r::toString);
        assertTrue(r.out().contains("\njava " + System.getProperty("java.version") + " ("), r::toString);
        assertTrue(r.out().contains("\nprofile " + profile + " (jar:file:"), r::toString);
        assertTrue(r.out().contains("!/profiles/" + profile + ".txt)\n"), r::toString);
        // every bundle of the profile (and the script shell) is active
        Matcher m = Pattern.compile("(?m)^\\s+(\\d+)\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)$").matcher(r.out());
        int bundles = 0;
        boolean core = false;
        while (m.find()) {
            bundles++;
            assertEquals("ACTIVE", m.group(2), "bundle " + m.group(3) + " in " + r);
            core |= m.group(3).equals("mm.core");
        }
        assertTrue(core && bundles >= 12, "mm.core and the runtime are listed: " + r);
        assertTrue(r.out().contains("config:"), r::toString);
        assertTrue(r.out().contains("SUBSYSTEM") || r.out().contains("no subsystem has variants"), r::toString);
    }

    @Test
    void anUnknownCommandStopsTheScriptWithExitStatus1() throws Exception {
        Mmkit.Result r = Mmkit.run("-c", "mm:version; nosuch:cmd; mm:profile");
        assertEquals(1, r.rc(), r::toString);
        assertEquals("mmkit: command failed: nosuch:cmd: Command not found: nosuch:cmd\n"
                + "mmkit: skipped 1 command after the failure (--keep-going runs them anyway): mm:profile\n", r.err(),
                r::toString);
        assertTrue(r.out().startsWith("mmkit "), "the first command ran: " + r);
        assertFalse(r.out().contains("profile full"), "the command after the failure did not run: " + r);
    }

    @Test
    void keepGoingRunsEveryCommandAndExitsWithTheNumberOfFailures() throws Exception {
        Mmkit.Result r = Mmkit.runWithInput("nosuch:cmd\nmm:version\nmm:variant nosuch\nmm:profile\n", "--keep-going");
        assertEquals(2, r.rc(), r::toString);
        assertTrue(r.out().startsWith("mmkit ") && r.out().contains("profile full"), "every command ran: " + r);
        assertTrue(r.err().endsWith("mmkit: 2 of 4 command(s) failed (--keep-going)\n"), r::toString);
    }

    @Test
    void noRemoteShellIsOffered() throws Exception {
        // gogo.shell's telnetd would open an unauthenticated shell on a TCP port
        Mmkit.Result r = Mmkit.run("-c", "telnetd start");
        assertEquals(1, r.rc(), r::toString);
        assertEquals("mmkit: command failed: telnetd start: Command not found: telnetd\n", r.err(), r::toString);
        // nor listed by help (felix:help looks through the system bundle, which service hooks do not filter)
        Mmkit.Result h = Mmkit.run("-c", "help; help telnetd; help mm:check");
        assertEquals(0, h.rc(), h::toString);
        assertTrue(h.out().contains("mm:check\n") && h.out().contains("felix:help\n"), h::toString);
        assertTrue(h.out().lines().noneMatch(l -> l.endsWith(":telnetd")), h::toString);
        assertTrue(h.out().contains("No methods found matching: telnetd\n"), h::toString);
        assertTrue(h.out().contains("check - verify the whole memmap"), "help NAME still prints the usage: " + h);
    }

    @Test
    void argumentsOfTheWrongTypeGetASentenceNotGogosText() throws Exception {
        Mmkit.Result r = Mmkit.run("-c", "mm:boot --deferred-threads abc");
        assertEquals(1, r.rc(), r::toString);
        assertEquals("mmkit: command failed: mm:boot --deferred-threads abc: the arguments '--deferred-threads abc'"
                + " match none of the forms of mm:boot (help mm:boot lists them)\n", r.err(), r::toString);
    }

    @Test
    void aFailingCommandPrintsItsReason() throws Exception {
        Mmkit.Result r = Mmkit.run("-c", "mm:variant nosuch");
        assertEquals(1, r.rc(), r::toString);
        assertTrue(r.err().startsWith("mmkit: command failed: mm:variant nosuch: unknown subsystem 'nosuch'"),
                r::toString);
    }

    @Test
    void anUnknownProfileIsAClearError() throws Exception {
        Mmkit.Result r = Mmkit.run("--profile", "nosuch", "-c", "mm:version");
        assertEquals(1, r.rc(), r::toString);
        assertEquals("", r.out(), r::toString);
        assertTrue(r.err().startsWith("mmkit: unknown profile 'nosuch': there is no profiles/nosuch.txt in "),
                r::toString);
        assertTrue(r.err().contains("(profiles: full, minimal, web)"), r::toString);
    }

    @Test
    void aProfileLineNamingAnUnknownSubsystemOrVariantFailsTheLaunchWithTheKnownNames() throws Exception {
        Path profile = tmp.resolve("typo.txt");
        Files.writeString(profile, "@full\nconfig mm.variant pageext=late\n");
        Mmkit.Result r = Mmkit.run("--profile", profile.toString(), "-c", "mm:version");
        assertEquals(1, r.rc(), r::toString);
        assertEquals("", r.out(), r::toString);
        assertEquals("mmkit: " + profile.toAbsolutePath() + ":2: config mm.variant pageext=late: unknown subsystem"
                + " 'pageext' (subsystems: deferred-init, device-init, memmap, page-ext, reporting, reserved-bit)\n", r.err(),
                r::toString);
        Files.writeString(profile, "@full\nconfig mm.variant page-ext=lat\n");
        r = Mmkit.run("--profile", profile.toString(), "-c", "mm:version");
        assertEquals(1, r.rc(), r::toString);
        assertTrue(r.err().contains(":2: config mm.variant page-ext=lat: subsystem 'page-ext' has no variant 'lat'"
                + " (variants: late, on-touch)"), r::toString);
    }

    @Test
    void aProfileThatCannotResolveSaysWhichBundleNeedsWhat() throws Exception {
        Path profile = tmp.resolve("nojson.txt");
        Files.writeString(profile, String.join("\n", "# mm.shell without jackson-core", "slf4j-api", "slf4j-simple",
                "org.osgi.util.function", "org.osgi.util.promise", "org.osgi.service.component",
                "org.apache.felix.configadmin", "org.apache.felix.scr", "org.apache.felix.gogo.runtime",
                "org.apache.felix.gogo.command", "mm.machine", "mm.variant", "mm.core", "mm.shell", ""));
        Mmkit.Result r = Mmkit.run("--profile", profile.toString(), "-c", "mm:version");
        assertEquals(1, r.rc(), r::toString);
        assertEquals("mmkit: profile 'nojson' (" + profile.toAbsolutePath() + "): bundle mm.shell cannot start: "
                + "it needs package com.fasterxml.jackson.core (version [2.18,3)) which no bundle in the profile "
                + "provides\n", r.err(), r::toString);
    }

    @Test
    @SuppressWarnings("unchecked")
    void jsonReportsParse() throws Exception {
        Mmkit.Result r = Mmkit.run("--json", "-c", "mm:variant; mm:version; mm:profile");
        assertEquals(0, r.rc(), r::toString);
        String[] lines = r.out().split("\n");
        assertEquals(3, lines.length, r::toString);
        Map<String, Object> variants = Json.object(lines[0]);
        assertEquals("variants", variants.get("report"));
        assertTrue(variants.get("subsystems") instanceof List, r::toString);
        Map<String, Object> version = Json.object(lines[1]);
        assertEquals("7.0.5", version.get("felix"));
        assertTrue(((String) version.get("mmkit")).startsWith("0.1.0"), r::toString);
        Map<String, Object> profile = Json.object(lines[2]);
        assertEquals("full", profile.get("name"), "the default profile is full");
        for (Object b : (List<Object>) profile.get("bundles")) {
            assertEquals("ACTIVE", ((Map<String, Object>) b).get("state"), r::toString);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void profileConfigSelectsAVariantAndJsonShowsIt() throws Exception {
        Path profile = tmp.resolve("variants.txt");
        Files.writeString(profile, String.join("\n", "@full", Mmkit.itestBundle("itest.variants.jar").toString(),
                Mmkit.itestBundle("itest.variants-b.jar").toString(), "config mm.variant itest.greeter=b", ""));
        Mmkit.Result r = Mmkit.run("--profile", profile.toString(), "--json", "-c", "mm:variant; mm:profile");
        assertEquals(0, r.rc(), r::toString);
        String[] lines = r.out().split("\n");
        Map<String, Object> variants = Json.object(lines[0]);
        List<Object> greeter = ((List<Object>) variants.get("subsystems")).stream()
                .filter(o -> "itest.greeter".equals(((Map<String, Object>) o).get("subsystem"))).toList();
        assertEquals(List.of(Map.of("subsystem", "itest.greeter", "variants", List.of("a", "b", "c"),
                "selected", "b", "active", "b")), greeter, r::toString);
        Map<String, Object> p = Json.object(lines[1]);
        assertEquals(List.of("mm.variant itest.greeter=b"), p.get("config"), r::toString);
    }

    @Test
    void scriptFileAndStdinRunTheSameWay() throws Exception {
        String script = "# a comment\nmm:version\n\n  # another\nmm:variant; echo done\n";
        Path file = tmp.resolve("x.gogo");
        Files.writeString(file, script);
        Mmkit.Result fromFile = Mmkit.run(file.toString());
        Mmkit.Result fromStdin = Mmkit.runWithInput(script);
        assertEquals(0, fromFile.rc(), fromFile::toString);
        assertTrue(fromFile.out().startsWith("mmkit ") && fromFile.out().endsWith("done\n"), fromFile::toString);
        assertEquals(fromFile, fromStdin);
    }

    @Test
    void machineOptionsLoadTheMachineBeforeTheCommands() throws Exception {
        Path machine = Path.of("../machines/tiny").toAbsolutePath().normalize();
        Path dmesg = Path.of("../mm.core/src/test/resources/refdata/qemu-2g-1node/console.log").toAbsolutePath()
                .normalize();
        Mmkit.Result r = Mmkit.run("--machine", machine.toString(), "--machine-dmesg", dmesg.toString(),
                "-c", "mm:version");
        assertEquals(0, r.rc(), r::toString);
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).startsWith("Machine tiny loaded from " + machine), r::toString);
        assertTrue(lines.get(1).startsWith("Imported machine console from " + dmesg), r::toString);
        assertTrue(r.out().contains("\nmmkit 0.1.0"), "the command ran after both: " + r);
    }

    @Test
    void aMachineThatCannotLoadFailsBeforeTheCommands() throws Exception {
        Path missing = tmp.resolve("no-such-machine");
        Mmkit.Result r = Mmkit.run("--machine", missing.toString(), "-c", "mm:version");
        assertEquals(1, r.rc(), r::toString);
        assertEquals("", r.out(), r::toString);
        assertTrue(r.err().startsWith("mmkit: command failed: mm:machine load '" + missing + "': "), r::toString);
    }

    @Test
    void timingReportsTheStartUp() throws Exception {
        Mmkit.Result r = Mmkit.run("--timing", "-c", "mm:version");
        assertEquals(0, r.rc(), r::toString);
        assertTrue(r.err().matches("(?s)mmkit: framework started \\d+ ms after JVM start \\(main thread cpu \\d+ ms, jvm cpu \\d+ ms; "
                + "profile full, \\d+ bundles; init \\d+ ms \\(cpu \\d+\\), install \\d+ ms \\(cpu \\d+\\), resolve \\d+ ms "
                + "\\(cpu \\d+\\), start \\d+ ms \\(cpu \\d+\\)\\)\n"
                + "mmkit: bundle cache (made|reused|temporary) [^\n]+\n"
                + "mmkit: first command output after \\d+ ms\n"
                + "mmkit: commands done after \\d+ ms \\(main thread cpu \\d+ ms, jvm cpu \\d+ ms\\)\n"
                + "mmkit: run ended after \\d+ ms \\(main thread cpu \\d+ ms, jvm cpu \\d+ ms\\)\n"),
                r::toString);
    }

    @Test
    void badUsageExitsWith2AndPrintsTheUsage() throws Exception {
        Mmkit.Result r = Mmkit.run("--frobnicate");
        assertEquals(2, r.rc(), r::toString);
        assertTrue(r.err().startsWith("mmkit: unknown option --frobnicate\nusage: java -jar mmkit.jar"), r::toString);
    }
}
