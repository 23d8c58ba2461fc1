package io.edgeswarm.agent.swarm;

import java.time.Duration;
import java.util.function.LongSupplier;
import reactor.core.publisher.Mono;

/**
 * Paces bytes to a rate (bytes per second; 0 = unlimited) by reserving send times: each chunk is delayed until the
 * bucket has room for it. Chunk-sized granularity is enough to hold a long-run average.
 */
public final class TokenBucket {

    private final long bytesPerSecond;
    private final LongSupplier nanoTime;
    private long nextFreeNanos;

    public TokenBucket(long bytesPerSecond) {
        this(bytesPerSecond, System::nanoTime);
    }

    TokenBucket(long bytesPerSecond, LongSupplier nanoTime) {
        this.bytesPerSecond = bytesPerSecond;
        this.nanoTime = nanoTime;
    }

    /** {@code item} once {@code bytes} may pass. */
    public <T> Mono<T> acquire(T item, long bytes) {
        long delay = reserve(bytes);
        return delay <= 0 ? Mono.just(item) : Mono.delay(Duration.ofNanos(delay)).thenReturn(item);
    }

    /** Nanoseconds to wait before sending {@code bytes}. */
    synchronized long reserve(long bytes) {
        if (bytesPerSecond <= 0) {
            return 0;
        }
        long now = nanoTime.getAsLong();
        long start = Math.max(now, nextFreeNanos);
        nextFreeNanos = start + bytes * 1_000_000_000L / bytesPerSecond;
        return start - now;
    }
}
