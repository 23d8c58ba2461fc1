package io.edgeswarm.agent.api;

import static io.edgeswarm.agent.api.ArtifactApiTest.problem;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/** With no free upload slot, peers are told to come back later, not queued. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"edgeswarm.transfer.upload-slots=0", "edgeswarm.gossip.port=0"})
class UploadSlotsTest {

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
    void chunkRequestBeyondTheUploadSlotsIsRefusedWithRetryAfter() {
        String location = client.put().uri("/api/v1/artifacts?name=busy").bodyValue(new byte[100]).exchange()
                .expectStatus().isCreated()
                .returnResult(String.class).getResponseHeaders().getLocation().toString();

        client.get().uri(location + "/chunks/0").exchange()
                .expectStatus().isEqualTo(503)
                .expectHeader().valueEquals(HttpHeaders.RETRY_AFTER, "1");
        problem(client.get().uri(location + "/chunks/0"), 503, "upload slots");
        client.get().uri(location).exchange().expectStatus().isOk();
    }
}
