package mm.shell.internal;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * The one-line progress indicator of a long command: after the work has run for {@link #DELAY_MS}, the line is
 * redrawn on {@code err} every {@link #PERIOD_MS} from what {@code line} says then, and erased when the work ends.
 * Short commands never draw anything.
 */
final class ProgressLine {
    static final long DELAY_MS = 1000, PERIOD_MS = 200;

    private ProgressLine() {}

    static <T> T during(Supplier<String> line, PrintStream err, Callable<T> work) throws Exception {
        Thread painter = new Thread(() -> paint(line, err), "mm-progress");
        painter.setDaemon(true);
        painter.start();
        try {
            return work.call();
        } finally {
            painter.interrupt();
            painter.join();
        }
    }

    private static void paint(Supplier<String> line, PrintStream err) {
        int width = 0;
        try {
            Thread.sleep(DELAY_MS);
            while (true) {
                String l = line.get();
                err.print("\r" + l + " ".repeat(Math.max(0, width - l.length())));
                err.flush();
                width = l.length();
                Thread.sleep(PERIOD_MS);
            }
        } catch (InterruptedException e) {
            if (width > 0) {
                err.print("\r" + " ".repeat(width) + "\r");
                err.flush();
            }
        }
    }
}
