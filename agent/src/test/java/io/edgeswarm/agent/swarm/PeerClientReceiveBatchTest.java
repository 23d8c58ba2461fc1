package io.edgeswarm.agent.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.edgeswarm.agent.config.EdgeswarmProperties;
import io.edgeswarm.agent.config.NodeIdentity;
import io.edgeswarm.agent.security.PeerTls;
import io.edgeswarm.agent.storage.Digest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.epoll.Epoll;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.ssl.DefaultSslBundleRegistry;
import org.springframework.core.io.buffer.NettyDataBuffer;
import org.springframework.mock.env.MockEnvironment;
import reactor.core.publisher.Flux;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import tools.jackson.databind.json.JsonMapper;

/**
 * A chunk that trickles in, as from a peer on a slower link, over a real loopback socket: with a receive batch the
 * kernel hands it over in batches, without one in about as many reads as the sender's writes; and one slower than its
 * timeout fails with an error that names it.
 */
class PeerClientReceiveBatchTest {

    private static final int PIECE = 1024;
    private static final int PIECES = 256;
    private static final Duration BETWEEN_PIECES = Duration.ofMillis(1);
    private static final Digest DIGEST = Digest.of(new byte[32]);

    private DisposableServer server;

    @BeforeEach
    void dripServer() {
        server = HttpServer.create().host("127.0.0.1").port(0)
                .route(routes -> routes.get("/api/v1/artifacts/{digest}/chunks/{index}", (request, response) ->
                        response.header("Content-Length", Integer.toString(PIECE * PIECES))
                                .send(Flux.range(0, PIECES).delayElements(BETWEEN_PIECES)
                                        .map(i -> Unpooled.wrappedBuffer(new byte[PIECE])), piece -> true)))
                .bindNow();
    }

    @AfterEach
    void stop() {
        server.disposeNow();
    }

    @Test
    void aTricklingChunkArrivesInBatches() {
        assertThat(Epoll.isAvailable()).as("Linux's native transport, which Reactor Netty uses here").isTrue();
        // 4 batches of 64 KiB; a read may stop short of a batch when the receive window fills first
        assertThat(partsOfOneChunk("64KB")).isLessThanOrEqualTo(2 * PIECE * PIECES / (64 * 1024) + 4);
    }

    @Test
    void withoutABatchEveryPieceWakesTheReader() {
        assertThat(partsOfOneChunk("0")).isGreaterThan(PIECES / 4);
    }

    @Test
    void aChunkSlowerThanItsTimeoutFailsNamingTheChunkAndThePeer() {
        PeerClient client = client("64KB");
        Peer peer = new Peer("dripper", "http://127.0.0.1:" + server.port(), "default", 0);

        assertThatThrownBy(() -> client.chunk(peer, DIGEST, 7, Duration.ofMillis(50), null).block())
                .hasCauseInstanceOf(TimeoutException.class)
                .hasMessageContaining("chunk 7 from dripper timed out after 50 ms");
    }

    private int partsOfOneChunk(String receiveBatch) {
        PeerClient client = client(receiveBatch);
        Peer peer = new Peer("dripper", "http://127.0.0.1:" + server.port(), "default", 0);
        PeerClient.ChunkReply reply = client.chunk(peer, DIGEST, 0, Duration.ofSeconds(30), null).block();
        try {
            assertThat(reply.length()).isEqualTo(PIECE * PIECES);
            ByteBuf body = ((NettyDataBuffer) reply.body()).getNativeBuffer();
            return body instanceof CompositeByteBuf composite ? composite.numComponents() : 1;
        } finally {
            reply.release();
        }
    }

    private static PeerClient client(String receiveBatch) {
        EdgeswarmProperties properties = new Binder(new MapConfigurationPropertySource(Map.of(
                "edgeswarm.node-id", "test", "edgeswarm.transfer.receive-batch", receiveBatch)))
                .bindOrCreate("edgeswarm", EdgeswarmProperties.class);
        PeerTls plain = new PeerTls(properties, new DefaultSslBundleRegistry(), new MockEnvironment());
        return new PeerClient(new NodeIdentity("test", "default", Map.of(), "127.0.0.1"), plain,
                JsonMapper.builder().build(), properties);
    }
}
