package io.edgeswarm.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The zone from a node label: the request an agent makes (path, bearer token) and the answer it reads, against a
 * loopback HTTP server speaking the one API call; failures fall back to the configured zone.
 */
class NodeZoneLookupTest {

    private static final String NODE = """
            {"kind":"Node","metadata":{"name":"worker-7","labels":{"kubernetes.io/hostname":"worker-7",
            "topology.kubernetes.io/zone":"eu-west-1b"}}}""";

    @TempDir
    Path serviceAccount;

    private HttpServer api;
    private final AtomicReference<String> seenPath = new AtomicReference<>();
    private final AtomicReference<String> seenAuth = new AtomicReference<>();
    private volatile int status = 200;

    @BeforeEach
    void startApi() throws Exception {
        api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        api.createContext("/", exchange -> {
            seenPath.set(exchange.getRequestURI().getPath());
            seenAuth.set(exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] body = NODE.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        api.start();
        Files.writeString(serviceAccount.resolve("token"), "the-token\n");
    }

    @AfterEach
    void stopApi() {
        api.stop(0);
    }

    @Test
    void readsTheZoneLabelOfItsOwnNode() {
        assertThat(lookup("topology.kubernetes.io/zone", "worker-7").zone()).contains("eu-west-1b");
        assertThat(seenPath.get()).isEqualTo("/api/v1/nodes/worker-7");
        assertThat(seenAuth.get()).isEqualTo("Bearer the-token");
    }

    @Test
    void aMissingLabelOrAFailingApiFallsBackToTheConfiguredZone() {
        assertThat(lookup("example.com/rack", "worker-7").zone()).isEmpty();
        status = 403;
        assertThat(lookup("topology.kubernetes.io/zone", "worker-7").zone()).isEmpty();
        assertThat(lookup("topology.kubernetes.io/zone", "").zone()).isEmpty();
        assertThat(lookup("", "worker-7").zone()).isEmpty();
    }

    @Test
    void parsesOnlyAStringLabel() {
        assertThat(NodeZoneLookup.zoneFrom(NODE, "topology.kubernetes.io/zone")).contains("eu-west-1b");
        assertThat(NodeZoneLookup.zoneFrom("{\"metadata\":{}}", "topology.kubernetes.io/zone")).isEmpty();
        assertThat(NodeZoneLookup.zoneFrom("{\"metadata\":{\"labels\":{\"z\":\"\"}}}", "z")).isEmpty();
    }

    private NodeZoneLookup lookup(String label, String node) {
        return new NodeZoneLookup(new EdgeswarmProperties.Kubernetes(label, node,
                "http://127.0.0.1:" + api.getAddress().getPort(), serviceAccount, 1, Duration.ofSeconds(2)));
    }
}
