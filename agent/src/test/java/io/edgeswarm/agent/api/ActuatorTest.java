package io.edgeswarm.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "edgeswarm.gossip.port=0")
class ActuatorTest extends RunningAgentTest {

    @Test
    void livenessAndReadinessAreUp() {
        client.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("UP");
        client.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("UP");
    }

    @Test
    void prometheusExportsTheEdgeswarmMeters() {
        client.put().uri("/api/v1/artifacts?name=metered").bodyValue(new byte[1234]).exchange()
                .expectStatus().isCreated();
        String digest = client.get().uri("/api/v1/names/metered").exchange()
                .expectBody(ArtifactViews.NameResolution.class).returnResult().getResponseBody().digest();
        client.get().uri("/api/v1/artifacts/" + digest + "/chunks/0").header("Edgeswarm-Zone", "elsewhere")
                .exchange().expectStatus().isOk().expectHeader().valueEquals("Edgeswarm-Origin", "true");

        String scrape = client.get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(scrape)
                .contains("edgeswarm_publishes_total{application=\"edgeswarm-agent\",outcome=\"ok\"} 1.0")
                .contains("edgeswarm_bytes_fetched_bytes_total{application=\"edgeswarm-agent\",locality=\"same_zone\","
                        + "source=\"local\"} 1234.0")
                .contains("edgeswarm_bytes_served_bytes_total{application=\"edgeswarm-agent\",endpoint=\"chunk\","
                        + "locality=\"cross_zone\",source=\"origin\"} 1234.0")
                .contains("edgeswarm_chunk_requests_seconds_bucket")
                .contains("edgeswarm_store_used_bytes")
                .contains("edgeswarm_store_free_bytes");
    }
}
