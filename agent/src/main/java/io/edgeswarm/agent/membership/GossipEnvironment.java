package io.edgeswarm.agent.membership;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Everything the protocol needs from the outside world. The real agent backs it with a single-threaded executor and
 * UDP/TCP sockets; the simulator with a virtual clock and an in-memory network. All callbacks into {@link SwimNode}
 * must come from one thread at a time.
 */
public interface GossipEnvironment {

    /** Milliseconds on a monotonic clock. */
    long now();

    /** Runs {@code task} on the protocol thread after {@code delayMillis}. */
    Cancellable schedule(long delayMillis, Runnable task);

    /** Best-effort datagram (UDP); may be lost, duplicated in time, or reordered. */
    void sendPacket(NodeAddress to, byte[] packet);

    /**
     * The same datagram to each of {@code targets}, as {@link #sendPacket} would send it to each; an environment with a
     * socket writes them together (one system call for all).
     */
    default void sendPackets(List<NodeAddress> targets, byte[] packet) {
        for (NodeAddress to : targets) {
            sendPacket(to, packet);
        }
    }

    /** Reliable message (TCP) for full-state sync; fails silently if the peer is unreachable. */
    void sendStream(NodeAddress to, byte[] message);

    RandomGenerator random();

    /** A scheduled task that may be cancelled. */
    interface Cancellable {
        void cancel();
    }
}
