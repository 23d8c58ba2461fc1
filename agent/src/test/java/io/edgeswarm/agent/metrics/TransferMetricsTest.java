package io.edgeswarm.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TransferMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final TransferMetrics metrics = new TransferMetrics(registry, Clock.systemUTC());

    @Test
    void bytesServedAddUpPerTagCombination() {
        metrics.served("chunk", "peer", "same_zone", 100);
        metrics.served("chunk", "peer", "same_zone", 50);
        metrics.served("chunk", "origin", "cross_zone", 7);

        assertThat(registry.get("edgeswarm.bytes.served").tags("source", "peer", "locality", "same_zone").counter()
                .count()).isEqualTo(150);
        assertThat(registry.get("edgeswarm.bytes.served").tags("source", "origin", "locality", "cross_zone")
                .counter().count()).isEqualTo(7);
        assertThat(registry.find("edgeswarm.bytes.served").counters()).hasSize(2);
    }

    @Test
    void bytesFetchedAndPublishedAddUpBySource() {
        metrics.fetched("peer", "same_zone", 10);
        metrics.fetched("peer", "same_zone", 20);
        metrics.published(5);

        assertThat(registry.get("edgeswarm.bytes.fetched").tags("source", "peer").counter().count()).isEqualTo(30);
        assertThat(registry.get("edgeswarm.bytes.fetched").tags("source", "local").counter().count()).isEqualTo(5);
    }

    @Test
    void chunkRequestsAreTimedPerOutcome() {
        metrics.chunkRequest("hit", Duration.ofMillis(3));
        metrics.chunkRequest("hit", Duration.ofMillis(5));
        metrics.chunkRequest("busy", Duration.ofMillis(1));

        assertThat(registry.get("edgeswarm.chunk.requests").tag("outcome", "hit").timer().count()).isEqualTo(2);
        assertThat(registry.get("edgeswarm.chunk.requests").tag("outcome", "hit").timer()
                .totalTime(TimeUnit.MILLISECONDS)).isEqualTo(8);
        assertThat(registry.get("edgeswarm.chunk.requests").tag("outcome", "busy").timer().count()).isEqualTo(1);
    }
}
