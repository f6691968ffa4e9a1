package mm.shell.internal;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** What a command prints on System.out (where the ReportPrinter writes), for the command tests. */
final class StdoutCapture {
    private StdoutCapture() {}

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    static String of(ThrowingRunnable r) throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
