package mm.shell.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Prints a {@link Report} on the command's output (the session's {@code System.out}) in the session's mode: the
 * text, or the JSON object {@code {"report": kind, ...data}} when the framework property {@code mm.json} is
 * {@code "true"} (the launcher's {@code --json}), or the report's table as CSV when the command was given
 * {@code --csv}. A service of mm.shell; command classes inject it instead of printing themselves.
 */
@ProviderType
@FunctionalInterface
public interface ReportPrinter {
    /** Framework property set by the launcher's {@code --json}. */
    String JSON_PROPERTY = "mm.json";

    /**
     * Prints {@code r}, ending with one newline: as CSV (header of column keys, then the raw values) when
     * {@code csv} is set, else as JSON under {@code --json}, else its text.
     *
     * @throws IllegalArgumentException when {@code csv} is set and {@code r} has no table
     */
    void print(Report r, boolean csv);

    /** Prints {@code r} as text, or as JSON under {@code --json}. */
    default void print(Report r) {
        print(r, false);
    }
}
