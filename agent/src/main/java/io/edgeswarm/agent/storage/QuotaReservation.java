package io.edgeswarm.agent.storage;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongPredicate;

/**
 * Bytes a write in flight has claimed against the store quota. Claims grow as bytes arrive, evicting old artifacts
 * if need be, and are released when the write ends (adopted bytes are then counted as stored), so concurrent
 * publishes cannot overshoot the quota.
 */
final class QuotaReservation {

    private final AtomicLong reservedTotal;
    private final LongPredicate makeRoom;
    private long mine;

    /** @param makeRoom evicts until the given extra bytes fit beside what is stored and reserved; false if not */
    QuotaReservation(AtomicLong reservedTotal, LongPredicate makeRoom) {
        this.reservedTotal = reservedTotal;
        this.makeRoom = makeRoom;
    }

    void grow(long bytes) {
        reservedTotal.addAndGet(bytes);
        mine += bytes;
        if (!makeRoom.test(0)) {
            throw new StorageFullException("store quota exceeded: everything stored is pinned or in use");
        }
    }

    void release() {
        reservedTotal.addAndGet(-mine);
        mine = 0;
    }
}
