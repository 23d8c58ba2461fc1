package io.edgeswarm.agent.membership;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * Updates waiting to be piggybacked (memberlist's TransmitLimitedQueue). Each is sent at most
 * {@code retransmitMult x ceil(log10(N+1))} times, least-sent first so new updates overtake old ones; a newer update
 * about the same member replaces the queued one.
 */
final class BroadcastQueue {

    private static final Comparator<Entry> LEAST_SENT_NEWEST_FIRST = Comparator.<Entry>comparingInt(e -> e.transmits)
            .thenComparing(Comparator.<Entry>comparingLong(e -> e.order).reversed());

    private static final class Entry {
        final String node;
        final byte[] message;
        final long order;
        int transmits;

        Entry(String node, byte[] message, long order) {
            this.node = node;
            this.message = message;
            this.order = order;
        }
    }

    private final Map<String, Entry> byNode = new HashMap<>();
    private final IntSupplier retransmitLimit;
    /** Bound on queued updates: one per member, so this only guards against a flood of invented ids. */
    private final int capacity;
    private long order;

    BroadcastQueue(IntSupplier retransmitLimit, int capacity) {
        this.retransmitLimit = retransmitLimit;
        this.capacity = capacity;
    }

    void enqueue(String node, byte[] message) {
        if (byNode.size() >= capacity && !byNode.containsKey(node)) {
            byNode.values().stream().max(Comparator.comparingInt((Entry e) -> e.transmits))
                    .ifPresent(oldest -> byNode.remove(oldest.node));
        }
        byNode.put(node, new Entry(node, message, order++));
    }

    /** Takes updates that fit in {@code budget} bytes, each costing {@code overhead} extra, and counts them sent. */
    List<byte[]> take(int overhead, int budget) {
        if (byNode.isEmpty()) {
            return List.of();
        }
        List<Entry> candidates = new ArrayList<>(byNode.values());
        candidates.sort(LEAST_SENT_NEWEST_FIRST);
        int limit = retransmitLimit.getAsInt();
        List<byte[]> taken = new ArrayList<>();
        int used = 0;
        for (Entry entry : candidates) {
            int cost = overhead + entry.message.length;
            if (used + cost > budget) {
                continue;
            }
            used += cost;
            taken.add(entry.message);
            if (++entry.transmits >= limit) {
                byNode.remove(entry.node);
            }
        }
        return taken;
    }

    int size() {
        return byNode.size();
    }
}
