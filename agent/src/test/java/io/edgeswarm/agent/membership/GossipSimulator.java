package io.edgeswarm.agent.membership;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;
import java.util.random.RandomGenerator;

/**
 * Runs many real {@link SwimNode}s in one thread on a virtual clock over a simulated network with per-link loss,
 * latency, partitions, crashes and paused processes. Seeded: the same seed gives the same run, event for event.
 */
final class GossipSimulator {

    /** One simulated process. */
    final class SimNode implements GossipEnvironment {
        final int index;
        final NodeAddress address;
        final SplittableRandom random;
        SwimNode node;
        boolean crashed;
        /** When a packet was first sent to this node after it crashed: SWIM's "first detection" probe. */
        long firstPacketAfterCrash = -1;
        long pausedUntil = -1;
        boolean everPaused;

        SimNode(int index, SplittableRandom random) {
            this.index = index;
            this.address = new NodeAddress("10.0." + (index / 250) + "." + (index % 250 + 1), 7946);
            this.random = random;
        }

        @Override
        public long now() {
            return now;
        }

        @Override
        public Cancellable schedule(long delayMillis, Runnable task) {
            Event event = at(now + delayMillis, this, task);
            return () -> event.cancelled = true;
        }

        @Override
        public void sendPacket(NodeAddress to, byte[] packet) {
            SimNode target = byAddress.get(to);
            packetsSent++;
            bytesSent += packet.length;
            if (target != null && target.crashed && target.firstPacketAfterCrash < 0 && isProbe(packet)) {
                target.firstPacketAfterCrash = now;
            }
            if (target == null || !linkUp(this, target) || network.nextDouble() < lossRate) {
                return;
            }
            NodeAddress from = address;
            at(now + latency(), target, () -> target.node.onPacket(from, packet));
        }

        @Override
        public void sendStream(NodeAddress to, byte[] message) {
            SimNode target = byAddress.get(to);
            streamsSent++;
            bytesSent += message.length;
            if (target == null || !linkUp(this, target) || target.crashed) {
                return;
            }
            NodeAddress from = address;
            at(now + 2 * latency(), target, () -> target.node.onStream(from, message));
        }

        @Override
        public RandomGenerator random() {
            return random;
        }

        boolean paused() {
            return pausedUntil > now;
        }
    }

    private static final class Event implements Comparable<Event> {
        final long time;
        final long order;
        final SimNode owner;
        final Runnable task;
        boolean cancelled;

        Event(long time, long order, SimNode owner, Runnable task) {
            this.time = time;
            this.order = order;
            this.owner = owner;
            this.task = task;
        }

        @Override
        public int compareTo(Event o) {
            return time != o.time ? Long.compare(time, o.time) : Long.compare(order, o.order);
        }
    }

    final SwimConfig config;
    final List<SimNode> nodes = new ArrayList<>();
    private final Map<NodeAddress, SimNode> byAddress = new HashMap<>();
    private final PriorityQueue<Event> queue = new PriorityQueue<>();
    private final SplittableRandom network;
    private final long baseLatencyMs;
    private final long jitterMs;
    private double lossRate;
    private int[] partitionGroup;
    private long now;
    private long order;
    long packetsSent;
    long streamsSent;
    long bytesSent;

    /** @param observer told of every membership event, with the index of the node that saw it */
    GossipSimulator(long seed, SwimConfig config, int size, long baseLatencyMs, long jitterMs,
            BiConsumer<Integer, MembershipEvent> observer) {
        this.config = config;
        this.network = new SplittableRandom(seed);
        this.baseLatencyMs = baseLatencyMs;
        this.jitterMs = jitterMs;
        for (int i = 0; i < size; i++) {
            SimNode sim = new SimNode(i, network.split());
            int index = i;
            sim.node = new SwimNode(nodeId(i), sim.address, NodeMeta.EMPTY, config, sim,
                    event -> observer.accept(index, event));
            nodes.add(sim);
            byAddress.put(sim.address, sim);
        }
    }

    /** Starts every node with a full, settled view of the others: steady state from time zero. */
    void startConverged() {
        List<Member> view = nodes.stream().map(n -> new Member(n.node.id(), n.address, NodeMeta.EMPTY,
                MemberState.ALIVE, 0, 0)).toList();
        for (SimNode sim : nodes) {
            sim.node.restoreView(view);
            at(now + sim.random.nextLong(config.probeIntervalMs()), sim, sim.node::start);
        }
    }

    /** Starts every node knowing only the first one, and has it join through it. */
    void startByJoining() {
        SimNode seed = nodes.get(0);
        at(now, seed, seed.node::start);
        for (SimNode sim : nodes.subList(1, nodes.size())) {
            at(now + 1 + sim.random.nextLong(config.probeIntervalMs()), sim, () -> {
                sim.node.start();
                sim.node.join(List.of(seed.address));
            });
        }
    }

    long now() {
        return now;
    }

    static String nodeId(int index) {
        return "node-" + index;
    }

    static int indexOf(String nodeId) {
        return Integer.parseInt(nodeId.substring("node-".length()));
    }

    void setLossRate(double lossRate) {
        this.lossRate = lossRate;
    }

    void crash(int index) {
        nodes.get(index).crashed = true;
    }

    void pause(int index, long durationMs) {
        SimNode sim = nodes.get(index);
        sim.pausedUntil = Math.max(sim.pausedUntil, now + durationMs);
        sim.everPaused = true;
    }

    /** Cuts every link between nodes of different groups; {@code null} heals. */
    void partition(int[] groups) {
        this.partitionGroup = groups;
    }

    void runFor(long durationMs) {
        long until = now + durationMs;
        while (!queue.isEmpty() && queue.peek().time <= until) {
            Event event = queue.poll();
            now = event.time;
            if (event.cancelled || event.owner.crashed) {
                continue;
            }
            if (event.owner.paused()) {
                // A stopped process runs nothing; what was due fires in a burst when it resumes.
                queue.add(new Event(event.owner.pausedUntil, order++, event.owner, event.task));
                continue;
            }
            event.task.run();
        }
        now = until;
    }

    /** Runs {@code step} every {@code everyMs} of virtual time for {@code durationMs}. */
    void runFor(long durationMs, long everyMs, Runnable step) {
        for (long t = 0; t < durationMs; t += everyMs) {
            runFor(Math.min(everyMs, durationMs - t));
            step.run();
        }
    }

    private Event at(long time, SimNode owner, Runnable task) {
        Event event = new Event(time, order++, owner, task);
        queue.add(event);
        return event;
    }

    private static boolean isProbe(byte[] packet) {
        try {
            Message message = MessageCodec.decode(packet);
            return message instanceof Message.Ping || message instanceof Message.Compound c
                    && c.parts().stream().anyMatch(Message.Ping.class::isInstance);
        } catch (MalformedMessageException e) {
            return false;
        }
    }

    private boolean linkUp(SimNode a, SimNode b) {
        return partitionGroup == null || partitionGroup[a.index] == partitionGroup[b.index];
    }

    private long latency() {
        return baseLatencyMs + (jitterMs == 0 ? 0 : network.nextLong(jitterMs + 1));
    }
}
