package mm.shell.api;

/**
 * How a bundle's {@code mm:} commands appear in {@code mm:help}: the command service (scope {@code mm}) carries the
 * service property {@value #GROUP} naming the subsystem its commands belong to, e.g.
 * {@code @Component(property = Help.GROUP + "=page_owner")}; {@code mm:help} lists the commands under it, each with
 * the {@code @Descriptor} of its shortest form. A command service without it is listed under its bundle's name.
 */
public final class Help {
    /** Service property: the subsystem title under which {@code mm:help} lists the service's commands. */
    public static final String GROUP = "mm.help.group";

    private Help() {}
}
