package mm.machine.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import mm.machine.api.Machine;
import mm.machine.api.MachineFormatException;
import mm.machine.api.MachineService;
import org.osgi.service.component.annotations.Component;

/**
 * Reads machine files (docs/machine-format.md) and real kernels' dmesg, and holds the current machine. The built-in
 * machines are the files of the repository's {@code machines/} directory, packaged into this bundle under
 * {@code machines/}; the current machine starts as the built-in {@code default}.
 * <p>
 * {@link #load(Path)} makes the machine it read current (nothing changes when it fails); {@link #parse} and the
 * importers only build a machine (the {@code mm:machine import-dmesg} command makes the import current).
 */
@Component(service = MachineService.class)
public class MachineServiceImpl implements MachineService {
    /** The machines shipped in {@code machines/} (a bare name that is not a file is looked up there). */
    public static final List<String> BUILTIN = List.of("default", "qemu-2g", "xeon-2x384g", "tiny", "tiny-2node", "skylake-2x384g", "grow-zone", "hotplug-demo", "xeon-4s-512", "pmem-6t", "big-32t", "duyck-2018");
    static final String RESOURCE_DIR = "machines/";

    private volatile Machine current;

    public MachineServiceImpl() {
        try {
            current = builtin("default").orElseThrow(() -> new IllegalStateException(
                    "the built-in machine 'default' is missing from the bundle (machines/default)"));
        } catch (MachineFormatException e) {
            throw new IllegalStateException("the built-in machine 'default' does not parse: " + e.getMessage(), e);
        }
    }

    /** The text of a built-in machine, if there is one of that name. */
    public static Optional<String> builtinText(String name) {
        if (!MachineParser.NAME.matcher(name).matches()) return Optional.empty();
        try (InputStream in = MachineServiceImpl.class.getClassLoader().getResourceAsStream(RESOURCE_DIR + name)) {
            if (in == null) return Optional.empty();
            return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses a built-in machine ({@code machines/NAME}) without making it current. */
    @Override
    public List<String> builtinNames() { return BUILTIN; }

    @Override
    public Optional<Machine> builtin(String name) throws MachineFormatException {
        Optional<String> text = builtinText(name);
        if (text.isEmpty()) return Optional.empty();
        return Optional.of(parse(RESOURCE_DIR + name, text.get()));
    }

    /**
     * Reads a machine file, or, when {@code file} is a bare name (or {@code machines/NAME}) that is not an existing
     * file, the built-in machine of that name; on success it becomes the current machine.
     *
     * @throws IllegalArgumentException if there is neither such a file nor such a built-in machine
     */
    @Override
    public Machine load(Path file) throws MachineFormatException {
        Objects.requireNonNull(file, "file");
        Machine m;
        if (Files.isRegularFile(file)) {
            m = parse(file.toString(), read(file));
        } else {
            // a bare name, or machines/NAME outside the source tree
            boolean bare = !file.isAbsolute() && (file.getNameCount() == 1
                    || file.getNameCount() == 2 && file.getName(0).toString().equals("machines"));
            Optional<Machine> b = bare ? builtin(file.getFileName().toString()) : Optional.empty();
            if (b.isEmpty()) {
                throw new IllegalArgumentException("no machine file '" + file + "' and no built-in machine of that name"
                        + " (built-in: " + String.join(", ", BUILTIN) + ")");
            }
            m = b.get();
        }
        current = m;
        return m;
    }

    @Override
    public Machine parse(String name, String text) throws MachineFormatException {
        return MachineParser.parse(name, text);
    }

    @Override
    public ImportResult importDmesg(Path file) throws MachineFormatException {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("no such file: " + file);
        return importDmesgText(file.toString(), read(file));
    }

    @Override
    public ImportResult importDmesgText(String name, String text) throws MachineFormatException {
        return DmesgImporter.importText(name, text);
    }

    @Override
    public String render(Machine m) {
        return MachineRenderer.render(m);
    }

    @Override
    public Machine current() {
        return current;
    }

    @Override
    public void setCurrent(Machine m) {
        current = Objects.requireNonNull(m, "machine");
    }

    private static String read(Path file) {
        try {
            // console logs may hold bytes that are not UTF-8: they are replaced, not fatal
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
