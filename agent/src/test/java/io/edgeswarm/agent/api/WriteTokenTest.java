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

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"edgeswarm.security.write-token=s3cret-token", "edgeswarm.gossip.port=0"})
class WriteTokenTest {

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
    void publishWithoutATokenIsUnauthorized() {
        problem(client.put().uri("/api/v1/artifacts?name=x").bodyValue(new byte[3]), 401, "Bearer");
    }

    @Test
    void publishWithAWrongTokenIsForbidden() {
        problem(client.put().uri("/api/v1/artifacts?name=x").header(HttpHeaders.AUTHORIZATION, "Bearer nope")
                .bodyValue(new byte[3]), 403, "not valid");
    }

    @Test
    void deleteWithoutATokenIsUnauthorized() {
        problem(client.delete().uri("/api/v1/artifacts/sha256:" + "0".repeat(64)), 401, "Bearer");
    }

    @Test
    void publishWithTheTokenSucceedsAndReadsNeedNoToken() {
        String location = client.put().uri("/api/v1/artifacts?name=x")
                .header(HttpHeaders.AUTHORIZATION, "Bearer s3cret-token").bodyValue(new byte[3]).exchange()
                .expectStatus().isCreated()
                .returnResult(String.class).getResponseHeaders().getLocation().toString();

        client.get().uri(location).exchange().expectStatus().isOk();
    }
}
