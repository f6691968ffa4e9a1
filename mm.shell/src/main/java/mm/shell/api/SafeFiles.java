package mm.shell.api;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * How every mm: command writes a file: whole or not at all, and never over an existing file unless asked. The target
 * is checked before anything is opened; the content goes to a temporary file in the target's directory, which is
 * moved into place only once complete (a failure part-way leaves the target as it was). A symbolic link at the target
 * is replaced, never written through. Errors are one sentence naming the file and the reason.
 */
public final class SafeFiles {
    private SafeFiles() {}

    /** Writes the content of a file. */
    @FunctionalInterface
    public interface Body {
        void write(Writer w) throws IOException;
    }

    /**
     * Checks that {@code target} may be written (its directory exists, it is not a directory, and it does not exist
     * unless {@code force}), without touching anything.
     *
     * @throws IllegalArgumentException naming the file and the reason
     */
    public static void checkWritable(Path target, boolean force) {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir == null || !Files.isDirectory(dir)) throw refused(target, "no such directory");
        if (Files.isDirectory(abs, LinkOption.NOFOLLOW_LINKS)) throw refused(target, "is a directory");
        if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS) && !force) {
            throw refused(target, "it exists (add --force to overwrite it)");
        }
        if (!Files.isWritable(dir)) throw refused(target, "permission denied");
    }

    /**
     * Writes {@code target} (UTF-8) whole or not at all; returns its size in bytes.
     *
     * @throws IllegalArgumentException when the target cannot be written (the reason, naming the file)
     * @throws RuntimeException whatever {@code body} throws (the target is untouched then)
     */
    public static long write(Path target, boolean force, Body body) {
        return writeStream(target, force, out -> {
            Writer w = new java.io.BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            body.write(w);
            w.flush();
        });
    }

    /**
     * Writes {@code content} (a picture: PNG...) to {@code target} whole or not at all, as {@link #write}; returns its
     * size in bytes.
     *
     * @throws IllegalArgumentException when the target cannot be written (the reason, naming the file)
     */
    public static long writeBytes(Path target, boolean force, byte[] content) {
        return writeStream(target, force, out -> out.write(content));
    }

    private interface StreamBody {
        void write(OutputStream out) throws IOException;
    }

    private static long writeStream(Path target, boolean force, StreamBody body) {
        checkWritable(target, force);
        Path abs = target.toAbsolutePath();
        Path tmp;
        try {
            tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName(), ".tmp");
        } catch (IOException e) {
            throw refused(target, reason(e));
        }
        boolean moved = false;
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                body.write(out);
            }
            permissionsLike(abs, tmp);
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
            return Files.size(abs);
        } catch (IOException e) {
            throw refused(target, reason(e));
        } finally {
            if (!moved) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    // nothing more to do: the target was not touched
                }
            }
        }
    }

    /**
     * A temporary file is created owner-only; the written file gets the mode of the file it replaces, or the usual
     * rw-r--r-- of a new file.
     */
    private static void permissionsLike(Path target, Path tmp) throws IOException {
        if (!Files.getFileStore(tmp).supportsFileAttributeView(PosixFileAttributeView.class)) return;
        Set<PosixFilePermission> mode = Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)
                ? Files.getPosixFilePermissions(target, LinkOption.NOFOLLOW_LINKS)
                : PosixFilePermissions.fromString("rw-r--r--");
        Files.setPosixFilePermissions(tmp, mode);
    }

    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) return "permission denied";
        if (e instanceof NoSuchFileException) return "no such directory";
        if (e instanceof FileSystemException f && f.getReason() != null) return f.getReason();
        return e.getMessage() == null ? "I/O error" : e.getMessage();
    }

    private static IllegalArgumentException refused(Path target, String why) {
        return new IllegalArgumentException("cannot write " + target + ": " + why);
    }
}
