package io.edgeswarm.agent.metrics;

import io.edgeswarm.agent.storage.ArtifactStore;
import io.edgeswarm.agent.storage.StoredArtifact;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/** Gauges of the chunk store, read from the store when Prometheus scrapes. */
@Component
class StoreMetrics {

    StoreMetrics(MeterRegistry registry, ArtifactStore store) {
        Gauge.builder("edgeswarm.store.used", store, ArtifactStore::storedBytes).baseUnit("bytes")
                .description("Bytes of verified artifact data held").register(registry);
        Gauge.builder("edgeswarm.store.free", store, ArtifactStore::freeBytes).baseUnit("bytes")
                .description("Bytes that may still be stored: quota or disk, whichever is smaller").register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("edgeswarm.store.evictions", store,
                ArtifactStore::evictions).description("Artifacts evicted to stay within the quota").register(registry);
        Gauge.builder("edgeswarm.store.artifacts", store, s -> s.list().stream().filter(StoredArtifact::isComplete)
                .count()).tag("state", "complete").description("Artifacts held").register(registry);
        Gauge.builder("edgeswarm.store.artifacts", store, s -> s.list().stream().filter(a -> !a.isComplete())
                .count()).tag("state", "partial").description("Artifacts held").register(registry);
    }
}
