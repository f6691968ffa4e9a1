package mm.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import mm.core.api.MigrateType;
import mm.core.api.PageFlags;
import mm.core.api.PageInfo;
import mm.core.api.PageState;
import mm.core.api.ZoneType;
import mm.shell.api.Column;
import mm.shell.api.Report;
import mm.shell.api.Table;
import org.junit.jupiter.api.Test;

/** One column list gives the aligned text, the JSON rows and the CSV of a tabular report. */
class ReportPrinterTest {
    private static Table zones() {
        return Table.of(Column.number("node", "node").left(), Column.text("zone", "zone").width(6),
                        Column.number("start_pfn", "start").hex(), Column.number("managed", "managed pages"),
                        Column.text("note", "note").absent("none"))
                .row(0, "DMA", 1L, 3840L, null)
                .row(1, "Normal", 0x140000L, 1048576L, "hot, added");
    }

    private static String print(boolean json, Report r, boolean csv) {
        PrintStream old = System.out;
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        System.setOut(new PrintStream(b, true, StandardCharsets.UTF_8));
        try {
            new ReportPrinterImpl(json).print(r, csv);
        } finally {
            System.setOut(old);
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aTableIsAlignedTextRowsOfKeysAndCsv() {
        Report r = Report.table("zones", "zones", zones());
        assertEquals("""
                node zone      start managed pages note
                0    DMA         0x1          3840 none
                1    Normal 0x140000       1048576 hot, added
                """, print(false, r, false));
        assertEquals("{\"report\":\"zones\",\"zones\":[{\"node\":0,\"zone\":\"DMA\",\"start_pfn\":1,\"managed\":3840,"
                + "\"note\":null},{\"node\":1,\"zone\":\"Normal\",\"start_pfn\":1310720,\"managed\":1048576,"
                + "\"note\":\"hot, added\"}]}\n", print(true, r, false));
        assertEquals("node,zone,start_pfn,managed,note\n0,DMA,1,3840,\n1,Normal,1310720,1048576,\"hot, added\"\n",
                print(false, r, true), "CSV has the JSON keys and raw values, under --json too");
        assertEquals(print(false, r, true), print(true, r, true));
    }

    @Test
    void csvOfAReportWithoutATableIsRefusedInOneSentence() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> print(false, Report.of("meminfo", "MemTotal: 1 kB\n", Map.of("mem_total_kb", 1L)), true));
        assertEquals("--csv: the meminfo report is not a table", e.getMessage());
    }

    @Test
    void aColumnKeyMustBeSnakeCase() {
        assertThrows(IllegalArgumentException.class, () -> Column.number("startPfn", "start_pfn"));
        assertThrows(IllegalArgumentException.class, () -> Table.of(Column.number("a", "a")).row(1, 2));
    }

    @Test
    void pageTextAndJsonShowTheSameFlags() {
        long flags = PageFlags.links(0, 1) | PageFlags.bit(10);
        PageInfo pi = new PageInfo(0x100, true, true, flags, PageFlags.TYPE_BUDDY, 0, -129, 8, 0, ZoneType.VALUES[1],
                MigrateType.VALUES[0], PageState.FREE_BUDDY, "free (buddy, order 8)");
        Report r = CoreCommands.pageReport(0x100, pi);
        long shown = flags;
        assertTrue(r.text().contains(String.format("flags: %#x(%s)%n", shown, PageFlags.names(shown))), r.text());
        assertTrue(r.text().contains("page_type: buddy\n"), r.text());
        assertEquals(shown, r.data().get("flags"));
        assertEquals(PageFlags.names(shown), r.data().get("flag_names"));
        assertEquals("buddy", r.data().get("page_type"));
        String json = Render.json(r);
        assertTrue(json.contains("\"flags\":" + shown + ",\"flag_names\":\"" + PageFlags.names(shown) + "\""), json);
        assertEquals(List.of("pfn", "phys_addr", "valid", "initialised", "flags", "flag_names", "page_type", "refcount",
                "mapcount", "private", "node", "zone", "pageblock_migratetype", "state", "page_state"),
                List.copyOf(r.data().keySet()));
        assertEquals("free_buddy", r.data().get("page_state"));
    }
}
