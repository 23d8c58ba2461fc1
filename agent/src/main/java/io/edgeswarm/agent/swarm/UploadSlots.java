package io.edgeswarm.agent.swarm;

import io.edgeswarm.agent.config.EdgeswarmProperties;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/**
 * Bounds how many chunks this agent serves at once. A downloader refused a slot gets 503 with Retry-After and asks
 * another holder, which spreads load across the swarm instead of queueing behind the busiest peer.
 */
@Component
public class UploadSlots {

    private final int capacity;
    private final AtomicInteger inUse = new AtomicInteger();
    private final TokenBucket uploadRate;

    public UploadSlots(EdgeswarmProperties properties, MeterRegistry registry) {
        this.capacity = properties.transfer().uploadSlots();
        var cap = properties.transfer().maxUploadRate();
        this.uploadRate = new TokenBucket(cap == null ? 0 : cap.toBytes());
        Gauge.builder("edgeswarm.upload.slots.in.use", inUse, AtomicInteger::get)
                .description("Chunk uploads in progress").register(registry);
        Gauge.builder("edgeswarm.upload.slots.capacity", () -> capacity).register(registry);
    }

    public boolean tryAcquire() {
        while (true) {
            int current = inUse.get();
            if (current >= capacity) {
                return false;
            }
            if (inUse.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    public void release() {
        inUse.decrementAndGet();
    }

    /** Completes when {@code bytes} may be sent under {@code edgeswarm.transfer.max-upload-rate}. */
    public reactor.core.publisher.Mono<Boolean> pace(long bytes) {
        return uploadRate.acquire(Boolean.TRUE, bytes);
    }

    public int capacity() {
        return capacity;
    }

    public int inUse() {
        return inUse.get();
    }
}
