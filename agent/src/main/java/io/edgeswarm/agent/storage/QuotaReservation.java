package io.edgeswarm.agent.storage;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Bytes a write in flight has claimed against the store quota. Claims grow as bytes arrive and are released when
 * the write ends (adopted bytes are then counted as stored), so concurrent publishes cannot overshoot the quota.
 */
final class QuotaReservation {

    private final AtomicLong reservedTotal;
    private final LongSupplier storedBytes;
    private final long maxBytes;
    private long mine;

    QuotaReservation(AtomicLong reservedTotal, LongSupplier storedBytes, long maxBytes) {
        this.reservedTotal = reservedTotal;
        this.storedBytes = storedBytes;
        this.maxBytes = maxBytes;
    }

    void grow(long bytes) {
        long reserved = reservedTotal.addAndGet(bytes);
        mine += bytes;
        if (maxBytes > 0 && storedBytes.getAsLong() + reserved > maxBytes) {
            throw new StorageFullException("store quota of " + maxBytes + " bytes exceeded");
        }
    }

    void release() {
        reservedTotal.addAndGet(-mine);
        mine = 0;
    }
}
