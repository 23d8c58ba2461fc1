package io.edgeswarm.agent.swarm;

import io.edgeswarm.agent.storage.Digest;
import io.edgeswarm.agent.security.PeerTls;
import io.edgeswarm.agent.storage.Manifest;
import io.edgeswarm.agent.config.EdgeswarmProperties;
import io.edgeswarm.agent.config.NetworkBuffers;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Mono;
import reactor.netty.http.HttpResources;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.databind.json.JsonMapper;

/** Talks to other agents' HTTP APIs: manifests, bitfields, chunks and names. Every call has a timeout. */
@Component
public class PeerClient implements DisposableBean {

    private static final int CONNECT_TIMEOUT_MS = 2_000;
    private static final Duration SMALL_TIMEOUT = Duration.ofSeconds(5);
    /** A campaign's owner asks every target with {@link #SMALL_TIMEOUT}, so whoever relays must wait longer. */
    private static final Duration RELAYED_TIMEOUT = SMALL_TIMEOUT.multipliedBy(2).plusSeconds(2);
    /**
     * Idle pooled connections are dropped before a peer's server would close them (its idle timeout defaults to
     * 60 s), so a request never lands on a connection being closed, and idle ones do not crowd peers' connection caps.
     */
    private static final Duration POOL_MAX_IDLE = Duration.ofSeconds(30);
    /**
     * The HTTP decoder passes on what one socket read brought as one part, up to this. Netty's default (8 KiB) cuts
     * every read into 8 KiB slices, and each slice travels the rest of the pipeline on its own.
     */
    private static final int MAX_BODY_PART = 1024 * 1024;
    /** Room for the largest allowed chunk. */
    private static final int MAX_BODY = 64 * 1024 * 1024 + 1024;

    private final WebClient client;
    private final ChunkConnections chunkConnections;
    private final ChunkExchange.Settings chunkSettings;
    private final JsonMapper json;
    private final String nodeId;

    public PeerClient(io.edgeswarm.agent.config.NodeIdentity identity, PeerTls tls, JsonMapper json,
            EdgeswarmProperties properties) {
        this.json = json;
        this.nodeId = identity.nodeId();
        HttpClient http = tls.apply(HttpClient.create(ConnectionProvider.builder("edgeswarm-peers").maxConnections(256)
                        .pendingAcquireTimeout(Duration.ofSeconds(10)).maxIdleTime(POOL_MAX_IDLE).build())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MS)
                .option(ChannelOption.ALLOCATOR, NetworkBuffers.ALLOCATOR)
                // Asks for gzip and inflates what comes so: peers send manifests gzipped, at 55 % of their JSON.
                .compress(true));
        this.client = WebClient.builder().clientConnector(new ReactorClientHttpConnector(http))
                .codecs(c -> c.defaultCodecs().maxInMemorySize(MAX_BODY)).build();
        this.chunkConnections = new ChunkConnections(HttpResources.get(), tls, Duration.ofMillis(CONNECT_TIMEOUT_MS),
                POOL_MAX_IDLE, properties.transfer().pipelineDepth(), MAX_BODY_PART);
        // Every chunk request names this agent and its zone, so holders can count locality.
        HttpHeaders requestHeaders = new DefaultHttpHeaders().set(SwarmHeaders.REQUESTER_ZONE, identity.zone())
                .set(SwarmHeaders.REQUESTER, nodeId);
        this.chunkSettings = new ChunkExchange.Settings(MAX_BODY,
                new ReceiveLowWater((int) properties.transfer().receiveBatch().toBytes()),
                new NettyDataBufferFactory(NetworkBuffers.ALLOCATOR), this::askInstead, requestHeaders);
    }

    /** A manifest, the peer that served it, and that peer's bitfield when it sent one (null otherwise). */
    record ManifestReply(Peer server, Manifest manifest, BitSet holdings, boolean fromOrigin) {
    }

    Mono<ManifestReply> manifest(Peer peer, Digest digest) {
        return client.get().uri(peer.baseUrl() + "/api/v1/artifacts/{d}/manifest", digest.toString())
                .retrieve().toEntity(Manifest.class)
                .filter(entity -> entity.getBody() != null)
                .map(entity -> new ManifestReply(peer, entity.getBody(),
                        HoldingsHeader.decode(entity.getHeaders().getFirst(HoldingsHeader.NAME)),
                        Boolean.parseBoolean(entity.getHeaders().getFirst(SwarmHeaders.ORIGIN))))
                .timeout(SMALL_TIMEOUT);
    }

    /**
     * Which chunks the peer holds; empty if it does not have the artifact at all (404).
     *
     * @param ourHoldings this agent's bitfield of the artifact as a {@link HoldingsHeader} value, sent with our node
     *     id so that a peer fetching the artifact too learns what we hold from our poll, as from our chunk requests;
     *     null sends none
     * @param wait how long the peer may hold the answer until it has a chunk missing from {@code ourHoldings}
     *     ({@link HoldingsNews}); zero asks for an answer at once
     */
    Mono<Optional<BitSet>> bitfield(Peer peer, Digest digest, String ourHoldings, Duration wait) {
        String query = wait.isZero() ? "" : "?wait=" + wait.toMillis() + "ms";
        Duration limit = SMALL_TIMEOUT.plus(wait);
        return client.get().uri(peer.baseUrl() + "/api/v1/artifacts/{d}/bitfield" + query, digest.toString())
                .headers(headers -> {
                    if (ourHoldings != null) {
                        headers.set(SwarmHeaders.REQUESTER, nodeId);
                        headers.set(HoldingsHeader.NAME, ourHoldings);
                    }
                })
                .retrieve().bodyToMono(byte[].class).map(bytes -> Optional.of(BitSet.valueOf(bytes)))
                .defaultIfEmpty(Optional.of(new BitSet()))
                .onErrorResume(WebClientResponseException.NotFound.class, e -> Mono.just(Optional.empty()))
                .timeout(limit, Mono.error(() -> timedOut("bitfield from " + peer.id(), limit)));
    }

    /**
     * One chunk's bytes, whether the peer is an origin of the artifact, how long its first answer took, and the
     * peer's bitfield when it sent one (null otherwise), and the uploads it had in progress ({@code -1} if it did not
     * say). The body is the network's own pooled buffers, joined without a copy: whoever takes a reply must
     * {@link #release()} it.
     */
    record ChunkReply(DataBuffer body, boolean fromOrigin, long latencyNanos, BitSet holdings, int uploads) {

        int length() {
            return body.readableByteCount();
        }

        void release() {
            DataBufferUtils.release(body);
        }
    }

    /**
     * Asks a peer for one chunk. This is the swarm's hottest request, so it skips Reactor Netty's client and WebClient
     * for a plain Netty exchange on a kept-alive connection ({@link ChunkExchange}); same event loops and TLS as the
     * rest. A reply must name its length, at most {@link #MAX_BODY}, before any of it is buffered.
     *
     * @param ourHoldings this agent's bitfield of the artifact as a {@link HoldingsHeader} value, sent along so the
     *     peer learns what we hold if it is fetching the artifact too; null sends none
     */
    Mono<ChunkReply> chunk(Peer peer, Digest digest, int index, Duration timeout, String ourHoldings) {
        String path = "/api/v1/artifacts/" + digest + "/chunks/" + index;
        return Mono.create(sink -> new ChunkExchange(chunkConnections, chunkSettings, peer, index, path, ourHoldings,
                timeout, sink).begin());
    }

    /**
     * The error a frequent request's timeout ends it with: a chunk exchange's, and a poll's as its {@code timeout}
     * fallback (without one, Reactor's {@code timeout} walks the whole operator chain at every subscription to name it
     * in its message, Reactor 3.8). This message names the request instead.
     */
    static TimeoutException timedOut(String what, Duration after) {
        return new TimeoutException(what + " timed out after " + after.toMillis() + " ms");
    }

    /** Closes the idle chunk connections when the agent stops. */
    @Override
    public void destroy() {
        chunkConnections.close();
    }

    /** The {@code askInstead} of an origin's 409 problem; empty if the body is not the problem we expect. */
    private String askInstead(byte[] problem) {
        try {
            String value = json.readValue(problem, SentAlready.class).askInstead();
            return value == null ? "" : value;
        } catch (RuntimeException malformed) {
            return "";
        }
    }

    Mono<Optional<Digest>> resolveName(Peer peer, String name) {
        return client.get().uri(peer.baseUrl() + "/api/v1/names/" + name + "?scope=local").retrieve()
                .bodyToMono(NameAnswer.class).map(answer -> Optional.of(Digest.parse(answer.digest())))
                .onErrorResume(e -> Mono.just(Optional.empty()))
                .timeout(SMALL_TIMEOUT, Mono.just(Optional.empty()));
    }

    /** Asks a member to replicate an artifact; the status code, or the failure. */
    Mono<Integer> replicate(Peer peer, Digest digest, String writeToken) {
        return client.post().uri(peer.baseUrl() + "/api/v1/artifacts/{d}/replicate", digest.toString())
                .headers(h -> {
                    if (writeToken != null && !writeToken.isBlank()) {
                        h.setBearerAuth(writeToken);
                    }
                })
                .exchangeToMono(response -> response.releaseBody().thenReturn(response.statusCode().value()))
                .timeout(SMALL_TIMEOUT);
    }

    Mono<MemberStatus> status(Peer peer) {
        return client.get().uri(peer.baseUrl() + "/api/v1/status").retrieve().bodyToMono(MemberStatus.class)
                .timeout(SMALL_TIMEOUT);
    }

    Mono<DistributionService.Progress> distribution(Peer peer, String id) {
        return client.get().uri(peer.baseUrl() + "/api/v1/distributions/{id}?scope=local", id).retrieve()
                .bodyToMono(DistributionService.Progress.class).timeout(RELAYED_TIMEOUT);
    }

    /** The part of a member's {@code GET /api/v1/status} that campaigns read. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record MemberStatus(String id, String zone, List<Held> artifacts, List<Active> downloads) {

        @JsonIgnoreProperties(ignoreUnknown = true)
        record Held(String digest, long size, double progress, boolean complete) {
        }

        @JsonIgnoreProperties(ignoreUnknown = true)
        record Active(String digest, double progress, double bytesPerSecond, String error) {
        }
    }

    /** What a member holds itself ({@code GET /api/v1/artifacts?scope=local}). */
    Mono<List<RemoteArtifact>> artifacts(Peer peer) {
        return client.get().uri(peer.baseUrl() + "/api/v1/artifacts?scope=local").retrieve()
                .bodyToFlux(RemoteArtifact.class).collectList().timeout(SMALL_TIMEOUT);
    }

    /** One entry of a member's artifact list. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record RemoteArtifact(String digest, List<String> names, long size, int chunkSize, int chunkCount,
            boolean complete) {
    }

    /** The part of an origin's 409 problem that names the chunks it has not sent yet. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record SentAlready(String askInstead) {
    }

    /** The body of {@code GET /api/v1/names/{name}}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record NameAnswer(String name, String digest) {
    }
}
