package mm.pageext.api;

import java.util.List;
import mm.core.api.Task;
import mm.core.hook.BootContext;
import mm.core.hook.BootPhase;

/**
 * Where page_ext_init ran: the boot, the phase, the variant, the task doing it and the call chain above
 * page_ext_init (innermost first, without page_ext_init itself), so a client can record the stack the kernel would
 * have captured there (page_owner's early handle: register_early_stack, init_page_owner, page_ext_init, ...).
 */
public record PageExtInitContext(BootContext boot, BootPhase phase, String variant, Task task, List<String> callers) {
    public PageExtInitContext {
        callers = List.copyOf(callers);
    }
}
