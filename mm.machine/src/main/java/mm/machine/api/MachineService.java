package mm.machine.api;

import java.nio.file.Path;
import org.osgi.annotation.versioning.ProviderType;

/** Reads machine descriptions and holds the current one (what the next {@code mm:boot} boots). */
@ProviderType
public interface MachineService {
    /** Parses a machine file. Nothing changes on error. */
    Machine load(Path file) throws MachineFormatException;

    /** Parses machine text; {@code name} is used in error messages. */
    Machine parse(String name, String text) throws MachineFormatException;

    /** Builds a machine from a real kernel's console log / dmesg. */
    ImportResult importDmesg(Path file) throws MachineFormatException;

    ImportResult importDmesgText(String name, String text) throws MachineFormatException;

    /** Renders a machine in the machine-file format (parse(render(m)) gives m back). */
    String render(Machine m);

    /** The names of the shipped machines ({@code machines/NAME}), loadable by bare name. */
    java.util.List<String> builtinNames();

    /** A shipped machine by name (empty when there is none). */
    java.util.Optional<Machine> builtin(String name) throws MachineFormatException;

    Machine current();

    void setCurrent(Machine m);

    /** What an import used: the machine and, per kind of line, how many were used. */
    record ImportResult(Machine machine, java.util.Map<String, Integer> used, int skipped) {}
}
