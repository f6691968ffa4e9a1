package mm.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Start-up with the class-data-sharing archive the package step leaves beside the jar ({@code mmkit.jsa}, a dynamic
 * AppCDS archive of a training run: the JDK's, Felix's and the bundles' classes, already parsed and verified).
 *
 * <p>JDK 17 only maps an archive named on the command line ({@code -XX:SharedArchiveFile}; a jar manifest cannot
 * carry JVM options, and {@code -XX:+AutoCreateSharedArchive} came with JDK 19), so a plain
 * {@code java -jar mmkit.jar} starts again as a child JVM with the archive and the user's own JVM options, its
 * standard streams inherited (the terminal, stdin and the exit status pass through unchanged). The parent only
 * loads this class and {@link ProcessBuilder}: about 60 ms of JVM start bought back several times over by the
 * archive (docs/build.md has the figures).
 *
 * <p>No relaunch when: there is no archive, or it is older than the jar (a rebuilt jar; the JVM would refuse it
 * anyway), or it was made by another JVM ({@code mmkit.jsa.jvm}); the JVM already runs with an archive or an agent option of the user's; {@code -Dmmkit.relaunch=false}
 * or the environment variable {@code MMKIT_NO_RELAUNCH} is set; or the child cannot be started (then this JVM
 * simply goes on).
 */
final class FastStart {
    /** Set in the child: it must not relaunch again. */
    static final String CHILD_PROPERTY = "mmkit.relaunched";
    /** {@code -Dmmkit.relaunch=false}: run in this JVM. */
    static final String RELAUNCH_PROPERTY = "mmkit.relaunch";
    static final String NO_RELAUNCH_ENV = "MMKIT_NO_RELAUNCH";
    /** In the child: when the first JVM started (epoch ms), for --timing. */
    static final String STARTED_PROPERTY = "mmkit.started";
    /** In the child: the archive it was started with, for --timing. */
    static final String ARCHIVE_PROPERTY = "mmkit.archive";

    /**
     * The child's own JVM options, besides the archive and the user's: no perf-data file in /tmp/hsperfdata (a few
     * ms); CDS messages off, so that an archive the JVM refuses (a JDK update) never adds a line to the output. No
     * JIT option: C1 alone ({@code -XX:TieredStopAtLevel=1}) saves a third of a small run's CPU time but makes a
     * big-32t boot 2.3 times slower (docs/build.md); a user who wants it passes it to {@code java}, and it reaches
     * the child.
     */
    static final List<String> CHILD_OPTIONS = List.of("-XX:-UsePerfData", "-Xshare:auto", "-Xlog:cds=off",
            "-Xlog:cds+dynamic=off");

    private FastStart() {}

    /** Runs {@code args} in a child JVM with the archive and returns its exit status, or -1 to go on in this JVM. */
    static int relaunch(String[] args) {
        if (Boolean.getBoolean(CHILD_PROPERTY) || "false".equals(System.getProperty(RELAUNCH_PROPERTY))
                || System.getenv(NO_RELAUNCH_ENV) != null) {
            return -1;
        }
        Path jar = Embedded.codeSourcePath();
        if (jar == null || !jar.toString().endsWith(".jar")) return -1;
        Path jsa = archiveOf(jar);
        List<String> jvmArgs;
        try {
            if (!Files.isRegularFile(jsa)
                    || Files.getLastModifiedTime(jsa).compareTo(Files.getLastModifiedTime(jar)) < 0
                    || !madeByThisJvm(jsa)) {
                return -1;
            }
            jvmArgs = jvmOptions();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        if (jvmArgs == null) return -1;
        for (String a : jvmArgs) {
            // the user's own archive, or an agent / debugger that must not run twice
            if (a.startsWith("-XX:SharedArchiveFile") || a.startsWith("-Xshare") || a.startsWith("-XX:ArchiveClassesAtExit")
                    || a.startsWith("-agentlib") || a.startsWith("-agentpath") || a.startsWith("-javaagent")
                    || a.startsWith("-Xrunjdwp") || a.startsWith("-Xdebug")) {
                return -1;
            }
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-XX:SharedArchiveFile=" + jsa);
        cmd.addAll(CHILD_OPTIONS);
        cmd.add("-D" + CHILD_PROPERTY + "=true");
        // for --timing only: the management beans cost this JVM tens of ms (ProcessHandle's start is in seconds)
        if (List.of(args).contains("--timing")) {
            cmd.add("-D" + STARTED_PROPERTY + "=" + java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime());
        }
        cmd.add("-D" + ARCHIVE_PROPERTY + "=" + jsa);
        cmd.add("-jar");
        cmd.add(jar.toString());
        cmd.addAll(List.of(args));
        Process child;
        try {
            child = new ProcessBuilder(cmd).inheritIO().start();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        // Ctrl-C reaches both JVMs (one process group): the child decides (the interactive shell interrupts the
        // running command and goes on), the parent ignores it and ends with the child
        ignoreInterrupt();
        // a kill of the parent alone (SIGTERM) must stop the child too
        Thread stop = new Thread(() -> {
            if (child.isAlive()) {
                child.destroy();
                try {
                    child.waitFor();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, "mmkit child stop");
        Runtime.getRuntime().addShutdownHook(stop);
        while (true) {
            try {
                return child.waitFor();
            } catch (InterruptedException e) {
                // keep waiting: the child decides when the run ends
            }
        }
    }

    /** SIGINT ignored in this JVM (sun.misc.Signal, by reflection: jdk.unsupported); best effort. */
    private static void ignoreInterrupt() {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handler = Class.forName("sun.misc.SignalHandler");
            Object ignore = handler.getField("SIG_IGN").get(null);
            signal.getMethod("handle", signal, handler).invoke(null,
                    signal.getConstructor(String.class).newInstance("INT"), ignore);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // then Ctrl-C ends the parent too, and its shutdown hook stops the child: the same as without relaunch
        }
    }

    /**
     * The JVM options of this process's command line: what precedes {@code -jar} (from /proc through ProcessHandle:
     * the management beans would cost this short-lived JVM tens of ms of class loading). Options from
     * JDK_JAVA_OPTIONS and JAVA_TOOL_OPTIONS are not on it, and need not be: the child inherits the environment.
     * Null when the command line cannot be read or has no {@code -jar}.
     */
    static List<String> jvmOptions() {
        String[] argv = ProcessHandle.current().info().arguments().orElse(null);
        if (argv == null) return null;
        List<String> out = new ArrayList<>();
        for (String a : argv) {
            if (a.equals("-jar")) return out;
            out.add(a);
        }
        return null;
    }

    /**
     * Whether the archive was made by this JVM ({@code mmkit.jsa.jvm}: "java.vm.version java.home", written by the
     * package step): another JDK would refuse it, and the relaunch would cost a JVM start for nothing.
     */
    static boolean madeByThisJvm(Path jsa) throws IOException {
        Path jvm = jsa.resolveSibling(jsa.getFileName() + ".jvm");
        if (!Files.isRegularFile(jvm)) return false;
        String want = System.getProperty("java.vm.version") + " " + System.getProperty("java.home");
        return Files.readString(jvm).strip().equals(want);
    }

    /** {@code mmkit.jar} -> {@code mmkit.jsa} beside it. */
    static Path archiveOf(Path jar) {
        String n = jar.getFileName().toString();
        return jar.resolveSibling(n.substring(0, n.length() - ".jar".length()) + ".jsa");
    }
}
