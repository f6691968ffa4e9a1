package mm.launcher;

/** A start-up failure the user can act on; the message is printed as {@code mmkit: <message>}. */
public final class LaunchException extends Exception {
    private static final long serialVersionUID = 1L;

    LaunchException(String message) {
        super(message);
    }

    LaunchException(String message, Throwable cause) {
        super(message, cause);
    }
}
