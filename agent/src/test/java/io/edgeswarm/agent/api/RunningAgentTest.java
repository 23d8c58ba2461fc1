package io.edgeswarm.agent.api;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A real agent on a random port with a store in a fresh temp directory, and a client for it. Subclasses add
 * {@code @SpringBootTest(webEnvironment = RANDOM_PORT, properties = ...)} with what they need to vary.
 */
abstract class RunningAgentTest {

    /** Room for the largest test bodies read back whole. */
    private static final int MAX_BODY = 16 * 1024 * 1024;

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
        client = WebTestClient.bindToServer().baseUrl("http://localhost:" + port)
                .codecs(c -> c.defaultCodecs().maxInMemorySize(MAX_BODY)).build();
    }

    /** Publishes {@code content} under {@code name} (expecting 201) and returns the artifact's location. */
    String published(String name, byte[] content) {
        return client.put().uri("/api/v1/artifacts?name=" + name).bodyValue(content).exchange()
                .expectStatus().isCreated()
                .returnResult(String.class).getResponseHeaders().getLocation().toString();
    }
}
