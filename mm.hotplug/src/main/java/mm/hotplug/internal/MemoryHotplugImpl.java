package mm.hotplug.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import mm.core.api.MemoryModel;
import mm.core.hook.BootContext;
import mm.core.hook.BootPhase;
import mm.core.hook.BootPhaseListener;
import mm.core.spi.IsolatedPageHolder;
import mm.core.spi.MemoryHotplugSupport.RawPage;
import mm.core.spi.MemoryHotplugSupport;
import mm.hotplug.api.DevPagemap;
import mm.hotplug.api.DeviceInitTime;
import mm.hotplug.api.HotplugResult;
import mm.hotplug.api.MemoryBlock;
import mm.hotplug.api.MemoryHotplug;
import mm.hotplug.api.OnlineType;
import mm.hotplug.api.PgmapType;
import mm.machine.api.E820Range;
import mm.machine.api.E820Type;
import mm.machine.api.HotplugRange;
import mm.variant.api.VariantService;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The {@link MemoryHotplug} service: serialises the operations (the kernel's device hotplug lock), starts the state
 * over when the model was booted again, and hands each call to {@link MemoryBlocks} (drivers/base/memory.c),
 * {@link MemoryHotplugOps} (mm/memory_hotplug.c) or {@link Memremap} (mm/memremap.c). The variants of
 * {@code reserved-bit} and {@code device-init} are looked up when an operation starts.
 * Also a boot phase listener: memory_dev_init prints the block size after page_ext_init.
 */
// immediate: the dev_pagemaps and the auto_online setting of the boot must survive between commands
@Component(service = {MemoryHotplug.class, BootPhaseListener.class}, immediate = true)
public final class MemoryHotplugImpl implements MemoryHotplug, BootPhaseListener {
    private final MemoryModel model;
    private final MemoryHotplugSupport hs;
    private final MemoryBlocks blocks;
    private final ZoneChoice zones;
    private final MemoryHotplugOps ops;
    private final Memremap memremap;
    private final Object hotplugLock = new Object();
    /** Free page reporting, when its bundle runs: offline_pages waits for it to put isolated blocks back. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile List<IsolatedPageHolder> holders;
    /** The boot the state below belongs to. */
    private long bootId = Long.MIN_VALUE;
    /** The reserved-bit scenario's outcomes of this session, by policy (they survive reboots: a comparison). */
    private final Map<String, Map<String, Object>> scenarioOutcomes = new LinkedHashMap<>();

    @Activate
    public MemoryHotplugImpl(@Reference(name = "model") MemoryModel model,
                             @Reference(name = "support") MemoryHotplugSupport hs,
                             @Reference(name = "variants") VariantService variants) {
        this.model = model;
        this.hs = hs;
        this.zones = new ZoneChoice(model);
        this.blocks = new MemoryBlocks(model, hs, zones);
        Supplier<List<IsolatedPageHolder>> h = () -> holders;
        this.ops = new MemoryHotplugOps(model, hs, blocks, zones, variants, h);
        this.memremap = new Memremap(model, hs, ops, variants);
    }

    /** The state kept here belongs to one boot: start over when the model was booted again. */
    private void syncBoot() {
        if (!model.booted()) throw new IllegalStateException("not booted: run mm:boot first");
        long id = hs.bootId();
        if (id == bootId) return;
        bootId = id;
        memremap.newBoot();
        blocks.newBoot();
    }

    /** Runs {@code work} holding the hotplug lock, on the current boot. */
    private <T> T locked(Supplier<T> work) {
        synchronized (hotplugLock) {
            syncBoot();
            return work.get();
        }
    }

    // --------------------------------------------------------------------------------------- boot listener

    @Override public void onPhase(BootPhase phase, BootContext ctx) {
        if (phase != BootPhase.PAGE_EXT_LATE) return;
        // memory_dev_init (driver_init in do_basic_setup, right after page_ext_init and before the initcalls):
        // the block size, and the boot memory becomes online memory blocks
        ctx.log(String.format(Locale.ROOT, "x86/mm: Memory block size: %dMB", blockSizeBytes() >> 20));
    }

    // ------------------------------------------------------------------------------ drivers/base/memory.c

    @Override public long blockSizeBytes() { return blocks.blockSizeBytes(); }

    @Override public List<MemoryBlock> blocks() { return locked(blocks::blocks); }

    @Override public MemoryBlock block(long id) { return locked(() -> blocks.block(id)); }

    @Override public String autoOnlineBlocks() { return locked(blocks::autoOnlineBlocks); }

    @Override public void setAutoOnlineBlocks(String value) {
        locked(() -> {
            blocks.setAutoOnlineBlocks(value);
            return null;
        });
    }

    @Override public List<HotplugRange> hotplugRanges() { return model.machine().hotplug(); }

    // -------------------------------------------------------------------------------- mm/memory_hotplug.c

    @Override public HotplugResult add(int nid, long start, long size) { return locked(() -> ops.add(nid, start, size)); }

    @Override public HotplugResult online(long start, long size, OnlineType type) {
        return locked(() -> ops.online(start, size, type));
    }

    @Override public HotplugResult offline(long start, long size) { return locked(() -> ops.offline(start, size)); }

    @Override public HotplugResult remove(long start, long size) { return locked(() -> ops.remove(start, size)); }

    // ------------------------------------------------------------------------------------- mm/memremap.c

    @Override public HotplugResult memremap(int nid, long start, long size, boolean altmap, PgmapType type) {
        return locked(() -> memremap.memremap(nid, start, size, altmap, type));
    }

    @Override public HotplugResult memunmap(int pgmapId) { return locked(() -> memremap.memunmap(pgmapId)); }

    @Override public List<DevPagemap> pagemaps() { return locked(memremap::pagemaps); }

    @Override public List<DeviceInitTime> deviceInitTimes() { return locked(memremap::deviceInitTimes); }

    @Override public List<E820Range> deviceRanges() {
        return model.machine().e820().stream().filter(r -> r.type() == E820Type.PMEM || r.type() == E820Type.PRAM
                || r.type() == E820Type.SOFT_RESERVED).toList();
    }

    @Override public RawPage structPage(long pfn) { return hs.readPage(pfn); }

    // ------------------------------------------------------------------------------- reserved-bit scenario

    @Override public Map<String, Map<String, Object>> reservedBitScenario() {
        Map<String, Object> outcome = locked(() -> ReservedBitScenario.run(model, hs, blocks, zones, ops));
        synchronized (scenarioOutcomes) {
            String policy = String.valueOf(outcome.get("policy"));
            scenarioOutcomes.remove(policy);
            scenarioOutcomes.put(policy, outcome);
            return new LinkedHashMap<>(scenarioOutcomes);
        }
    }
}
