package mm.core.internal.mm;

import java.util.concurrent.atomic.AtomicInteger;
import mm.core.api.Task;

/**
 * The emulated CPUs of one boot: smp_processor_id() for the calling thread and its {@code current} task. Threads
 * are spread round-robin over the machine's CPUs on first use (threads whose ids collide modulo the table share a
 * CPU, which the pcp trylock handles). A table instead of a ThreadLocal because every alloc and free asks.
 */
final class Cpus {
    private static final java.lang.invoke.VarHandle INTS = java.lang.invoke.MethodHandles.arrayElementVarHandle(int[].class);
    private static final int CPU_SLOTS = 1 << 12;

    /** cpu_to_node: the node of each CPU (set by numa_init). */
    int[] cpuNode;
    private final AtomicInteger nextCpu = new AtomicInteger();
    private final int[] cpuOfThread = new int[CPU_SLOTS];
    private final ThreadLocal<Task> task = new ThreadLocal<>();
    /**
     * The last task each thread-id slot set, with its thread: current() is read twice per allocation when a hook
     * is bound, and a slot hit is cheaper than the ThreadLocal (colliding threads fall back to it).
     */
    private final TaskSlot[] taskSlots = new TaskSlot[CPU_SLOTS];

    private record TaskSlot(Thread thread, Task task) {}

    Cpus() {
        java.util.Arrays.fill(cpuOfThread, -1);
    }

    /** smp_processor_id() of the calling thread. */
    int cpu() {
        int slot = (int) Thread.currentThread().getId() & (CPU_SLOTS - 1);
        int c = cpuOfThread[slot];
        return c >= 0 ? c : assignCpu(slot);
    }

    /**
     * The calling thread's CPU without giving it one: 0 (the boot CPU) for a thread that has not allocated or freed
     * yet, so an observer (a tracer) never changes which pcp lists a thread will use.
     */
    int cpuIfAssigned() {
        int c = cpuOfThread[(int) Thread.currentThread().getId() & (CPU_SLOTS - 1)];
        return Math.max(c, 0);
    }

    private int assignCpu(int slot) {
        int c = cpuNode == null ? 0 : Math.floorMod(nextCpu.getAndIncrement(), cpuNode.length);
        INTS.compareAndSet(cpuOfThread, slot, -1, c);
        return (int) INTS.getVolatile(cpuOfThread, slot);
    }

    /**
     * Moves the calling thread to {@code cpu} (-1: back to none, the next use assigns one) and returns the CPU it
     * was on: a boot task that runs on a given CPU (a per-cpu kthread, user space on each CPU) uses that CPU's
     * pagesets.
     */
    int migrate(int cpu) {
        int slot = (int) Thread.currentThread().getId() & (CPU_SLOTS - 1);
        int prev = (int) INTS.getVolatile(cpuOfThread, slot);
        INTS.setVolatile(cpuOfThread, slot, cpu);
        return prev;
    }

    /** Number of possible CPUs. */
    int count() { return cpuNode.length; }

    /** The task the calling thread set (setCurrentTask), or null. */
    Task taskOrNull() {
        Thread me = Thread.currentThread();
        TaskSlot slot = taskSlots[(int) me.getId() & (CPU_SLOTS - 1)];
        if (slot == null) return null; // no thread of this slot has set a task
        return slot.thread() == me ? slot.task() : task.get();
    }

    /** Sets (null: clears) the calling thread's current task. */
    void setTask(Task t) {
        Thread me = Thread.currentThread();
        if (t == null) task.remove(); else task.set(t);
        taskSlots[(int) me.getId() & (CPU_SLOTS - 1)] = new TaskSlot(me, t);
    }

    /** current: the calling thread's task, init when it set none. */
    Task currentTask() {
        Task t = taskOrNull();
        return t == null ? Task.INIT : t;
    }
}
