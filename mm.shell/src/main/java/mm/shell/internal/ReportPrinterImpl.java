package mm.shell.internal;

import java.io.PrintStream;
import mm.shell.api.Report;
import mm.shell.api.ReportPrinter;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/** The {@link ReportPrinter} service: text, JSON when {@code mm.json} is true, CSV on request; on System.out. */
@Component(service = ReportPrinter.class)
public final class ReportPrinterImpl implements ReportPrinter {
    private final boolean json;

    @Activate
    public ReportPrinterImpl(BundleContext ctx) {
        this(Boolean.parseBoolean(ctx.getProperty(JSON_PROPERTY)));
    }

    /** A printer with a fixed mode (tests). */
    public ReportPrinterImpl(boolean json) {
        this.json = json;
    }

    @Override
    public void print(Report r, boolean csv) {
        String s = render(r, csv);
        // System.out at call time: Gogo points it at the session's output.
        PrintStream out = System.out;
        out.print(s.isEmpty() || s.endsWith("\n") ? s : s + "\n");
        out.flush();
    }

    String render(Report r, boolean csv) {
        if (csv) {
            if (r.table() == null) {
                throw new IllegalArgumentException("--csv: the " + r.kind() + " report is not a table");
            }
            return Render.csv(r.table());
        }
        return json ? Render.json(r) : r.text();
    }
}
