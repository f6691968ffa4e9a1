package mm.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code java -jar target/mmkit.jar ARGS} as a separate process, as a user would. */
final class Mmkit {
    record Result(int rc, String out, String err) {
        @Override
        public String toString() {
            return "exit " + rc + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    static Path jar() {
        return Path.of(System.getProperty("mmkit.jar", "target/mmkit.jar"));
    }

    /** Bundle files of the test-only variants (copied by the pom before the integration tests). */
    static Path itestBundle(String name) {
        return Path.of(System.getProperty("itest.bundles", "target/itest-bundles")).resolve(name).toAbsolutePath();
    }

    static Result runWithInput(String stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-jar");
        cmd.add(jar().toString());
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("mmkit-it-", ".out");
        Path err = Files.createTempFile("mmkit-it-", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
            if (stdin == null) pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            Process p = pb.start();
            if (stdin != null) {
                try (var in = p.getOutputStream()) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            // against a hang only: a run takes seconds, more on a loaded host, never minutes
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("mmkit did not exit within 10 minutes (a hang): " + cmd);
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    static Result run(String... args) throws IOException, InterruptedException {
        return runWithInput(null, args);
    }

    private Mmkit() {}
}
