package io.edgeswarm.agent.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * An agent started with every secret set, then sent wrong tokens, bad requests and a publish, logs none of them:
 * neither the write token, nor the gossip key or the one it replaces, in any log line from start-up on.
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "edgeswarm.gossip.port=0", "edgeswarm.security.write-token=" + SecretsStayOutOfLogsTest.TOKEN,
        "edgeswarm.gossip.cluster-key=" + SecretsStayOutOfLogsTest.CLUSTER_KEY,
        "edgeswarm.gossip.previous-keys=" + SecretsStayOutOfLogsTest.OLD_KEY,
        "logging.level.io.edgeswarm=DEBUG"})
class SecretsStayOutOfLogsTest {

    static final String TOKEN = "tok-9f8e7d6c5b4a39281706";
    static final String CLUSTER_KEY = "gossip-key-1a2b3c4d5e6f7a8b";
    static final String OLD_KEY = "gossip-key-old-0f1e2d3c4b5a";

    @TempDir
    static Path store;

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) {
        registry.add("edgeswarm.storage.dir", store::toString);
    }

    @LocalServerPort
    int port;

    @Test
    void noSecretAppearsInTheLog(CapturedOutput output) {
        WebTestClient client = WebTestClient.bindToServer().baseUrl("http://localhost:" + port).build();
        client.put().uri("/api/v1/artifacts?name=a/b").header("Authorization", "Bearer " + TOKEN + "x")
                .bodyValue("data").exchange().expectStatus().isForbidden();
        client.put().uri("/api/v1/artifacts?name=a/b").header("Authorization", "Bearer " + CLUSTER_KEY)
                .bodyValue("data").exchange().expectStatus().isForbidden();
        client.put().uri("/api/v1/artifacts?name=a/b").header("Authorization", "Bearer " + TOKEN)
                .bodyValue("data").exchange().expectStatus().isCreated();
        client.delete().uri("/api/v1/artifacts/sha256:" + "0".repeat(64)).exchange().expectStatus().isUnauthorized();

        assertThat(output.getAll()).contains("Started").contains("wrong write token")
                .doesNotContain(TOKEN).doesNotContain(CLUSTER_KEY).doesNotContain(OLD_KEY);
    }
}
