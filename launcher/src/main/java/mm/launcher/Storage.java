package mm.launcher;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;

/**
 * The directory of Felix's bundle cache for one launch: a cache kept across runs when it can be, else a fresh
 * temporary one (the old behaviour).
 *
 * <p>Installing the 24 bundles of the full profile (each embedded jar copied into the cache, its manifest parsed,
 * its state written) took about 80 ms of every start; Felix reloads an existing cache faster. So a launch whose
 * bundles are all embedded in mmkit.jar uses {@code ~/.cache/mmkit/felix-KEY} ({@code $XDG_CACHE_HOME}, or
 * {@code -Dmmkit.cache.dir}), KEY a hash of the jar's path, size and modification time and of the bundle list: a
 * rebuilt jar, another checkout's jar or another profile gets its own directory.
 *
 * <p>Safety:
 * <ul>
 * <li>One process at a time: a lock on {@code felix-KEY.lock} held until the process ends (or the framework is
 *     closed). A second mmkit started meanwhile runs on a temporary cache, as before; nobody deletes a cache whose
 *     lock another process holds.</li>
 * <li>The cache is reused only as it was made: {@code felix-KEY.ok}, written once every bundle is installed, lists
 *     each bundle's location and last-modified time. A run that changed it (a shell's {@code install},
 *     {@code uninstall}, {@code update}, a persistent {@code start}, a start level), or a run killed while making
 *     it, makes it again from the jar.</li>
 * <li>Nothing of a run is left for the next: bundles are started transiently, and the bundles' data areas (Config
 *     Admin's stored configurations) are deleted before reuse.</li>
 * </ul>
 * {@code -Dmmkit.cache=false} or {@code MMKIT_NO_CACHE=1}: always a temporary cache.
 */
final class Storage {
    static final String CACHE_PROPERTY = "mmkit.cache";
    static final String CACHE_DIR_PROPERTY = "mmkit.cache.dir";
    static final String NO_CACHE_ENV = "MMKIT_NO_CACHE";

    private final Path dir;
    /** Kept across runs (locked by this process), or temporary (deleted at the end). */
    private final boolean shared;
    private final FileChannel lockChannel;
    private final FileLock lock;
    /** Shared: the bundles the marker lists (location -> last modified), or null when the cache must be made. */
    private Map<String, Long> recorded;
    private String note;
    private final String jarIdentity;

    private Storage(Path dir, boolean shared, FileChannel ch, FileLock lock, Map<String, Long> recorded, String note,
                    String jarIdentity) {
        this.dir = dir;
        this.shared = shared;
        this.lockChannel = ch;
        this.lock = lock;
        this.recorded = recorded;
        this.note = note;
        this.jarIdentity = jarIdentity;
    }

    Path dir() {
        return dir;
    }

    /** Whether Felix must start from an empty directory (and the bundles be installed). */
    boolean fresh() {
        return recorded == null;
    }

    /** Whether this is a kept cache (made or reused), not a temporary one. */
    boolean kept() {
        return shared;
    }

    /** Whether this launch made the kept cache (so that SCR's metadata is stored at its end: Launch.abandon). */
    boolean madeNow() {
        return shared && note.startsWith("made");
    }

    /** For --timing: "reused DIR", "made DIR", "temporary (why)". */
    String describe() {
        return note;
    }

    /** The storage for these bundles: the kept cache when possible, else a temporary directory. */
    static Storage open(List<Profile.BundleRef> refs, Map<String, String> profileProperties) throws LaunchException {
        String why = sharedRefused(refs, profileProperties);
        if (why == null) {
            try {
                Storage s = openShared(refs, profileProperties);
                if (s != null) return s;
                why = "the kept cache is in use by another mmkit";
            } catch (IOException | RuntimeException e) {
                why = "the kept cache cannot be used: " + e;
            }
        }
        return new Storage(createTemp(), false, null, null, null, "temporary (" + why + ")", null);
    }

    private static String sharedRefused(List<Profile.BundleRef> refs, Map<String, String> profileProperties) {
        if ("false".equals(System.getProperty(CACHE_PROPERTY)) || System.getenv(NO_CACHE_ENV) != null) {
            return "-D" + CACHE_PROPERTY + "=false or " + NO_CACHE_ENV;
        }
        if (profileProperties.containsKey(org.osgi.framework.Constants.FRAMEWORK_STORAGE)) return "the profile names one";
        for (Profile.BundleRef r : refs) if (r.file() != null) return "the profile has bundle files";
        if (Embedded.codeSourcePath() == null) return "the launcher's location is unknown";
        return null;
    }

    private static Storage openShared(List<Profile.BundleRef> refs, Map<String, String> properties) throws IOException {
        Path root = root();
        Files.createDirectories(root);
        String identity = identity(refs, properties);
        String key = Long.toHexString(hash(identity));
        Path dir = root.resolve("felix-" + key);
        FileChannel ch = FileChannel.open(root.resolve("felix-" + key + ".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock = null;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            // this JVM already has it (an earlier launch not closed)
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        if (lock == null) {
            ch.close();
            return null;
        }
        try {
            Map<String, Long> recorded = readMarker(marker(dir), identity);
            if (recorded != null) {
                deleteDataAreas(dir);
                return new Storage(dir, true, ch, lock, recorded, "reused " + dir, identity);
            }
            Files.deleteIfExists(marker(dir));
            return new Storage(dir, true, ch, lock, null, "made " + dir, identity);
        } catch (IOException | RuntimeException e) {
            ch.close(); // releases the lock: the run goes on with a temporary cache
            throw e;
        }
    }

    /** {@code -Dmmkit.cache.dir}, else {@code $XDG_CACHE_HOME/mmkit}, else {@code ~/.cache/mmkit}. */
    static Path root() {
        String p = System.getProperty(CACHE_DIR_PROPERTY);
        if (p != null && !p.isBlank()) return Path.of(p);
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) return Path.of(xdg, "mmkit");
        return Path.of(System.getProperty("user.home"), ".cache", "mmkit");
    }

    /**
     * What the cache's content depends on: the jar (path, size, modification time; or, run from a class directory,
     * each embedded bundle file's), the bundle list in install order and the profile's framework properties (a
     * start level property changes what is installed).
     */
    static String identity(List<Profile.BundleRef> refs, Map<String, String> properties) throws IOException {
        return identity(Embedded.codeSourcePath().toRealPath(), refs, properties);
    }

    static String identity(Path cs, List<Profile.BundleRef> refs, Map<String, String> properties) throws IOException {
        StringBuilder b = new StringBuilder("mmkit bundle cache 1\njar ").append(cs);
        if (Files.isDirectory(cs)) {
            for (Profile.BundleRef r : refs) {
                Path f = cs.resolve("bundles").resolve(r.name());
                b.append('\n').append(r.name()).append(' ').append(Files.size(f)).append(' ')
                        .append(Files.getLastModifiedTime(f).toMillis());
            }
        } else {
            b.append(' ').append(Files.size(cs)).append(' ').append(Files.getLastModifiedTime(cs).toMillis());
        }
        for (Profile.BundleRef r : refs) b.append("\nbundle ").append(r.location());
        properties.forEach((k, v) -> b.append("\nproperty ").append(k).append('=').append(v.replace('\n', ' ')));
        return b.toString();
    }

    /** 64-bit FNV-1a: a directory name, not a security check (the marker holds the whole identity). */
    static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }

    private static Path marker(Path dir) {
        return dir.resolveSibling(dir.getFileName() + ".ok");
    }

    /** The marker's bundles when it is for this identity, else null. */
    static Map<String, Long> readMarker(Path marker, String identity) {
        List<String> lines;
        try {
            lines = Files.readAllLines(marker, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
        String head = identity + "\n--\n";
        String text = String.join("\n", lines) + "\n";
        if (!text.startsWith(head)) return null;
        Map<String, Long> out = new HashMap<>();
        for (String line : text.substring(head.length()).split("\n")) {
            if (line.isEmpty()) continue;
            int sp = line.lastIndexOf(' ');
            if (sp < 0) return null;
            try {
                out.put(line.substring(0, sp), Long.parseLong(line.substring(sp + 1)));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return out.isEmpty() ? null : out;
    }

    /**
     * Whether the bundles Felix reloaded from a kept cache are the ones the marker lists, unchanged, none started
     * persistently and all at the initial start level (checked after {@code init}, before anything starts).
     */
    boolean matches(BundleContext ctx) {
        if (recorded == null) return true;
        int initial = ctx.getBundle(0).adapt(FrameworkStartLevel.class).getInitialBundleStartLevel();
        Map<String, Long> seen = new HashMap<>();
        for (Bundle b : ctx.getBundles()) {
            if (b.getBundleId() == 0) continue;
            BundleStartLevel sl = b.adapt(BundleStartLevel.class);
            if (sl == null || sl.isPersistentlyStarted() || sl.getStartLevel() != initial) return false;
            seen.put(b.getLocation(), b.getLastModified());
        }
        return seen.equals(recorded);
    }

    /** The kept cache did not match: make it again (Felix cleans the directory at its next init). */
    void remake() throws IOException {
        Files.deleteIfExists(marker(dir));
        recorded = null;
        note = "made " + dir + " (the kept one had changed)";
    }

    /** Once every bundle is installed into a kept cache that was made: the marker, then old caches of this jar. */
    void made(List<Bundle> installed) {
        if (!shared || recorded != null) return;
        StringBuilder b = new StringBuilder(jarIdentity).append("\n--\n");
        for (Bundle bundle : installed) b.append(bundle.getLocation()).append(' ').append(bundle.getLastModified()).append('\n');
        Path marker = marker(dir);
        try {
            Path tmp = Files.createTempFile(dir.getParent(), dir.getFileName() + ".", ".tmp");
            Files.writeString(tmp, b, StandardCharsets.UTF_8);
            Files.move(tmp, marker, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            return; // no marker: the next run makes it again
        }
        pruneOthers();
    }

    /**
     * Deletes the other kept caches of the same jar path (an older build of it) and those whose jar is gone, each
     * only under its lock: a cache another process is using stays.
     */
    private void pruneOthers() {
        String ours = jarLine(jarIdentity);
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir.getParent(), "felix-*.lock")) {
            for (Path lockFile : ds) {
                String n = lockFile.getFileName().toString();
                Path other = lockFile.resolveSibling(n.substring(0, n.length() - ".lock".length()));
                if (other.equals(dir)) continue;
                String theirs;
                try {
                    theirs = jarLine(Files.readString(marker(other), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    theirs = null; // no marker: an unfinished cache (deleted only if nobody holds its lock)
                }
                if (theirs == null || olderBuild(theirs, ours) || !Files.exists(Path.of(jarPath(theirs)))) {
                    deleteUnderLock(other, lockFile);
                }
            }
        } catch (IOException | RuntimeException e) {
            // best effort: old caches only take disk space
        }
    }

    /** The "jar PATH [SIZE MTIME]" line of an identity. */
    private static String jarLine(String identity) {
        return identity.lines().skip(1).findFirst().filter(l -> l.startsWith("jar ")).orElse(null);
    }

    private static String jarPath(String jarLine) {
        return jarLine.substring(4).replaceFirst(" \\d+ \\d+$", "");
    }

    /** The same jar file, another build of it (a jar, not a class directory: those have no size on the line). */
    private static boolean olderBuild(String theirs, String ours) {
        return !theirs.equals(ours) && jarPath(theirs).equals(jarPath(ours)) && !jarPath(ours).equals(ours.substring(4));
    }

    private static void deleteUnderLock(Path cache, Path lockFile) throws IOException {
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                return;
            }
            if (l == null) return;
            try {
                Files.deleteIfExists(marker(cache));
                deleteTree(cache);
                // last, still locked: a process that opens it now finds no marker and makes the cache anew. (One
                // that opened it just before could lock the deleted file while another creates a new one: only for
                // a key nobody computes any more, an older build's.)
                Files.deleteIfExists(lockFile);
            } finally {
                l.release();
            }
        }
    }

    /** SCR's parsed component descriptions (ds.cache.metadata) in its data area: kept, SCR checks them per bundle. */
    static final String SCR_METADATA = "componentMetadataStore";

    /**
     * Config Admin's stored configurations and any other bundle's files: each run starts without them, but for SCR's
     * component descriptions ({@link #SCR_METADATA}).
     */
    private static void deleteDataAreas(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "bundle*")) {
            for (Path b : ds) {
                Path data = b.resolve("data");
                if (!Files.isDirectory(data)) continue;
                try (DirectoryStream<Path> files = Files.newDirectoryStream(data)) {
                    for (Path f : files) if (!f.getFileName().toString().equals(SCR_METADATA)) deleteTree(f);
                }
            }
        }
    }

    /** The end of the launch: a kept cache is unlocked (and stays), a temporary one deleted. */
    void release() {
        if (!shared) {
            deleteTree(dir);
            return;
        }
        try {
            if (lock.isValid()) lock.release();
            lockChannel.close();
        } catch (IOException e) {
            // the process's end releases it anyway
        }
    }

    /** At JVM exit without {@link #release}: only a temporary cache has something to do. */
    void releaseAtExit() {
        if (!shared) deleteTree(dir);
    }

    /** A fresh bundle cache under java.io.tmpdir (named without SecureRandom, which costs ~50 ms to seed). */
    private static Path createTemp() throws LaunchException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        String base = "mmkit-" + ProcessHandle.current().pid() + "-";
        for (int i = 0; ; i++) {
            Path p = tmp.resolve(base + Long.toHexString(System.nanoTime() + i));
            try {
                return Files.createDirectory(p);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (i > 100) throw new LaunchException("cannot create the framework storage directory " + p);
            } catch (IOException e) {
                throw new LaunchException("cannot create the framework storage directory " + p + ": " + e, e);
            }
        }
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort
                }
            });
        } catch (IOException e) {
            // best effort
        }
    }
}
