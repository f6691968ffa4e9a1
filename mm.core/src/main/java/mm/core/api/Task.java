package mm.core.api;

/** The emulated task doing an allocation (page_owner's pid, tgid and comm). */
public record Task(int pid, int tgid, String comm) {
    public static final Task SWAPPER = new Task(0, 0, "swapper/0");
    public static final Task INIT = new Task(1, 1, "swapper/0");
}
