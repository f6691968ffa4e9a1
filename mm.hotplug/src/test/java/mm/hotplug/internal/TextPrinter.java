package mm.hotplug.internal;

import mm.shell.api.Report;
import mm.shell.api.ReportPrinter;

/** The text of each report on System.out, as mm.shell's printer prints it without --json. */
final class TextPrinter implements ReportPrinter {
    static final TextPrinter INSTANCE = new TextPrinter();

    @Override
    public void print(Report r, boolean csv) {
        String s = r.text();
        System.out.print(s.isEmpty() || s.endsWith("\n") ? s : s + "\n");
        System.out.flush();
    }
}
