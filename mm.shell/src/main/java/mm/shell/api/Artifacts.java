package mm.shell.api;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What the experiment commands of this runtime produced, in order: the last {@code mm:compare} table, each chart of
 * {@code mm:sweep}, each {@code mm:map} picture. {@code mm:report} and the web console read them back to put a session
 * on one page. A service of mm.shell, kept in memory for the life of the framework (at most {@link #CAPACITY} entries;
 * the oldest go first).
 */
@ProviderType
public interface Artifacts {
    /** How many artifacts are kept. */
    int CAPACITY = 64;

    /**
     * One product of a command.
     *
     * @param kind the producing command's short name: {@code compare}, {@code sweep}, {@code map}
     * @param title one line saying what it shows (machine, variants, parameter)
     * @param mediaType {@code text/html} (a fragment: a table), {@code image/svg+xml}, {@code image/png} or
     *     {@code text/csv}
     * @param content the bytes (UTF-8 for the text types)
     * @param millis when it was recorded, wall-clock milliseconds
     */
    record Artifact(String kind, String title, String mediaType, byte[] content, long millis) {}

    /** Records {@code a}. */
    void record(Artifact a);

    /** Every artifact kept, oldest first. */
    List<Artifact> list();

    /** The newest artifact of {@code kind}, or null. */
    default Artifact last(String kind) {
        List<Artifact> all = list();
        for (int i = all.size() - 1; i >= 0; i--) {
            if (all.get(i).kind().equals(kind)) {
                return all.get(i);
            }
        }
        return null;
    }
}
