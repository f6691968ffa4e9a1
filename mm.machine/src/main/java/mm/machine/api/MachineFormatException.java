package mm.machine.api;

/** A machine file or dmesg that cannot be read: names the file, line, column and what was expected. */
public class MachineFormatException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String file;
    private final int line;
    private final int column;

    public MachineFormatException(String file, int line, int column, String message) {
        super(file + ":" + line + ":" + column + ": " + message);
        this.file = file;
        this.line = line;
        this.column = column;
    }

    public String file() { return file; }
    public int line() { return line; }
    public int column() { return column; }
}
