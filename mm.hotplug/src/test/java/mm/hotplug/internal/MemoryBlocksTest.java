package mm.hotplug.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import mm.hotplug.api.MemoryBlock;
import mm.machine.api.Machine;
import org.junit.jupiter.api.Test;

/** Memory blocks as /sys/devices/system/memory shows them, and the x86 block size rule. */
class MemoryBlocksTest {
    static final long G = 1L << 30, M = 1L << 20;

    @Test
    void qemu2gListsTheBlocksOfTheRealKernel() throws Exception {
        // out of the box: the reference 6.12 build onlines hot-added memory (CONFIG_MEMORY_HOTPLUG_DEFAULT_ONLINE=y)
        Rig rig = new Rig(Rig.asShipped("qemu-2g"));
        String expected;
        try (InputStream in = getClass().getResourceAsStream("/refdata/qemu-2g-memory-blocks.txt")) {
            expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String got = print(() -> new HotplugCommands(rig.hp, rig.model, rig.variants, TextPrinter.INSTANCE).memory());
        assertEquals(expected.strip(), got.strip());
        assertTrue(rig.model.dmesg().stream().anyMatch(l -> l.endsWith("x86/mm: Memory block size: 128MB")),
                "memory_dev_init prints the block size during boot");
    }

    @Test
    void the61PresetLeavesHotAddedBlocksOffline() throws Exception {
        Rig rig = new Rig(Rig.asShipped("qemu-2g").withConfig(mm.machine.api.KernelConfig.preset("6.1")));
        String got = print(() -> new HotplugCommands(rig.hp, rig.model, rig.variants, TextPrinter.INSTANCE).memory());
        assertTrue(got.contains("auto_online_blocks=offline\n"), got);
    }

    @Test
    void blockSizeFollowsTheX86Rule() {
        Machine bare = Rig.machine("tiny");
        Machine vm = Rig.withExtra(bare, Map.of("hypervisor", "kvm"));
        assertEquals(128 * M, MemoryBlocks.probeMemoryBlockSize(2 * G, bare), "below 64 GiB: 128 MiB");
        assertEquals(128 * M, MemoryBlocks.probeMemoryBlockSize(64 * G - 128 * M, bare));
        assertEquals(2 * G, MemoryBlocks.probeMemoryBlockSize(64 * G + 128 * M, bare), "bare metal: 2 GiB");
        assertEquals(2 * G, MemoryBlocks.probeMemoryBlockSize(768 * G, vm), "VM, end aligned to 2 GiB");
        assertEquals(512 * M, MemoryBlocks.probeMemoryBlockSize(64 * G + 512 * M, vm),
                "VM: the largest power of two <= 2 GiB dividing the end of boot memory");
        assertEquals(128 * M, MemoryBlocks.probeMemoryBlockSize(64 * G + 128 * M, vm));
    }

    @Test
    void tinyHasTwoBootBlocksSpanningTheirZones() {
        Rig rig = Rig.builtin("tiny");
        assertEquals(128 * M, rig.blockBytes());
        List<MemoryBlock> b = rig.hp.blocks();
        assertEquals(2, b.size());
        assertEquals("memory0 online [none] DMA,DMA32", b.get(0).name() + " " + b.get(0).state() + " ["
                + b.get(0).validZones() + "] DMA,DMA32");
        assertEquals("DMA32", b.get(1).validZones());
        assertTrue(b.get(0).early() && b.get(1).early());
    }

    @Test
    void offlineBlocksShowTheZonesOnliningCouldChoose() {
        Rig rig = Rig.builtin("tiny");
        assertTrue(rig.hp.add(0, 4 * G, 256 * M).ok());
        MemoryBlock b32 = rig.hp.block(32);
        assertEquals("offline", b32.state());
        assertEquals("Normal Movable", b32.validZones(), "default zone first, then the other choices");
        assertTrue(rig.hp.online(4 * G, 128 * M, mm.hotplug.api.OnlineType.ONLINE_MOVABLE).ok());
        assertEquals("Movable", rig.hp.block(32).validZones());
        // the next block does not intersect Movable's span [4G, 4G+128M): the kernel zone is the default
        assertEquals("Normal Movable", rig.hp.block(33).validZones());
        assertTrue(rig.hp.online(4 * G + 128 * M, 128 * M, mm.hotplug.api.OnlineType.ONLINE_KERNEL).ok());
        assertEquals("Normal", rig.hp.block(33).validZones());
        rig.clean("online");
    }

    static String print(Runnable r) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
