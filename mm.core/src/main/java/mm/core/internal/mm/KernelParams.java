package mm.core.internal.mm;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import mm.machine.api.BootOptions;
import mm.machine.api.KernelConfig;

/**
 * init/main.c's view of the command line: start_kernel prints it ("Kernel command line: ..."), parse_args hands
 * each word to the parameter that claims it, and unknown_bootoption keeps the rest for init —
 * print_unknown_bootoptions then names them: first the bare words (init's argv), then the key=value ones (its
 * environment). Dotted words are module parameters and are never passed on.
 */
final class KernelParams {
    private KernelParams() {}

    /**
     * Parameters an x86-64 6.12 kernel registers (early_param, __setup, core_param; a selection of the common ones,
     * every one mmkit acts on among them), plus the emulator's own machine knobs, which stand for build options and
     * hardware rather than for words a kernel would pass on. {@code nokaslr} is not here: on x86 only the
     * decompressor reads it, and the kernel proper passes it to user space.
     */
    static final Set<String> KNOWN = Set.of(
            // mm, and what mmkit reads
            "mem", "memmap", "memblock", "movablecore", "kernelcore", "movable_node", "page_owner", "early_page_ext",
            "coherent_pool", "cma", "hugepages", "hugepagesz", "default_hugepagesz", "hugetlb_free_vmemmap",
            "crashkernel", "memhp_default_state", "transparent_hugepage", "transparent_hugepage_shmem",
            "init_on_alloc", "init_on_free", "page_poison", "page_alloc.shuffle", "numa", "numa_balancing",
            "mminit_loglevel", "memtest", "nohugeiomap", "nohugevmalloc", "slab_nomerge", "slub_debug",
            "slab_debug", "swiotlb", "kfence.sample_interval", "zswap.enabled",
            // console and logging
            "console", "earlycon", "earlyprintk", "loglevel", "ignore_loglevel", "quiet", "debug", "initcall_debug",
            "log_buf_len", "printk.devkmsg", "consoleblank", "no_console_suspend",
            // boot and init
            "root", "rootfstype", "rootflags", "rootwait", "rootdelay", "ro", "rw", "init", "rdinit", "initrd",
            "noinitrd", "panic", "panic_on_warn", "oops", "reboot", "nomodeset", "lsm", "security", "selinux",
            "apparmor", "audit", "module_blacklist", "sysrq_always_enabled", "fsck.mode", "resume", "noresume",
            "hibernate",
            // CPUs, interrupts, timers
            "nosmp", "maxcpus", "nr_cpus", "possible_cpus", "isolcpus", "nohz", "nohz_full", "rcu_nocbs",
            "irqaffinity", "noapic", "nolapic", "apic", "x2apic_phys", "nox2apic", "tsc", "clocksource", "hpet",
            "nmi_watchdog", "nowatchdog", "nosoftlockup", "idle", "intel_idle.max_cstate", "processor.max_cstate",
            "intel_pstate", "mitigations", "nopti", "pti", "spectre_v2", "spec_store_bypass_disable", "l1tf", "mds",
            "retbleed", "nospectre_v1", "nospectre_v2", "vsyscall", "noexec", "nosmap", "nosmep", "norandmaps",
            "cgroup_disable", "cgroup_enable", "cgroup_no_v1", "systemd.unified_cgroup_hierarchy",
            // firmware and buses
            "acpi", "acpi_osi", "acpi_rsdp", "noacpi", "pci", "iommu", "intel_iommu", "amd_iommu", "efi",
            "add_efi_memmap", "edd", "pcie_aspm", "nvme_core.default_ps_max_latency_us",
            // the emulator's machine knobs
            "deferred_struct_page_init", "hypervisor");

    /**
     * Parameters that exist only when their code is built: cma= (kernel/dma/contiguous.c, CONFIG_DMA_CMA) and
     * page_owner= (mm/page_owner.c, CONFIG_PAGE_OWNER); without it the kernel passes the word to user space.
     */
    static boolean known(String key, KernelConfig c) {
        return switch (key) {
            case "cma" -> c.dmaCma();
            case "page_owner" -> c.pageOwner();
            default -> KNOWN.contains(key) || KNOWN.contains(key.replace('-', '_'));
        };
    }

    static List<String> unknown(BootOptions o) { return unknown(o, KernelConfig.defaults()); }

    /** Words of the command line that no part of the kernel claims, in print_unknown_bootoptions' order. */
    static List<String> unknown(BootOptions o, KernelConfig c) {
        List<String> argv = new ArrayList<>(), envp = new ArrayList<>();
        for (String w : o.cmdline().isEmpty() ? List.<String>of() : List.of(o.cmdline().split(" +"))) {
            if (w.equals("--")) break; // the rest is init's
            String key = BootOptions.keyOf(w);
            if (known(key, c) || key.indexOf('.') >= 0) continue;
            (w.indexOf('=') > 0 ? envp : argv).add(w);
        }
        argv.addAll(envp);
        return argv;
    }

    /** The lines start_kernel prints about its command line. */
    static List<String> lines(BootOptions o, KernelConfig c) {
        List<String> out = new ArrayList<>();
        out.add("Kernel command line: " + o.cmdline());
        List<String> u = unknown(o, c);
        if (!u.isEmpty()) out.add("Unknown kernel command line parameters \"" + String.join(" ", u)
                + "\", will be passed to user space.");
        return out;
    }
}
