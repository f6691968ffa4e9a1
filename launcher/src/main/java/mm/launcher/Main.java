package mm.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code java -jar mmkit.jar [options] [SCRIPT]}: starts Felix with a profile, then runs a script of Gogo commands
 * (exit status 0, or 1 at the first failure) or opens the interactive Gogo shell.
 */
public final class Main {
    /** The process streams, captured before Gogo's ThreadIO replaces System.out/err. */
    static final InputStream IN = System.in;
    static final PrintStream OUT = System.out;
    static final PrintStream ERR = System.err;

    static final String USAGE = """
            usage: java -jar mmkit.jar [OPTIONS] [SCRIPT]
              Starts the mmkit OSGi runtime with a profile, then runs Gogo commands.
              -c, --command CMDS     run CMDS (separated by ';' or newlines) and exit
              SCRIPT                 run the commands in this file ('#' starts a comment line) and exit
                                     without either: an interactive shell on a terminal, else commands from stdin
              --profile NAME|FILE    the profile to start (default: full); NAME is profiles/NAME.txt in mmkit.jar
              --machine FILE         run 'mm:machine load FILE' before the commands
              --machine-dmesg FILE   run 'mm:machine import-dmesg FILE' before the commands
              --json                 every mm: report prints JSON
              --progress             show the progress line of long boots on stderr (default: only on a
                                     terminal without --json)
              --timing               print start-up times to stderr
              --seed N               a reproducible run: every random choice derives from N (the boot workload,
                                     the guest workloads), and the output shows emulated and modelled times only
                                     (no measured ones): the same N gives byte-identical output
              --wait                 after the commands (if any; stdin is then not read), keep the runtime up until
                                     the process is stopped (Ctrl-C, kill) or the framework stops: for the web
                                     console of '--profile web' without a terminal
              --keep-going           run every command even after one fails (the exit status is then the number
                                     of failed commands, at most 125)
              -h, --help             this help
            Exit status: 0 when every command succeeded, 1 when one failed (the rest are skipped, and listed) or the
            profile cannot start, 2 on bad usage.
            """;

    /** The framework property mm.shell's progress line reads (mm.shell.internal.BootProgress.PROPERTY). */
    static final String PROP_PROGRESS = "mm.progress";
    /** The framework property mm.core reads for the run's seed (mm.core.api.MemoryModel.SEED_PROPERTY). */
    static final String PROP_SEED = "mm.seed";

    private Main() {}

    public static void main(String[] args) {
        int rc;
        exitsAfterRun = true;
        try {
            rc = run(args);
        } catch (Throwable t) {
            ERR.println("mmkit: internal error: " + t);
            t.printStackTrace(ERR);
            rc = 1;
        }
        OUT.flush();
        ERR.flush();
        System.exit(rc); // Felix threads are not daemons
    }

    /** The command line. */
    record Options(String profile, List<String> commands, Path script, String machine, String machineDmesg,
                   boolean json, boolean timing, boolean help, boolean keepGoing, boolean progress, boolean await,
                   Long seed) {

        static Options parse(String... args) throws UsageException {
            String profile = "full";
            List<String> commands = new ArrayList<>();
            Path script = null;
            String machine = null;
            String dmesg = null;
            boolean json = false;
            boolean timing = false;
            boolean help = false;
            boolean keepGoing = false;
            boolean progress = false;
            boolean await = false;
            Long seed = null;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "-c", "--command" -> commands.add(value(args, ++i, a));
                    case "--profile" -> profile = value(args, ++i, a);
                    case "--machine" -> machine = value(args, ++i, a);
                    case "--machine-dmesg" -> dmesg = value(args, ++i, a);
                    case "--json" -> json = true;
                    case "--timing" -> timing = true;
                    case "--progress" -> progress = true;
                    case "-h", "--help" -> help = true;
                    case "--keep-going" -> keepGoing = true;
                    case "--wait" -> await = true;
                    case "--seed" -> seed = seed(value(args, ++i, a));
                    default -> {
                        if (a.startsWith("--profile=")) profile = a.substring(10);
                        else if (a.startsWith("--seed=")) seed = seed(a.substring(7));
                        else if (a.startsWith("-") && a.length() > 1) throw new UsageException("unknown option " + a);
                        else if (script != null) throw new UsageException("only one script file, got " + script + " and " + a);
                        else script = Path.of(a);
                    }
                }
            }
            if (script != null && !commands.isEmpty()) {
                throw new UsageException("give either -c COMMANDS or a script file, not both");
            }
            if (profile.isBlank()) throw new UsageException("--profile needs a name");
            return new Options(profile, List.copyOf(commands), script, machine, dmesg, json, timing, help, keepGoing,
                    progress, await, seed);
        }

        private static long seed(String v) throws UsageException {
            try {
                return Long.parseLong(v.trim());
            } catch (NumberFormatException e) {
                throw new UsageException("--seed: expected a whole number, got '" + v + "'");
            }
        }

        /** Framework properties from the options: mm.core reads mm.seed (MemoryModel.SEED_PROPERTY). */
        java.util.Map<String, String> properties(boolean progress) {
            java.util.Map<String, String> p = new java.util.HashMap<>();
            p.put(PROP_PROGRESS, Boolean.toString(progress));
            if (seed != null) p.put(PROP_SEED, Long.toString(seed));
            return p;
        }

        private static String value(String[] args, int i, String option) throws UsageException {
            if (i >= args.length) throw new UsageException(option + " needs a value");
            return args[i];
        }

        /** The commands the launcher runs before the user's: loading the machine. */
        List<String> preamble() throws UsageException {
            List<String> out = new ArrayList<>();
            if (machine != null) out.add("mm:machine load " + quote(machine));
            if (machineDmesg != null) out.add("mm:machine import-dmesg " + quote(machineDmesg));
            return out;
        }

        private static String quote(String path) throws UsageException {
            if (path.indexOf('\'') >= 0) throw new UsageException("file names with a single quote are not supported: " + path);
            return "'" + path + "'";
        }
    }

    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String m) {
            super(m);
        }
    }

    /** Whether {@link #run} is followed by System.exit (main), so that a script run may skip the framework's stop. */
    static volatile boolean exitsAfterRun;

    /** Runs the launcher; returns the exit status. */
    static int run(String[] args) throws InterruptedException {
        Options o;
        List<String> preamble;
        try {
            o = Options.parse(args);
            preamble = o.preamble();
        } catch (UsageException e) {
            ERR.println("mmkit: " + e.getMessage());
            ERR.print(USAGE);
            return 2;
        }
        if (o.help()) {
            OUT.print(USAGE);
            return 0;
        }
        boolean interactive = false;
        String text;
        try {
            if (!o.commands().isEmpty()) text = String.join("\n", o.commands());
            else if (o.script() != null) text = Files.readString(o.script(), StandardCharsets.UTF_8);
            else if (o.await()) text = "";
            else if (System.console() != null) {
                interactive = true;
                text = "";
            } else text = new String(IN.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            ERR.println("mmkit: cannot read " + (o.script() != null ? "script " + o.script() : "stdin") + ": "
                    + Gogo.message(e));
            return 1;
        }
        List<String> commands = new ArrayList<>(preamble);
        commands.addAll(Script.split(text));

        Launch launch;
        try {
            // the progress line: on a terminal unless the output is JSON, anywhere with --progress
            boolean progress = o.progress() || (interactive && !o.json());
            Launch.measureCpu = o.timing();
            launch = Launch.start(o.profile(), new Launch.Settings(o.json(), interactive, o.properties(progress)));
        } catch (LaunchException e) {
            ERR.println("mmkit: " + e.getMessage());
            return 1;
        }
        Timing timing = null;
        try {
            timing = o.timing() ? new Timing(launch) : null;
            FirstWrite out = new FirstWrite(OUT);
            PrintStream sessionOut = new PrintStream(out, true, StandardCharsets.UTF_8);
            int failed = 0;
            try (Gogo gogo = launch.session(IN, sessionOut, ERR)) {
                boolean first = true;
                for (int i = 0; i < commands.size(); i++) {
                    String cmd = commands.get(i);
                    try {
                        gogo.run(cmd);
                    } catch (Exception | Error e) {
                        sessionOut.flush();
                        ERR.println("mmkit: command failed: " + cmd + ": " + Gogo.message(e, cmd));
                        failed++;
                        if (!o.keepGoing()) {
                            List<String> rest = commands.subList(i + 1, commands.size());
                            if (!rest.isEmpty()) ERR.println("mmkit: " + skipped(rest));
                            return 1;
                        }
                    } finally {
                        if (first && timing != null) timing.firstCommand(out.firstWriteMillis());
                        first = false;
                    }
                }
            }
            if (failed > 0) {
                ERR.println("mmkit: " + failed + " of " + commands.size() + " command(s) failed (--keep-going)");
                return Math.min(failed, 125);
            }
            if (interactive) {
                launch.startInteractiveShell();
                launch.awaitStop();
            } else if (o.await()) {
                launch.awaitStop();
            }
            return 0;
        } catch (LaunchException e) {
            ERR.println("mmkit: " + e.getMessage());
            return 1;
        } finally {
            if (timing != null) timing.at("commands done");
            // a script run ends with the process (Main.main exits): no orderly stop of every bundle first
            if (!interactive && !o.await() && exitsAfterRun) launch.abandon();
            else launch.close();
            if (timing != null) timing.at("run ended");
        }
    }

    /** "skipped 3 commands after the failure: mm:check; mm:dmesg; mm:zoneinfo" (the list cut at about 200 chars). */
    static String skipped(List<String> rest) {
        StringBuilder sb = new StringBuilder("skipped " + rest.size() + (rest.size() == 1 ? " command" : " commands")
                + " after the failure (--keep-going runs them anyway): ");
        int shown = 0;
        for (String c : rest) {
            if (shown > 0 && sb.length() + c.length() > 200) {
                sb.append("; ... (").append(rest.size() - shown).append(" more)");
                break;
            }
            sb.append(shown == 0 ? "" : "; ").append(c);
            shown++;
        }
        return sb.toString();
    }

    /** Notes the time of the first byte written: the first command's first output. */
    static final class FirstWrite extends OutputStream {
        private final OutputStream out;
        private volatile long first;

        FirstWrite(OutputStream out) {
            this.out = out;
        }

        long firstWriteMillis() {
            return first;
        }

        private void mark() {
            if (first == 0) first = System.currentTimeMillis();
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            mark();
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            if (len > 0) mark();
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }
    }

    /** {@code --timing}: JVM start to framework ready, and to the first command's output. */
    static final class Timing {
        /** The process's start. */
        private final long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();

        Timing(Launch launch) {
            long now = System.currentTimeMillis();
            ERR.printf("mmkit: framework started %d ms after JVM start (main thread cpu %d ms, jvm cpu %d ms;"
                            + " profile %s, %d bundles; %s)%n", now - jvmStart, mainCpuMs(), jvmCpuMs(), launch.context().getProperty(Launch.PROP_PROFILE), launch.bundles().size(),
                    launch.phases());
            ERR.printf("mmkit: bundle cache %s%n", launch.storageNote());
        }

        void at(String what) {
            ERR.printf("mmkit: %s after %d ms (main thread cpu %d ms, jvm cpu %d ms)%n", what,
                    System.currentTimeMillis() - jvmStart, mainCpuMs(), jvmCpuMs());
        }

        /** CPU time of this thread (the critical path: it starts the framework and runs the commands). */
        static long mainCpuMs() {
            return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() / 1_000_000;
        }

        /** CPU time of the whole JVM (JIT compiler and GC threads included). */
        static long jvmCpuMs() {
            return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                    ? os.getProcessCpuTime() / 1_000_000 : -1;
        }

        void firstCommand(long firstWriteMillis) {
            long at = firstWriteMillis != 0 ? firstWriteMillis : System.currentTimeMillis();
            ERR.printf("mmkit: first command output after %d ms%n", at - jvmStart);
        }
    }
}
