package mm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mm.reporting in the full profile: a script switches strategies live under a storm and compares them. */
class ReportingIT {
    @TempDir
    Path tmp;

    @Test
    void aScriptRunsAStormUnderEveryStrategyWithALiveSwitchAndPrintsTheTable() throws Exception {
        Path script = tmp.resolve("reporting.gogo");
        StringBuilder s = new StringBuilder("mm:machine load tiny\nmm:reporting table-clear\nmm:reporting config array.capacity=32\n");
        for (String v : new String[] {"buddy", "bitmap", "array", "sync"}) {
            s.append("mm:variant reporting ").append(v).append('\n')
                    .append("mm:workload boot\n")
                    .append("mm:workload idle --seconds 40\n")
                    .append("mm:reporting reset\n")
                    .append("mm:workload free-storm --gib 0.2 --waves 2 --threads 2\n")
                    .append("mm:workload idle --seconds 40\n")
                    .append("mm:reporting record ").append(v).append('\n');
        }
        // a live switch with pages in flight, then the checker
        s.append("mm:variant reporting bitmap\nmm:workload free-storm --gib 0.1 --waves 1\nmm:variant reporting buddy\n");
        s.append("mm:workload idle --seconds 40\nmm:reporting status\nmm:reporting stats\nmm:reporting table\n");
        Files.writeString(script, s.toString());
        Mmkit.Result r = Mmkit.run(script.toString());
        assertEquals(0, r.rc(), r::toString);
        String out = r.out();
        assertTrue(out.contains("free page reporting: enabled, strategy buddy (running), page_reporting_order 9"), r::toString);
        assertTrue(out.contains("isolated for reporting now: 0 pages"), r::toString);
        assertTrue(out.contains("host RSS over time"), r::toString);
        for (String v : new String[] {"buddy", "bitmap", "array", "sync"}) {
            Matcher m = Pattern.compile("(?m)^" + v + "\\s+([0-9.]+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+([0-9.]+)").matcher(out);
            assertTrue(m.find(), v + " row in " + r);
            assertTrue(Double.parseDouble(m.group(1)) > 0, v + " reported something: " + m.group());
            long dropped = Long.parseLong(m.group(3));
            if (v.equals("array")) assertTrue(dropped > 0, "array drops under the storm: " + m.group());
            else assertEquals(0, dropped, v + " drops nothing: " + m.group());
        }
    }

    @Test
    void theSeed004ScriptPrintsTheFourWayTable() throws Exception {
        Path seed = Path.of(System.getProperty("user.dir")).resolve("../scripts/seed004.gogo").normalize();
        Mmkit.Result r = Mmkit.run(seed.toString());
        assertEquals(0, r.rc(), r::toString);
        assertTrue(r.out().contains("strategy   reported MiB  reports  dropped"), r::toString);
        for (String v : new String[] {"buddy", "bitmap", "array", "sync"}) {
            assertTrue(Pattern.compile("(?m)^" + v + "\\s+\\d").matcher(r.out()).find(), v + " row: " + r);
        }
    }
}
