package io.edgeswarm.agent.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgeswarm.agent.config.EdgeswarmProperties;
import io.edgeswarm.agent.config.NodeIdentity;
import io.edgeswarm.agent.security.PeerTls;
import io.edgeswarm.agent.storage.Digest;
import io.edgeswarm.agent.storage.Manifest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.ssl.DefaultSslBundleRegistry;
import org.springframework.mock.env.MockEnvironment;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import tools.jackson.databind.json.JsonMapper;

/**
 * The manifest client against real servers on loopback: a manifest comes with what its server says of itself, so a
 * download knows an origin before its first chunk request (and draws the chunks it asks an origin for from all of them,
 * see {@link PiecePicker}).
 */
class PeerClientManifestTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final byte[] CONTENT = "one small artifact".getBytes(StandardCharsets.US_ASCII);
    private static final Manifest MANIFEST = new Manifest(sha256(CONTENT), "small", CONTENT.length, 1024,
            List.of(sha256(CONTENT)));

    private final List<DisposableServer> servers = new ArrayList<>();
    private PeerClient client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.destroy();
        }
        servers.forEach(DisposableServer::disposeNow);
    }

    @Test
    void aManifestSaysWhetherItsServerIsAnOrigin() {
        client = client();

        PeerClient.ManifestReply fromOrigin = client.manifest(peer(server("true")), MANIFEST.digest()).block();
        PeerClient.ManifestReply fromPeer = client.manifest(peer(server("false")), MANIFEST.digest()).block();
        PeerClient.ManifestReply unsaid = client.manifest(peer(server(null)), MANIFEST.digest()).block();

        assertThat(fromOrigin.manifest()).isEqualTo(MANIFEST);
        assertThat(fromOrigin.holdings()).hasToString("{0}");
        assertThat(fromOrigin.fromOrigin()).isTrue();
        assertThat(fromPeer.fromOrigin()).isFalse();
        assertThat(unsaid.fromOrigin()).as("a server that does not say (an older agent)").isFalse();
    }

    /** Serves {@link #MANIFEST} with its bitfield and, unless null, {@code origin} as {@link SwarmHeaders#ORIGIN}. */
    private DisposableServer server(String origin) {
        String body = JSON.writeValueAsString(MANIFEST);
        DisposableServer server = HttpServer.create().host("127.0.0.1").port(0)
                .route(routes -> routes.get("/api/v1/artifacts/{digest}/manifest", (request, response) -> {
                    response.header("Content-Type", "application/json").header(HoldingsHeader.NAME, "AQ==");
                    if (origin != null) {
                        response.header(SwarmHeaders.ORIGIN, origin);
                    }
                    return response.sendString(Mono.just(body));
                }))
                .bindNow();
        servers.add(server);
        return server;
    }

    private static Peer peer(DisposableServer server) {
        return new Peer("p" + server.port(), "http://127.0.0.1:" + server.port(), "zone-a", 0);
    }

    private static PeerClient client() {
        EdgeswarmProperties properties = new Binder(new MapConfigurationPropertySource(Map.of()))
                .bindOrCreate("edgeswarm", EdgeswarmProperties.class);
        PeerTls plain = new PeerTls(properties, new DefaultSslBundleRegistry(), new MockEnvironment());
        return new PeerClient(new NodeIdentity("test", "zone-a", Map.of(), "127.0.0.1"), plain, JSON, properties);
    }

    private static Digest sha256(byte[] content) {
        try {
            return Digest.of(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
