package io.edgeswarm.agent.api;

import static io.edgeswarm.agent.api.ArtifactApiTest.problem;
import static io.edgeswarm.agent.TestBytes.randomBytes;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"edgeswarm.storage.max-bytes=1MB", "edgeswarm.transfer.chunk-size=64KB", "edgeswarm.gossip.port=0"})
class QuotaApiTest {

    @TempDir
    static Path storeDir;

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) {
        registry.add("edgeswarm.storage.dir", storeDir::toString);
    }

    @LocalServerPort
    int port;

    WebTestClient client;

    @BeforeEach
    void connect() {
        client = WebTestClient.bindToServer().baseUrl("http://localhost:" + port).build();
    }

    @Test
    void publishBeyondTheQuotaIsRefusedWithInsufficientStorage() {
        problem(client.put().uri("/api/v1/artifacts?name=huge").bodyValue(randomBytes(2 * 1024 * 1024, 1)), 507,
                "quota");

        client.get().uri("/api/v1/artifacts").exchange().expectStatus().isOk().expectBody().json("[]");
        client.put().uri("/api/v1/artifacts?name=small").bodyValue(randomBytes(1000, 2)).exchange()
                .expectStatus().isCreated();
    }
}
