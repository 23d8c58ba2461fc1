package io.edgeswarm.agent.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.edgeswarm.agent.TestBytes;
import io.edgeswarm.agent.config.EdgeswarmProperties;
import io.edgeswarm.agent.config.NodeIdentity;
import io.edgeswarm.agent.security.PeerTls;
import io.edgeswarm.agent.storage.Digest;
import io.edgeswarm.agent.storage.Manifest;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.ssl.DefaultSslBundleRegistry;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.mock.env.MockEnvironment;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.tcp.TcpServer;
import reactor.util.function.Tuple2;
import tools.jackson.databind.json.JsonMapper;

/**
 * The chunk client against real servers on loopback: replies of every kind, connections kept alive and reused,
 * and peers that misbehave (cut a reply short, close a kept-alive connection, answer without a length), each ending
 * in an answer or a clear error, never a hang. And the manifest a download starts from, with what its server says of
 * itself.
 */
class PeerClientChunkTest {

    private static final Digest DIGEST = Digest.of(new byte[32]);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final byte[] CHUNK = new byte[300_000];

    static {
        new Random(7).nextBytes(CHUNK);
    }

    private final List<DisposableServer> servers = new ArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final Map<String, String> headersSeen = new ConcurrentHashMap<>();
    /** Requests for chunks 30-32 arrived so far; none is answered before all three have, or {@link #TOGETHER}. */
    private final AtomicInteger togetherArrived = new AtomicInteger();
    private final Sinks.Empty<Void> allTogether = Sinks.empty();
    private static final Duration TOGETHER = Duration.ofSeconds(2);
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
        // So a download knows an origin before its first chunk request, and draws what it asks an origin for from all
        // equally rare chunks (PiecePicker).
        byte[] content = "one small artifact".getBytes(StandardCharsets.US_ASCII);
        Digest digest = Digest.parse(TestBytes.sha256(content));
        Manifest manifest = new Manifest(digest, "small", content.length, 1024, List.of(digest));
        client = client();

        PeerClient.ManifestReply fromOrigin = client.manifest(peer(manifestServer(manifest, "true")),
                manifest.digest()).block();
        PeerClient.ManifestReply fromPeer = client.manifest(peer(manifestServer(manifest, "false")),
                manifest.digest()).block();
        PeerClient.ManifestReply unsaid = client.manifest(peer(manifestServer(manifest, null)),
                manifest.digest()).block();

        assertThat(fromOrigin.manifest()).isEqualTo(manifest);
        assertThat(fromOrigin.holdings()).hasToString("{0}");
        assertThat(fromOrigin.fromOrigin()).isTrue();
        assertThat(fromPeer.fromOrigin()).isFalse();
        assertThat(unsaid.fromOrigin()).as("a server that does not say (an older agent)").isFalse();
    }

    @Test
    void aManifestIsAskedForGzippedAndInflated() {
        // Agents serve manifests gzipped to whoever asks (GzippedManifests): most of one is hex digests.
        List<Digest> chunks = new ArrayList<>();
        Random random = new Random(11);
        for (int i = 0; i < 64; i++) {
            byte[] digest = new byte[32];
            random.nextBytes(digest);
            chunks.add(Digest.of(digest));
        }
        Manifest manifest = new Manifest(DIGEST, "gzipped", 64L * 1024, 1024, chunks);
        byte[] gzipped = gzip(JsonMapper.builder().build().writeValueAsBytes(manifest));
        DisposableServer server = HttpServer.create().host("127.0.0.1").port(0)
                .route(routes -> routes.get("/api/v1/artifacts/{digest}/manifest", (request, response) -> {
                    String accepted = request.requestHeaders().get("Accept-Encoding");
                    headersSeen.put("Accept-Encoding", String.valueOf(accepted));
                    if (accepted == null || !accepted.contains("gzip")) {
                        return response.status(406).send();
                    }
                    return response.header("Content-Type", "application/json").header("Content-Encoding", "gzip")
                            .sendByteArray(Mono.just(gzipped));
                }))
                .bindNow();
        servers.add(server);
        client = client();

        PeerClient.ManifestReply reply = client.manifest(peer(server), manifest.digest()).block();

        assertThat(headersSeen.get("Accept-Encoding")).contains("gzip");
        assertThat(reply.manifest()).isEqualTo(manifest);
    }

    private static byte[] gzip(byte[] content) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(out)) {
            gzip.write(content);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    @Test
    void repliesOfEveryKindAndOneConnectionForAll() {
        Peer peer = peer(httpServer());
        client = client();

        PeerClient.ChunkReply reply = client.chunk(peer, DIGEST, 0, TIMEOUT, "AQ==").block();
        try {
            assertThat(bytes(reply.body())).isEqualTo(CHUNK);
            assertThat(reply.fromOrigin()).isTrue();
            assertThat(reply.uploads()).isEqualTo(3);
            assertThat(reply.holdings()).isEqualTo(BitSet.valueOf(new byte[] {5}));
        } finally {
            reply.release();
        }
        assertThat(headersSeen).containsEntry("Edgeswarm-Holdings", "AQ==").containsEntry("Edgeswarm-Zone", "zone-a")
                .containsEntry("Edgeswarm-Node", "test");

        assertThatThrownBy(() -> client.chunk(peer, DIGEST, 1, TIMEOUT, null).block())
                .isInstanceOf(PeerBusyException.class);
        assertThatThrownBy(() -> client.chunk(peer, DIGEST, 2, TIMEOUT, null).block())
                .isInstanceOfSatisfying(SentAlreadyException.class, e ->
                        assertThat(e.askInstead()).isEqualTo(BitSet.valueOf(new byte[] {1, 2})));
        assertThatThrownBy(() -> client.chunk(peer, DIGEST, 3, TIMEOUT, null).block())
                .isInstanceOfSatisfying(ChunkRefusedException.class, e -> assertThat(e.notHeld()).isTrue());
        PeerClient.ChunkReply again = client.chunk(peer, DIGEST, 0, TIMEOUT, null).block();
        again.release();

        assertThat(connections).as("every reply, refusals included, left the connection open for the next").hasValue(1);
    }

    @Test
    void aCancelledRequestClosesItsConnectionAndTheNextUsesANewOne() throws Exception {
        AtomicInteger closed = new AtomicInteger();
        DisposableServer server = HttpServer.create().host("127.0.0.1").port(0)
                .doOnChannelInit((observer, channel, address) -> {
                    connections.incrementAndGet();
                    channel.closeFuture().addListener(done -> closed.incrementAndGet());
                })
                .route(routes -> routes.get("/api/v1/artifacts/{digest}/chunks/{index}", (request, response) ->
                        "9".equals(request.param("index"))
                                ? response.header("Content-Length", "2000").send(Flux.just(new byte[1000])
                                        .concatWith(Mono.delay(Duration.ofSeconds(30)).map(tick -> new byte[1000]))
                                        .map(Unpooled::wrappedBuffer), piece -> true)
                                : response.header("Content-Length", Integer.toString(CHUNK.length))
                                        .send(Mono.just(Unpooled.wrappedBuffer(CHUNK)))))
                .bindNow();
        servers.add(server);
        Peer peer = peer(server);
        client = client();

        Disposable slow = client.chunk(peer, DIGEST, 9, TIMEOUT, null).subscribe();
        Thread.sleep(300);
        slow.dispose();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(closed).hasValue(1));

        PeerClient.ChunkReply reply = client.chunk(peer, DIGEST, 0, TIMEOUT, null).block();
        try {
            assertThat(bytes(reply.body())).isEqualTo(CHUNK);
        } finally {
            reply.release();
        }
        assertThat(connections).hasValue(2);
    }

    @Test
    void requestsToOnePeerShareAConnectionAndEachGetsItsOwnReply() {
        Peer peer = peer(httpServer());
        client = client(3);

        List<String> replies = texts(peer, 10, 11, 12);

        assertThat(replies).as("replies in the order asked, the first the slowest")
                .containsExactly("chunk 10", "chunk 11", "chunk 12");
        assertThat(connections).as("three requests sent one after another on one connection").hasValue(1);
    }

    @Test
    void withPipelineDepthOneEveryRequestInFlightHasAConnectionOfItsOwn() {
        Peer peer = peer(httpServer());
        client = client(1);

        // The server answers none of the three until all three have arrived: a reply that came before the third
        // request went out would free its connection for it, whatever the client's rule (seen once in CI).
        List<String> replies = texts(peer, 30, 31, 32);

        assertThat(replies).containsExactly("chunk 30", "chunk 31", "chunk 32");
        assertThat(togetherArrived).as("all three were in flight at once").hasValue(3);
        assertThat(connections).hasValue(3);
    }

    @Test
    void aRequestGivenUpWithAReplyBehindItDropsItsOwnAndKeepsTheConnection() throws Exception {
        Peer peer = peer(httpServer());
        client = client(3);

        Disposable slow = client.chunk(peer, DIGEST, 22, TIMEOUT, null).subscribe();
        Mono<String> next = client.chunk(peer, DIGEST, 11, TIMEOUT, null).map(PeerClientChunkTest::text).cache();
        next.subscribe();
        Thread.sleep(300);
        slow.dispose();

        assertThat(next.block(TIMEOUT)).isEqualTo("chunk 11");
        assertThat(text(client.chunk(peer, DIGEST, 12, TIMEOUT, null).block(TIMEOUT))).isEqualTo("chunk 12");
        assertThat(connections).as("the given-up reply was read and dropped, not cut off").hasValue(1);
    }

    @Test
    void aRequestTimedOutBehindASlowReplyFailsAloneAndTheConnectionCarriesOn() {
        Peer peer = peer(httpServer());
        client = client(3);

        Mono<PeerClient.ChunkReply> slow = client.chunk(peer, DIGEST, 22, TIMEOUT, null).cache();
        slow.subscribe();
        assertThatThrownBy(() -> client.chunk(peer, DIGEST, 11, Duration.ofMillis(400), null).block(TIMEOUT))
                .hasRootCauseInstanceOf(TimeoutException.class)
                .hasMessageContaining("chunk 11 from p1 timed out after 400 ms");

        PeerClient.ChunkReply whole = slow.block(TIMEOUT);
        try {
            assertThat(whole.length()).isEqualTo(2000);
        } finally {
            whole.release();
        }
        assertThat(text(client.chunk(peer, DIGEST, 12, TIMEOUT, null).block(TIMEOUT))).isEqualTo("chunk 12");
        assertThat(connections).hasValue(1);
    }

    @Test
    void requestsBehindAReplyCutShortGoOutAgainOnANewConnection() {
        Peer peer = peer(httpServer());
        client = client(3);

        Mono<PeerClient.ChunkReply> cut = client.chunk(peer, DIGEST, 20, TIMEOUT, null).cache();
        Mono<String> behind = client.chunk(peer, DIGEST, 11, TIMEOUT, null).map(PeerClientChunkTest::text).cache();
        cut.subscribe(reply -> reply.release(), error -> { });
        behind.subscribe(text -> { }, error -> { });

        assertThatThrownBy(() -> cut.block(TIMEOUT)).hasMessageContaining("chunk 20");
        assertThat(behind.block(TIMEOUT)).isEqualTo("chunk 11");
        assertThat(connections).hasValue(2);
    }

    @Test
    void requestsBehindAReplyThatClosesTheConnectionGoOutAgainOnANewOne() {
        Peer peer = peer(httpServer());
        client = client(3);

        List<String> replies = texts(peer, 21, 11);

        assertThat(replies).containsExactly("bye", "chunk 11");
        assertThat(connections).hasValue(2);
    }

    @Test
    void aReplyCutShortFailsNamingTheChunk() {
        Peer peer = peer(rawServer(request -> "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + "x".repeat(500),
                true));
        client = client();

        assertThatThrownBy(() -> client.chunk(peer, DIGEST, 4, TIMEOUT, null).block())
                .hasCauseInstanceOf(IOException.class)
                .hasMessageContaining("closed before chunk 4 was received whole");
    }

    @Test
    void aReplyWithoutALengthIsRefusedBeforeItsBodyIsBuffered() {
        Peer peer = peer(rawServer(request -> "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
                false));
        client = client();

        assertThatThrownBy(() -> client.chunk(peer, DIGEST, 5, TIMEOUT, null).block())
                .isInstanceOf(ChunkRefusedException.class)
                .hasMessageContaining("Content-Length must be between 1 and");
    }

    @Test
    void aMalformedReplyFailsWithACauseAndNoHang() {
        Peer peer = peer(rawServer(request -> "this is not HTTP\r\n\r\n", true));
        client = client();

        assertThatThrownBy(() -> client.chunk(peer, DIGEST, 6, TIMEOUT, null).block())
                .hasMessageContaining("chunk 6");
    }

    @Test
    void aKeptAliveConnectionThePeerClosedIsRetriedOnANewOne() {
        // Answers the first request on each connection and closes it on the second, unanswered: what a client sees
        // when the peer closes an idle connection just as a request goes out on it.
        Peer peer = peer(rawServer(request -> "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", false));
        client = client();

        client.chunk(peer, DIGEST, 0, TIMEOUT, null).block().release();
        PeerClient.ChunkReply second = client.chunk(peer, DIGEST, 1, TIMEOUT, null).block();
        try {
            assertThat(new String(bytes(second.body()), StandardCharsets.US_ASCII)).isEqualTo("hello");
        } finally {
            second.release();
        }
        assertThat(connections).hasValue(2);
    }

    @Test
    void aPeerThatIsNotListeningFailsAtOnce() {
        DisposableServer gone = httpServer();
        Peer peer = peer(gone);
        gone.disposeNow();
        client = client();

        assertThatThrownBy(() -> client.chunk(peer, DIGEST, 0, TIMEOUT, null).block(Duration.ofSeconds(5)))
                .hasMessageContaining("Connection refused");
    }

    /** Serves {@code manifest} with its bitfield and, unless null, {@code origin} as {@link SwarmHeaders#ORIGIN}. */
    private DisposableServer manifestServer(Manifest manifest, String origin) {
        String body = JsonMapper.builder().build().writeValueAsString(manifest);
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

    private DisposableServer httpServer() {
        DisposableServer server = HttpServer.create().host("127.0.0.1").port(0)
                .doOnChannelInit((observer, channel, address) -> connections.incrementAndGet())
                .route(routes -> routes.get("/api/v1/artifacts/{digest}/chunks/{index}", (request, response) -> {
                    request.requestHeaders().forEach(header -> headersSeen.put(header.getKey(), header.getValue()));
                    return switch (request.param("index")) {
                        case "0" -> response.header("Content-Length", Integer.toString(CHUNK.length))
                                .header(SwarmHeaders.ORIGIN, "true").header(SwarmHeaders.UPLOADS, "3")
                                .header(HoldingsHeader.NAME, "BQ==")
                                .send(Flux.range(0, 3).map(part -> Unpooled.wrappedBuffer(CHUNK, part * 100_000,
                                        100_000)), piece -> true);
                        case "1" -> response.status(503).header("Retry-After", "1").sendString(Mono.just("{}"));
                        case "10", "11", "12" -> {
                            byte[] text = ("chunk " + request.param("index")).getBytes(StandardCharsets.US_ASCII);
                            Duration delay = Duration.ofMillis("10".equals(request.param("index")) ? 300 : 0);
                            yield response.header("Content-Length", Integer.toString(text.length))
                                    .send(Mono.delay(delay).map(tick -> Unpooled.wrappedBuffer(text)));
                        }
                        case "30", "31", "32" -> {
                            if (togetherArrived.incrementAndGet() == 3) {
                                allTogether.tryEmitEmpty();
                            }
                            byte[] text = ("chunk " + request.param("index")).getBytes(StandardCharsets.US_ASCII);
                            yield response.header("Content-Length", Integer.toString(text.length))
                                    .send(allTogether.asMono().timeout(TOGETHER, Mono.empty())
                                            .then(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(text))));
                        }
                        case "20" -> response.header("Content-Length", "2000").send(Flux.just(new byte[1000])
                                .map(Unpooled::wrappedBuffer)
                                .concatWith(Mono.error(new IOException("the disk went away"))), piece -> true);
                        case "21" -> response.header("Connection", "close").header("Content-Length", "3")
                                .sendString(Mono.just("bye"));
                        case "22" -> response.header("Content-Length", "2000").send(Flux.just(new byte[1000])
                                .concatWith(Mono.delay(Duration.ofSeconds(1)).map(tick -> new byte[1000]))
                                .map(Unpooled::wrappedBuffer), piece -> true);
                        case "2" -> response.status(409).header("Content-Type", "application/problem+json")
                                .sendString(Mono.just("{\"status\":409,\"askInstead\":\"AQI=\"}"));
                        default -> response.status(404).sendString(Mono.just("{\"status\":404}"));
                    };
                }))
                .bindNow();
        servers.add(server);
        return server;
    }

    /**
     * A server that speaks raw bytes: it answers each connection's first request, then closes the connection, at once
     * with {@code closeAfterAnswer}, otherwise when the next request arrives, leaving that one unanswered.
     */
    private DisposableServer rawServer(Function<String, String> answer, boolean closeAfterAnswer) {
        DisposableServer server = TcpServer.create().host("127.0.0.1").port(0)
                .doOnConnection(connection -> connections.incrementAndGet())
                .handle((in, out) -> {
                    Flux<String> requests = in.receive().asString();
                    Flux<String> answered = closeAfterAnswer ? requests.take(1)
                            : requests.index().takeWhile(request -> request.getT1() == 0).map(Tuple2::getT2);
                    return out.sendString(answered.map(answer));
                })
                .bindNow();
        servers.add(server);
        return server;
    }

    private static Peer peer(DisposableServer server) {
        return new Peer("p1", "http://127.0.0.1:" + server.port(), "zone-a", 0);
    }

    private static byte[] bytes(DataBuffer body) {
        byte[] bytes = new byte[body.readableByteCount()];
        body.read(bytes);
        return bytes;
    }

    /** The chunks' bodies as text, all requested at once, in the order asked. */
    private List<String> texts(Peer peer, Integer... indexes) {
        return Flux.just(indexes).flatMapSequential(index -> client.chunk(peer, DIGEST, index, TIMEOUT, null))
                .map(PeerClientChunkTest::text).collectList().block(TIMEOUT);
    }

    private static String text(PeerClient.ChunkReply reply) {
        try {
            return new String(bytes(reply.body()), StandardCharsets.US_ASCII);
        } finally {
            reply.release();
        }
    }

    /** A client with the default settings. */
    private static PeerClient client() {
        return client(Map.of("edgeswarm.node-id", "test"));
    }

    private static PeerClient client(int pipelineDepth) {
        return client(Map.of("edgeswarm.node-id", "test",
                "edgeswarm.transfer.pipeline-depth", Integer.toString(pipelineDepth)));
    }

    private static PeerClient client(Map<String, String> settings) {
        EdgeswarmProperties properties = new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate("edgeswarm", EdgeswarmProperties.class);
        PeerTls plain = new PeerTls(properties, new DefaultSslBundleRegistry(), new MockEnvironment());
        return new PeerClient(new NodeIdentity("test", "zone-a", Map.of(), "127.0.0.1"), plain,
                JsonMapper.builder().build(), properties);
    }
}
