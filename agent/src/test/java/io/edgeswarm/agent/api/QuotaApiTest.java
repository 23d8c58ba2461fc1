package io.edgeswarm.agent.api;

import static io.edgeswarm.agent.api.ArtifactApiTest.problem;
import static io.edgeswarm.agent.TestBytes.randomBytes;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"edgeswarm.storage.max-bytes=1MB", "edgeswarm.transfer.chunk-size=64KB", "edgeswarm.gossip.port=0"})
class QuotaApiTest extends RunningAgentTest {

    @Test
    void publishBeyondTheQuotaIsRefusedWithInsufficientStorage() {
        problem(client.put().uri("/api/v1/artifacts?name=huge").bodyValue(randomBytes(2 * 1024 * 1024, 1)), 507,
                "quota");

        client.get().uri("/api/v1/artifacts").exchange().expectStatus().isOk().expectBody().json("[]");
        client.put().uri("/api/v1/artifacts?name=small").bodyValue(randomBytes(1000, 2)).exchange()
                .expectStatus().isCreated();
    }
}
