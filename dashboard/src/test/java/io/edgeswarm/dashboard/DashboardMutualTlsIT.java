package io.edgeswarm.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.edgeswarm.dashboard.poll.SwarmPoller;
import io.edgeswarm.dashboard.view.MemberRow;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The dashboard watching an agent that requires mutual TLS: with its own certificate from the swarm's CA (made by
 * the shipped script) it reads membership and status over HTTPS, so the member shows alive and reachable.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DashboardMutualTlsIT {

    // Kept when a test fails: the agents' logs are in it.
    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    static Path work;
    private static Agents agents;
    private static Agents.Agent agent;

    @BeforeAll
    static void startAgent() throws Exception {
        Path certs = work.resolve("tls");
        Process script = new ProcessBuilder("../deploy/tls/make-certs.sh", certs.toString(), "agent-a", "dashboard")
                .redirectErrorStream(true).start();
        String output = new String(script.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(script.waitFor()).as(output).isZero();
        agents = new Agents(work);
        agent = agents.start("tls-a", "zone-a", List.of(
                "--spring.ssl.bundle.pem.peers.keystore.certificate=file:" + certs.resolve("agent-a.crt"),
                "--spring.ssl.bundle.pem.peers.keystore.private-key=file:" + certs.resolve("agent-a.key"),
                "--spring.ssl.bundle.pem.peers.truststore.certificate=file:" + certs.resolve("ca.crt"),
                "--server.ssl.bundle=peers", "--server.ssl.client-auth=need",
                "--edgeswarm.security.tls-bundle=peers",
                "--management.server.port=" + Agents.freePort(), "--management.server.ssl.enabled=false"));
    }

    @DynamicPropertySource
    static void dashboard(DynamicPropertyRegistry registry) {
        Path certs = work.resolve("tls");
        registry.add("spring.ssl.bundle.pem.peers.keystore.certificate", () -> "file:" + certs.resolve("dashboard.crt"));
        registry.add("spring.ssl.bundle.pem.peers.keystore.private-key", () -> "file:" + certs.resolve("dashboard.key"));
        registry.add("spring.ssl.bundle.pem.peers.truststore.certificate", () -> "file:" + certs.resolve("ca.crt"));
        registry.add("edgeswarm.dashboard.tls-bundle", () -> "peers");
        registry.add("edgeswarm.dashboard.agents", () -> "https://localhost:" + agent.httpPort());
        registry.add("edgeswarm.dashboard.poll-interval", () -> "500ms");
    }

    @AfterAll
    static void stopAgent() throws IOException {
        agents.close();
    }

    @Autowired
    SwarmPoller poller;

    @Test
    void membersOfAMutualTlsSwarmAreReadOverHttps() {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            List<MemberRow> members = poller.current().members();
            assertThat(members).singleElement().satisfies(m -> {
                assertThat(m.id()).isEqualTo("tls-a");
                assertThat(m.state()).isEqualTo("alive");
                assertThat(m.address()).startsWith("https://");
                assertThat(m.reachable()).as("status read over mutual TLS: " + m.pollError()).isTrue();
            });
        });
    }
}
